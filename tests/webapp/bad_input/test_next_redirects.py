"""Every `next` the site follows (signing in, rating, switching language) stays on the site: other hosts,
schemes, protocol-relative and backslash spellings, and control characters all go to the default page."""
from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.webapp.helpers import csrf_token, login, register

OFF_SITE = ["https://evil.example/", "http:evil.example", "//evil.example", "///evil.example", "/\\evil.example",
            "\\\\evil.example", "/\\/evil.example", "javascript:alert(1)", "JavaScript:alert(1)",
            "data:text/html,x", " //evil.example", "/\t/evil.example", "/\r\nSet-Cookie: x=1", "%2F%2Fevil.example",
            "／／evil.example", "evil.example"]


@pytest.mark.parametrize("target", OFF_SITE)
def test_sign_in_never_leaves_the_site(client, target):
    register(client, "erin", "erin's password")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/logout")})
    response = login(client, "erin", "erin's password", next_url=quote(target, safe=""))
    assert response.status_code == 302 and response.headers["Location"] == "/"


@pytest.mark.parametrize("target", OFF_SITE)
def test_rating_never_leaves_the_site(client, stored, target):
    register(client, "rita")
    data = {"csrf_token": csrf_token(client, "/movies/2"), "stars": "4", "next": target}
    response = client.post("/movies/2/rate", data=data)
    assert response.status_code == 302 and response.headers["Location"] == "/movies/2"
    assert stored() == (["rita"], [("rita", 2, 4)])  # the rating itself is saved


@pytest.mark.parametrize("target", OFF_SITE)
def test_switching_language_never_leaves_the_site(client, target):
    response = client.get(f"/language/zh?next={quote(target, safe='')}")
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_a_path_on_the_site_is_followed(client):
    assert client.get("/language/en?next=%2Fmovies%3Fq%3Dx").headers["Location"] == "/movies?q=x"
