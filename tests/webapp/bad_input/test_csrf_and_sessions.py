"""Forged, foreign and stale CSRF tokens and session cookies: every form post without a token this session was
given is a 400 that writes nothing, and a cookie the site did not sign (or signed with a key since rotated)
signs nobody in."""
from __future__ import annotations

import pytest

from tests.webapp.bad_input.conftest import REFUSED
from tests.webapp.helpers import csrf_token, register


def posts(client, token: str) -> dict[str, object]:
    """A registration, a sign-in and a rating, each posted with `token`; their responses."""
    account = {"username": "mallory", "password": "long enough", "confirm": "long enough", "gender": "M",
               "age": "25", "occupation": "1"}
    return {"register": client.post("/register", data={"csrf_token": token, **account}),
            "login": client.post("/login", data={"csrf_token": token, "username": "victim",
                                                 "password": "victim's password"}),
            "rate": client.post("/movies/2/rate", data={"csrf_token": token, "stars": "1"})}


def assert_all_refused(responses: dict) -> None:
    for name, response in responses.items():
        assert response.status_code == 400, name
        assert REFUSED in response.get_data(as_text=True), name


@pytest.fixture
def victim(app):
    """A member "victim" who has rated movie 2 with 5 stars, signed in on the returned client."""
    client = app.test_client()
    register(client, "victim", "victim's password")
    assert client.post("/movies/2/rate", data={"csrf_token": csrf_token(client, "/movies/2"),
                                               "stars": "5"}).status_code == 302
    return client


@pytest.mark.parametrize("token", ["", "x", "forged", "A" * 91, "IjEyMzQ1Ig.ZZZZZZ.bad-signature"])
def test_a_forged_csrf_token_is_refused(victim, stored, token):
    assert_all_refused(posts(victim, token))
    assert stored() == (["victim"], [("victim", 2, 5)])


def test_another_visitors_csrf_token_is_refused(app, victim, stored):
    attacker = app.test_client()
    foreign = csrf_token(attacker, "/login")  # valid, but for the attacker's session
    assert_all_refused(posts(victim, foreign))
    assert stored() == (["victim"], [("victim", 2, 5)])


def test_a_token_signed_with_another_secret_key_is_refused(make_app, victim, stored):
    other_site = make_app(SECRET_KEY="another deployment's key").test_client()
    assert_all_refused(posts(victim, csrf_token(other_site, "/login")))
    assert stored() == (["victim"], [("victim", 2, 5)])


def test_after_the_secret_key_is_rotated_old_cookies_and_tokens_sign_nobody_in(make_app, victim, stored):
    """The site restarted with a new `SECRET_KEY`: the member's old cookie and token are worth nothing (signed
    out, posts refused), and signing in again works."""
    old_token = csrf_token(victim, "/movies/2")
    rotated = make_app(SECRET_KEY="the new key")
    client = rotated.test_client()
    client.set_cookie("session", victim.get_cookie("session").value)
    assert client.get("/picks").status_code == 302
    assert client.post("/movies/2/rate", data={"csrf_token": old_token, "stars": "1"}).status_code == 400
    refused = client.post("/login", data={"csrf_token": old_token, "username": "victim",
                                          "password": "victim's password"})
    assert refused.status_code == 400
    signed_in = client.post("/login", data={"csrf_token": csrf_token(client, "/login"), "username": "victim",
                                            "password": "victim's password"})
    assert signed_in.status_code == 302 and client.get("/picks").status_code == 200
    assert stored() == (["victim"], [("victim", 2, 5)])


@pytest.mark.parametrize("cookie", ["garbage", "a.b.c", "eyJfdXNlcl9pZCI6IjEtMCJ9.AAAAAA.forged", "." * 3000])
def test_a_session_cookie_the_site_did_not_sign_is_a_visitor(app, victim, cookie):
    client = app.test_client()
    client.set_cookie("session", cookie)
    assert client.get("/").status_code == 200
    assert client.get("/picks").status_code == 302
    assert client.post("/movies/2/rate", data={"stars": "1"}).status_code == 400
