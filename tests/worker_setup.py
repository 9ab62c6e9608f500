"""Apps configured the way a worker process configures itself: environment variables pointing at the fake
Douban, a throwaway database migrated to head, and a few movies in the catalogue; and what tests of the
``movie_info`` rows use."""
from __future__ import annotations

from pathlib import Path

from tests.worker.fake_douban import FakeDouban
from webapp.extensions import db
from webapp.models import MovieInfo
from worker.douban import DoubanRecord

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
# What the worker found for movie 1.
RECORD = DoubanRecord("1291575", "玩具总动员", "Toy Story", 1995, 8.7, "http://x/p.jpg", votes=10)


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
        "DOUBAN_IMAGE_HOSTS": "doubanio.com,127.0.0.1",  # the fake Douban serves the posters
        "CELERY_VISIBILITY_TIMEOUT": "4",
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(extra)
    return env


def app_from_env(env: dict, tmp_path: Path):
    """The app configured as ``env`` would configure it, migrated to head, with ``MOVIES`` in its catalogue."""
    from flask import Flask
    from flask_migrate import upgrade

    from webapp import create_app
    from webapp.config import from_environment
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


def info(movie_id: int) -> MovieInfo:
    """The movie's ``movie_info`` row as stored now (inside an app context)."""
    return db.session.get(MovieInfo, movie_id, populate_existing=True)
