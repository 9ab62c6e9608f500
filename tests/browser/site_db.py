"""The running site's database, read and written from a browser test: the catalogue facts a card does not
show, and Douban info stored as the worker would store it."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timezone

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from tests.browser.site import Site
from webapp.models import Movie, MovieInfo


@contextmanager
def site_session(site: Site):
    """A session on the site's own database (the one gunicorn serves from)."""
    engine = create_engine(site.env["DATABASE_URL"])
    try:
        with Session(engine, expire_on_commit=False) as session:
            yield session
    finally:
        engine.dispose()


def catalogue(site: Site) -> dict[int, Movie]:
    """Every movie of the site's catalogue by id."""
    with site_session(site) as session:
        return {movie.id: movie for movie in session.scalars(select(Movie))}


def cache_info(site: Site, movie_id: int, **values) -> None:
    """Store Douban info for a movie as the worker does once it has fetched it (status ok)."""
    with site_session(site) as session:
        info = session.get(MovieInfo, movie_id) or MovieInfo(movie_id=movie_id)
        for key, value in {"status": "ok", "attempts": 1, "queued_at": None,
                           "fetched_at": datetime.now(timezone.utc), **values}.items():
            setattr(info, key, value)
        session.add(info)
        session.commit()
