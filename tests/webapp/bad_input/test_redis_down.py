"""Redis unreachable (the broker, the limit store and the scraping gate all on a closed local port): a member
still registers, onboards, rates and signs in and out; every rating is saved once, no claim on a movie is left
behind (the scraping queue waits for Redis), and /healthz says which parts are degraded."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.webapp.bad_input.conftest import stored_in
from tests.webapp.helpers import csrf_token, login, rate, register
from webapp.extensions import db
from webapp.models import MovieInfo

DOWN = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def redis_down_app(make_app):
    """The only app of the test (the limiter is one object per process: a second app would take it over)."""
    from webapp.extensions import limiter

    app = make_app(REDIS_URL=DOWN, RATELIMIT_STORAGE_URI=DOWN,
                   RATELIMIT_STORAGE_OPTIONS={"socket_connect_timeout": 1, "socket_timeout": 1},
                   CELERY={"broker_url": DOWN, "task_ignore_result": True})
    yield app
    limiter._storage_dead = False  # one limiter per process: the next test's app counts in its own store


def test_a_member_uses_the_site_while_redis_is_down(redis_down_app):
    client = redis_down_app.test_client()
    assert register(client, "rosa", "rosa's password").headers["Location"] == "/welcome"
    assert client.get("/welcome").status_code == 200
    for url in ("/", "/movies/2", "/movies?genre=Drama", "/picks", "/api/movies/cards?ids=2,3"):
        assert client.get(url).status_code == 200, url
    assert rate(client, 2, 4).status_code == 302
    assert rate(client, 3, 5).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/logout")})
    assert login(client, "rosa", "wrong").status_code == 200
    assert login(client, "rosa", "rosa's password").status_code == 302
    assert rate(client, 2, 2).status_code == 302
    assert stored_in(redis_down_app) == (["rosa"], [("rosa", 2, 2), ("rosa", 3, 5)])
    with redis_down_app.app_context():
        assert db.session.scalars(select(MovieInfo.movie_id)).all()  # pages did ask for Douban info ...
        assert not any(db.session.scalars(select(MovieInfo.queued_at)))  # ... and released every claim
    health = client.get("/healthz")
    assert health.status_code == 200 and set(health.get_json()["degraded"]) == {"broker", "limiter"}
