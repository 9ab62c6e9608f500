"""What the model says to the signed-in member: their picks and the stars they would likely give.

The user tower's vectors of a member, and each page of their picks, are kept per process under what they are
computed from: the model's directory, the member's demographics, and hashes of their ratings (in the order the tower
reads them) and, for picks, of their hidden movies. The same page again (a reload, back from a movie, the home page
after /picks) runs neither the tower nor the scoring; a new or changed rating, a hidden movie or a new model is a
new key, so what a member sees is always computed from their marks of this request.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from flask import Flask, current_app
from flask_login import current_user
from movrec.recommender import Recommender

from webapp.services.cards import Card, build_card_lists
from webapp.services.lru import LruMap
from webapp.services.member_marks import member_marks
from webapp.services.recommender import artifacts_dir, get_recommender

PICKS_PER_PAGE = 12
VECTORS_EXTENSION, PICKS_EXTENSION = "member_vectors", "member_picks"
MEMBERS_KEPT = 4096  # members' vectors (2 x 200 floats) and pages of picks (a few hundred bytes) kept per process


@dataclass(frozen=True)
class MemberVectors:
    """The user tower's query and rating vectors of a member, and what they were computed from."""

    computed_from: tuple
    query: np.ndarray
    rating: np.ndarray


@dataclass(frozen=True)
class PicksPage:
    """A page of a member's picks with their "because" movies and predicted stars, and what it was computed from;
    shared by the requests of every thread, so never changed once made."""

    computed_from: tuple
    pairs: tuple[tuple[int, float], ...]
    because: dict[int, int | None]
    predicted: dict[int, float]


def predicted_for_current_user(movie_ids: list[int], ratings: dict[int, int]) -> np.ndarray:
    """The stars (1-5) the signed-in member would likely give each movie, NaN where the model cannot tell;
    `ratings` are theirs (`member_marks().ratings`)."""
    recommender = get_recommender()
    vectors = _member_vectors(recommender, ratings)
    return recommender.predicted_stars_or_nan(vectors.rating, ratings, movie_ids)


def picks_for_current_user(k: int = PICKS_PER_PAGE, page: int = 1) -> list[Card]:
    """Page `page` (`k` a page) of the picks from the user's demographics and ratings, each with its
    "because" movie and predicted stars; movies the user hid never appear."""
    marks = member_marks()
    recommender = get_recommender()
    vectors = _member_vectors(recommender, marks.ratings)
    computed_from = (vectors.computed_from, hash(frozenset(marks.hidden)))
    memo: LruMap[PicksPage] = current_app.extensions[PICKS_EXTENSION]
    key = current_user.id, k, page
    kept = memo.get(key)
    if kept is None or kept.computed_from != computed_from:
        pairs, because = recommender.explained_picks(vectors.query, marks.ratings, k=k * page, exclude=marks.hidden,
                                                     start=k * (page - 1))
        ids = [movie_id for movie_id, _ in pairs]
        predicted = dict(zip(ids, recommender.predicted_stars(vectors.rating, marks.ratings, ids)))
        kept = PicksPage(computed_from, tuple(pairs), because, predicted)
        memo.put(key, kept)
    return build_card_lists([kept.pairs], kept.because, predicted=kept.predicted)[0]


def _member_vectors(recommender: Recommender, ratings: dict[int, int]) -> MemberVectors:
    """The signed-in member's tower vectors from their `ratings`, computed when anything they come from changed."""
    computed_from = (artifacts_dir(), current_user.gender, current_user.age, current_user.occupation,
                     hash(tuple(ratings.items())))
    memo: LruMap[MemberVectors] = current_app.extensions[VECTORS_EXTENSION]
    kept = memo.get(current_user.id)
    if kept is None or kept.computed_from != computed_from:
        query, rating = recommender.new_user_vectors(current_user.gender, current_user.age, current_user.occupation,
                                                     ratings)
        query.setflags(write=False)  # shared by the requests of every thread
        rating.setflags(write=False)
        kept = MemberVectors(computed_from, query, rating)
        memo.put(current_user.id, kept)
    return kept


def init_app(app: Flask) -> None:
    """Give the app its per-process memos of members' tower vectors and pages of picks."""
    app.extensions[VECTORS_EXTENSION] = LruMap(MEMBERS_KEPT)
    app.extensions[PICKS_EXTENSION] = LruMap(MEMBERS_KEPT)
