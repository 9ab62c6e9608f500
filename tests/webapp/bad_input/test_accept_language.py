"""A malformed `Accept-Language` never breaks a page: what cannot be read is ignored and the page is in the
default language (English); a readable part still chooses."""
from __future__ import annotations

import pytest

MALFORMED = ["zh;q=abc", ";;;,,", "x" * 8000, "zh-CN;q=2", "zh;q=-1", "zh;q=1;q=0", "中文", "en;q=0.5,zh;q=nan",
             "=;=", "q=0.9", "\t"]


@pytest.mark.parametrize("header", MALFORMED)
def test_an_unreadable_accept_language_serves_english(client, header):
    response = client.get("/movies/2", headers={"Accept-Language": header})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="en">' in html and "Similar movies" in html


@pytest.mark.parametrize("header", [",,zh,,", "zh-" + "a" * 500, "zh;q=0.5,en;q=0", "fr;q=abc,zh"])
def test_a_readable_part_still_chooses_the_language(client, header):
    html = client.get("/movies/2", headers={"Accept-Language": header}).get_data(as_text=True)
    assert '<html lang="zh-Hans">' in html and "相似电影" in html


def test_an_unknown_language_cookie_falls_back_to_the_header(app):
    client = app.test_client()
    client.set_cookie("lang", "xx\u202e")
    html = client.get("/movies/2", headers={"Accept-Language": "zh"}).get_data(as_text=True)
    assert '<html lang="zh-Hans">' in html
