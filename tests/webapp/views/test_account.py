"""The account page: changing the password, downloading the ratings, deleting the account."""
from __future__ import annotations

import csv
import io

from sqlalchemy import func, select

from tests.webapp.helpers import csrf_token, login, register
from webapp.extensions import db
from webapp.models import HiddenMovie, Rating, User, WatchlistEntry

PASSWORD = "correct horse"


def rows_of(app, user_id: int) -> dict[str, int]:
    with app.app_context():
        return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model)
                                                       .where(model.user_id == user_id))
                for model in (Rating, WatchlistEntry, HiddenMovie)}


def user_id_of(app, username: str) -> int | None:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.username == username))


def fill_lists(client) -> None:
    token = csrf_token(client, "/movies/2")
    client.post("/movies/2/rate", data={"csrf_token": token, "stars": "4"})
    client.post("/movies/3/rate", data={"csrf_token": token, "stars": "1"})
    client.post("/movies/4/watchlist", data={"csrf_token": token, "on": "1"})
    client.post("/movies/5/hide", data={"csrf_token": token, "on": "1"})


def test_account_pages_need_signing_in(client):
    for url in ("/account", "/account/ratings.csv"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")
    token = csrf_token(client, "/login")
    for url in ("/account/password", "/account/delete"):
        assert client.post(url, data={"csrf_token": token}).headers["Location"].startswith("/login?next=")


def test_account_page_counts_the_lists(client):
    register(client, "abel")
    fill_lists(client)
    html = client.get("/account").get_data(as_text=True)
    assert "You rated 2 movies · 1 movie on the watchlist · 1 hidden movie" in " ".join(html.split())


def test_ratings_download_as_csv(app, client):
    register(client, "bea")
    fill_lists(client)
    response = client.get("/account/ratings.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert {int(r["movie_id"]): int(r["stars"]) for r in rows} == {2: 4, 3: 1}
    from webapp.models import Movie
    with app.app_context():
        assert {r["title"] for r in rows} == {db.session.get(Movie, m).title for m in (2, 3)}


def test_changing_the_password_needs_the_current_one_and_ends_other_sessions(app, client):
    register(client, "cleo")
    other = app.test_client()
    assert login(other, "cleo", PASSWORD).status_code == 302
    token = csrf_token(client, "/account")
    wrong = client.post("/account/password", data={"csrf_token": token, "current": "not it",
                                                  "password": "a new password", "confirm": "a new password"})
    assert wrong.status_code == 400 and "Wrong password." in wrong.get_data(as_text=True)
    assert client.post("/account/password", data={"current": PASSWORD, "password": "a new password",
                                                  "confirm": "a new password"}).status_code == 400  # no CSRF
    short = client.post("/account/password", data={"csrf_token": token, "current": PASSWORD,
                                                  "password": "short", "confirm": "short"})
    assert short.status_code == 400
    assert other.get("/account").status_code == 200  # nothing changed yet
    done = client.post("/account/password", data={"csrf_token": token, "current": PASSWORD,
                                                 "password": "a new password", "confirm": "a new password"})
    assert done.status_code == 302 and done.headers["Location"] == "/account"
    assert client.get("/account").status_code == 200  # this session carries on
    assert other.get("/account").status_code == 302  # the other one is signed out
    fresh = app.test_client()
    assert login(fresh, "cleo", PASSWORD).status_code == 200
    assert login(fresh, "cleo", "a new password").status_code == 302


def test_deleting_the_account_removes_its_rows_and_only_its(app, client):
    other = app.test_client()
    register(other, "dora")
    fill_lists(other)
    register(client, "emil")
    fill_lists(client)
    emil, dora = user_id_of(app, "emil"), user_id_of(app, "dora")
    token = csrf_token(client, "/account")
    unsure = client.post("/account/delete", data={"csrf_token": token, "password": PASSWORD})
    assert unsure.status_code == 400
    wrong = client.post("/account/delete", data={"csrf_token": token, "password": "nope", "sure": "y"})
    assert wrong.status_code == 400 and "Wrong password." in wrong.get_data(as_text=True)
    assert client.post("/account/delete", data={"password": PASSWORD, "sure": "y"}).status_code == 400
    assert user_id_of(app, "emil") == emil
    done = client.post("/account/delete", data={"csrf_token": token, "password": PASSWORD, "sure": "y"})
    assert done.status_code == 302 and done.headers["Location"] == "/"
    assert user_id_of(app, "emil") is None
    assert rows_of(app, emil) == {"ratings": 0, "watchlist": 0, "hidden_movies": 0}
    assert rows_of(app, dora) == {"ratings": 2, "watchlist": 1, "hidden_movies": 1}
    assert client.get("/account").status_code == 302  # signed out
    assert login(app.test_client(), "emil", PASSWORD).status_code == 200  # no such account any more
