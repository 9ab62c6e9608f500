"""Fixtures of the worker tests: the fake Douban, a dedicated Redis db, throwaway databases, apps on them."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.services import private_redis, throwaway_postgres
from tests.worker.fake_douban import FakeDouban

# Movies the tests put in the catalogue: (MovieLens id, raw title, year, rating count).
MOVIES = [
    (1, "Toy Story (1995)", 1995, 2000),
    (2, "Inception (2010)", 2010, 1500),
    (3, "Shawshank Redemption, The (1994)", 1994, 1800),
    (4, "Postino, Il (The Postman) (1994)", 1994, 300),
    (5, "Fargo (1996)", 1996, 1200),
    (6, "Nothing Like This On Douban (1971)", 1971, 10),
    *[(100 + n, f"Test Film {n} (2000)", 2000, 100 - n) for n in range(1, 41)],
]


@pytest.fixture
def fake():
    """A fresh fake Douban on a loopback port."""
    server = FakeDouban().start()
    yield server
    server.stop()


@pytest.fixture
def redis_url():
    """A Redis database of this test's own, empty."""
    with private_redis() as url:
        yield url


@pytest.fixture
def pg_url():
    """A throwaway PostgreSQL database, dropped afterwards."""
    with throwaway_postgres("movrec_worker") as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'movrec.sqlite'}"


def worker_env(database_url: str, fake: FakeDouban, tmp_path: Path, redis_url: str | None, **extra) -> dict:
    """Environment variables that configure the app (and so a worker process) for a test."""
    env = {
        "MOVREC_ENV": "testing",
        "SECRET_KEY": "test",
        "DATABASE_URL": database_url,
        "POSTER_DIR": str(tmp_path / "posters"),
        "MOVREC_ARTIFACTS": str(tmp_path / "no-artifacts"),
        "DOUBAN_SEARCH_URL": f"{fake.url}/search",
        "DOUBAN_SUGGEST_URL": f"{fake.url}/j/subject_suggest",
        "DOUBAN_SUBJECT_URL": f"{fake.url}/subject/",
        "DOUBAN_MIN_INTERVAL": "0.3",
        "DOUBAN_IMAGE_MIN_INTERVAL": "0.1",
        "DOUBAN_JITTER": "0.1",
        "DOUBAN_CIRCUIT_SECONDS": "3",
        "DOUBAN_TIMEOUT": "2",
        "DOUBAN_MAX_WAIT": "30",
        "CELERY_VISIBILITY_TIMEOUT": "4",
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(extra)
    return env


def make_app(env: dict, tmp_path: Path):
    """The app configured as ``env`` would configure it, migrated to head, with ``MOVIES`` in its catalogue."""
    from flask import Flask
    from flask_migrate import upgrade

    from webapp import create_app
    from webapp.config import from_environment
    from webapp.extensions import db
    from webapp.models import Movie

    instance = tmp_path / "instance"
    config = from_environment(instance, {**env})
    config["SECRET_KEY"] = env["SECRET_KEY"]
    app: Flask = create_app(config)
    with app.app_context():
        upgrade()
        if db.session.query(Movie).count() == 0:
            db.session.add_all(Movie(id=i, title=t.rsplit(" (", 1)[0], raw_title=t, year=y, genres="Drama",
                                     rating_count=c) for i, t, y, c in MOVIES)
            db.session.commit()
    return app
