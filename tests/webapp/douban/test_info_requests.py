"""Pages ask the worker for missing Douban info without waiting, without duplicates, even with no broker."""
from __future__ import annotations

import re
import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import MovieInfo, as_utc
from webapp.douban.names import INTERACTIVE_QUEUE


def queued(app) -> dict[int, object]:
    with app.app_context():
        return dict(db.session.execute(select(MovieInfo.movie_id, MovieInfo.queued_at)).all())


def messages_waiting(app, queue: str) -> int:
    with app.extensions["celery"].connection_for_read() as conn:
        return conn.default_channel.queue_declare(queue, passive=True).message_count


def shown_movie_ids(html: str) -> set[int]:
    return {int(i) for i in re.findall(r'data-movie-id="(\d+)"', html)}


def test_movie_page_requests_info_once_for_every_movie_it_shows(make_app, tmp_path):
    app = make_app(CELERY={"broker_url": f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}", "task_ignore_result": True})
    client = app.test_client()
    html = client.get("/movies/2").get_data(as_text=True)
    shown = shown_movie_ids(html)
    first = queued(app)
    assert set(first) == shown and all(first.values())
    assert messages_waiting(app, INTERACTIVE_QUEUE) == len(shown)
    assert 'data-pending="1"' in html  # the page script will refresh these cards
    client.get("/movies/2")
    assert queued(app) == first
    assert messages_waiting(app, INTERACTIVE_QUEUE) == len(shown)


def test_cached_movies_are_not_requested_again(make_app, tmp_path):
    app = make_app(CELERY={"broker_url": f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}", "task_ignore_result": True})
    with app.app_context():
        db.session.add(MovieInfo(movie_id=2, status="ok", title_zh="肖申克的救赎"))
        db.session.commit()
    app.test_client().get("/movies/2")
    assert queued(app)[2] is None


def test_pages_render_at_once_when_the_broker_is_down(make_app):
    app = make_app(CELERY={"broker_url": "redis://127.0.0.1:1/0", "task_ignore_result": True,
                           "broker_connection_timeout": 1, "broker_connection_retry": False})
    client = app.test_client()
    started = time.monotonic()
    for url in ("/", "/movies/2", "/movies?genre=Drama", "/api/movies/2/similar"):
        assert client.get(url).status_code == 200
    assert time.monotonic() - started < 5
    assert not any(queued(app).values())  # claims were released, so a later view asks again


def test_failed_fetches_are_asked_again_only_once_their_next_attempt_is_due(make_app, tmp_path):
    app = make_app(CELERY={"broker_url": f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}", "task_ignore_result": True})
    now = datetime.now(timezone.utc)
    long_ago = now - timedelta(hours=2)
    with app.app_context():
        db.session.add_all([
            MovieInfo(movie_id=2, status="error", attempts=1, queued_at=long_ago, next_attempt_at=now - timedelta(minutes=1)),
            MovieInfo(movie_id=3, status="error", attempts=1, queued_at=long_ago, next_attempt_at=now + timedelta(hours=1)),
        ])
        db.session.commit()
    client = app.test_client()
    client.get("/movies/2")
    client.get("/movies/3")
    after = queued(app)
    assert as_utc(after[2]) > long_ago  # due again: requested
    assert as_utc(after[3]) == long_ago  # not before its next attempt
