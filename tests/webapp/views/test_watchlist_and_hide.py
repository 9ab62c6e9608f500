"""The watchlist and "not interested": marking from cards and movie pages, with and without the script."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.webapp.helpers import csrf_token, register
from webapp.extensions import db
from webapp.models import HiddenMovie, WatchlistEntry

MODELS = {"watchlist": WatchlistEntry, "hide": HiddenMovie}


def marked(app, mark: str) -> set[tuple[int, int]]:
    model = MODELS[mark]
    with app.app_context():
        return set(db.session.execute(select(model.user_id, model.movie_id)).all())


@pytest.mark.parametrize("mark", ["watchlist", "hide"])
def test_marking_is_idempotent_and_returns_to_the_page(app, client, mark):
    register(client, "vera")
    token = csrf_token(client, "/movies/2")
    response = client.post(f"/movies/2/{mark}", data={"csrf_token": token, "on": "1", "next": "/movies?page=2"})
    assert response.status_code == 302 and response.headers["Location"] == "/movies?page=2"
    client.post(f"/movies/2/{mark}", data={"csrf_token": token, "on": "1"})
    assert len(marked(app, mark)) == 1
    off = client.post(f"/movies/2/{mark}", data={"csrf_token": token, "on": "0", "next": "https://evil.example/"})
    assert off.headers["Location"] == "/movies/2"  # an outside `next` is ignored
    client.post(f"/movies/2/{mark}", data={"csrf_token": token, "on": "0"})
    assert marked(app, mark) == set()


@pytest.mark.parametrize("mark", ["watchlist", "hide"])
def test_marking_needs_csrf_a_member_a_known_movie_and_a_state(app, client, mark):
    assert client.post(f"/movies/2/{mark}", data={"on": "1"}).status_code == 400
    token = csrf_token(client, "/login")
    signed_out = client.post(f"/movies/2/{mark}", data={"csrf_token": token, "on": "1"})
    assert signed_out.status_code == 302 and signed_out.headers["Location"] == "/login?next=/movies/2"
    register(client, "wanda")
    token = csrf_token(client, "/movies/2")
    assert client.post(f"/movies/2/{mark}", data={"on": "1"}).status_code == 400
    assert client.post(f"/movies/999999/{mark}", data={"csrf_token": token, "on": "1"}).status_code == 404
    for bad in ("", "2", "yes"):
        assert client.post(f"/movies/2/{mark}", data={"csrf_token": token, "on": bad}).status_code == 400
    assert client.get(f"/movies/2/{mark}").status_code == 405
    assert marked(app, mark) == set()


def test_the_script_gets_json(client):
    register(client, "xena")
    token = csrf_token(client, "/movies/2")
    reply = client.post("/movies/2/watchlist", data={"csrf_token": token, "on": "1"},
                        headers={"Accept": "application/json"})
    assert reply.status_code == 200
    assert reply.json == {"message": "Added to your watchlist.", "movie_id": 2, "mark": "watchlist", "on": True}


def test_watchlist_page_lists_the_marked_movies_latest_first(app, client):
    assert client.get("/watchlist").headers["Location"].startswith("/login?next=")
    register(client, "yara")
    assert 'href="/watchlist"' in client.get("/").get_data(as_text=True)
    assert "Your watchlist is empty." in client.get("/watchlist").get_data(as_text=True)
    token = csrf_token(client, "/movies/2")
    for movie_id in (3, 2):
        client.post(f"/movies/{movie_id}/watchlist", data={"csrf_token": token, "on": "1"})
    html = client.get("/watchlist").get_data(as_text=True)
    from tests.webapp.views.test_picks import card_ids
    assert card_ids(html, "watchlist") == [2, 3]
    assert 'aria-pressed="true">Want to see' in html


def test_cards_and_movie_page_show_the_members_marks(client):
    register(client, "zoe")
    token = csrf_token(client, "/movies/2")
    client.post("/movies/2/hide", data={"csrf_token": token, "on": "1"})
    client.post("/movies/2/rate", data={"csrf_token": token, "stars": "3"})
    page = client.get("/movies/2").get_data(as_text=True)
    hide_form = page[page.index('action="/movies/2/hide"'):]
    assert '<input type="hidden" name="on" value="0">' in hide_form[:600]
    assert 'aria-pressed="true">Not interested' in hide_form[:800]
    watch_form = page[page.index('action="/movies/2/watchlist"'):]
    assert 'aria-pressed="false">Want to see' in watch_form[:800]
    browse = client.get("/movies").get_data(as_text=True)
    card = browse[browse.index('data-movie-id="2"'):]
    card = card[:card.index("</article>")]
    assert 'name="stars" value="3" checked' in card and 'action="/movies/2/rate"' in card


def test_visitors_see_no_member_controls(client):
    for url in ("/", "/movies", "/movies/2"):
        html = client.get(url).get_data(as_text=True)
        assert "data-mark-form" not in html and "member.js" not in html
