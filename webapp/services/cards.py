"""Movie cards: recommendation lists turned into movies (with their Douban info) in one query."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, select

from webapp.douban.enqueue import request_info
from webapp.extensions import db
from webapp.models import Movie, MovieInfo, utcnow


@dataclass(frozen=True)
class Card:
    """A movie as a list shows it: its score in the list, the rated movie that explains it, and the stars
    the member would likely give it."""

    movie: Movie
    score: float | None = None
    because: Movie | None = None
    predicted: float | None = None


# Built once: building the IN clause on every call cost about a third of loading a page's 21 movies.
_MOVIES = select(Movie).where(Movie.id.in_(bindparam("ids", expanding=True)))


def load_movies(movie_ids: Iterable[int]) -> dict[int, Movie]:
    """The movies with these ids and their info, in one query, by id (unknown ids left out)."""
    ids = {int(i) for i in movie_ids}
    if not ids:
        return {}
    return {m.id: m for m in db.session.scalars(_MOVIES, {"ids": sorted(ids)})}


def build_card_lists(lists: Sequence[Sequence[tuple[int, float | None]]],
                     because: dict[int, int | None] | None = None,
                     also_shown: Iterable[Movie] = (), movies: dict[int, Movie] | None = None,
                     predicted: dict[int, float] | None = None) -> list[list[Card]]:
    """Cards for several `(movie_id, score)` lists in one query (none when `movies` already holds them);
    `because` maps a pick to the movie explaining it, `predicted` to the member's likely stars. Missing
    Douban info of every card and of `also_shown` is requested in one call."""
    because, predicted = because or {}, predicted or {}
    if movies is None:
        wanted = {mid for pairs in lists for mid, _ in pairs} | {b for b in because.values() if b is not None}
        movies = load_movies(wanted)
    cards = [[Card(movies[mid], None if score is None else float(score), movies.get(because.get(mid)),
                   predicted.get(mid)) for mid, score in pairs if mid in movies] for pairs in lists]
    ask_for_missing_info([*also_shown, *(card.movie for row in cards for card in row)])
    return cards


def ask_for_missing_info(movies: Iterable[Movie]) -> None:
    """Ask the worker, without waiting, for the Douban info of shown movies that have none yet.

    Movies whose row says a fetch is already queued, or not due before a later attempt time, are left
    out here from the rows already loaded: asking again would be refused by `request_info` anyway,
    after a database round trip that costs more than rendering the page.
    """
    now = utcnow()
    missing = sorted({m.id for m in movies if m.info_pending and (m.info is None or m.info.is_due(now))})
    if missing:
        request_info(missing, interactive=True)


# Built once and run on the Core table (no ORM entities): this query is the whole cost of a cached page.
_info = MovieInfo.__table__.c
_INFO_VERSION = (select(_info.movie_id, _info.updated_at)
                 .where(_info.movie_id.in_(bindparam("ids", expanding=True))).order_by(_info.movie_id))


def info_version_of(movies: Iterable[Movie]) -> tuple:
    """`info_version` of movies already loaded with their info, without asking the database again."""
    return tuple(sorted((m.id, m.info.updated_at) for m in movies if m.info is not None))


def info_version(movie_ids: Sequence[int]) -> tuple:
    """A value that changes whenever the Douban info of any of these movies is stored or updated."""
    return tuple(map(tuple, db.session.execute(_INFO_VERSION, {"ids": list(movie_ids)})))
