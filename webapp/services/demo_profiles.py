"""The dataset's members shown on the home page, described by who they are and what they rated."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Movie
from webapp.services.recommender import get_recommender

FAVOURITE_MIN_RATINGS = 5  # a genre counts as a favourite only with at least this many of the member's ratings

_described: dict[tuple[int, int], list[DemoProfile]] = {}


@dataclass(frozen=True)
class DemoProfile:
    """A trained member: demographics, how many movies they rated, and the genre they rate highest."""

    user_id: int
    gender: str
    age: int
    occupation: int
    n_ratings: int
    favourite_genre: str | None


def favourite_genre(ratings: dict[int, int], genres: dict[int, str]) -> str | None:
    """The genre whose movies the member rates highest on average (at least `FAVOURITE_MIN_RATINGS` of them;
    more ratings, then the name, break ties), or None."""
    stars_by_genre: dict[str, list[int]] = defaultdict(list)
    for movie_id, stars in ratings.items():
        for genre in (genres.get(movie_id) or "").split("|"):
            if genre:
                stars_by_genre[genre].append(stars)
    ranked = sorted((-sum(s) / len(s), -len(s), g) for g, s in stars_by_genre.items() if len(s) >= FAVOURITE_MIN_RATINGS)
    return ranked[0][2] if ranked else None


def demo_profiles(count: int) -> list[DemoProfile]:
    """The first `count` trained members, described; computed once per process and model."""
    recommender = get_recommender()
    key = (id(recommender), count)
    if key not in _described:
        user_ids = [int(u) for u in recommender.user_ids[:count]]
        ratings = {u: recommender.user_ratings(u) for u in user_ids}
        rated = {m for r in ratings.values() for m in r}
        genres = dict(db.session.execute(select(Movie.id, Movie.genres).where(Movie.id.in_(rated))).all())
        _described[key] = [DemoProfile(u, *recommender.user_demographics(u), len(ratings[u]),
                                       favourite_genre(ratings[u], genres)) for u in user_ids]
    return _described[key]
