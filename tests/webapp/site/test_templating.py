"""The directly formatted URLs of card lists agree with Flask's routing, mounted or not."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from flask import url_for

from webapp.models import Movie, MovieInfo
from webapp.site.templating import fixed_url, movie_url, poster_url


@pytest.mark.parametrize("script_root", ["", "/site"])
def test_card_urls_match_url_for(app, script_root):
    fetched = datetime(2026, 3, 4, 5, 6, 7, tzinfo=timezone.utc)
    movie = Movie(id=42, title="x", raw_title="x", genres="")
    movie.info = MovieInfo(movie_id=42, status="ok", poster_path="42.jpg", fetched_at=fetched)
    with app.test_request_context("/", base_url=f"http://localhost{script_root}"):
        assert movie_url(42) == url_for("catalog.movie", movie_id=42)
        assert movie_url(42).startswith(f"{script_root}/")
        assert poster_url(movie) == url_for("catalog.poster", movie_id=42, v=int(fetched.timestamp()))
        movie.info.poster_path = None
        assert poster_url(movie) is None


@pytest.mark.parametrize("script_roots", [("", "/site"), ("/site", "")])
def test_fixed_urls_match_url_for_under_each_script_root(app, script_roots):
    links = [("static", {"filename": "css/site.css"}), ("static", {"filename": "favicon.svg"}), ("catalog.home", {}),
             ("picks.my_picks", {}), ("accounts.logout", {})]
    for script_root in (*script_roots, *script_roots):  # built, then kept, under each root
        with app.test_request_context("/", base_url=f"http://localhost{script_root}"):
            for endpoint, values in links:
                assert fixed_url(endpoint, **values) == url_for(endpoint, **values)
                assert fixed_url(endpoint, **values).startswith(f"{script_root}/")
