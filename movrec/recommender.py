"""Recommendations from the exported bundle, with numpy only (no TensorFlow).

Every query returns `(movie_id, score)` pairs, best first. Picks are ranked by the towers' retrieval logits
blended with EASE's item-item weights of the user's rated movies (movrec.ease); `similar` and `also_liked`
read lists precomputed at training (movrec.co_ratings): the towers' cosine blended with co-ratings, and
co-liked scores. Predicted stars come from the rating head, calibrated (movrec.star_model).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np

from . import ease, star_model
from .artifacts import Artifacts, ArtifactsError
from .evaluate import LIKED_STARS


class UnknownUser(LookupError):
    """No such user in the trained model."""


class UnknownMovie(LookupError):
    """No such movie in the trained model."""


Picks = list[tuple[int, float]]

MIN_RATINGS = 20      # movies with fewer training ratings are never recommended (too little evidence)
BECAUSE_SHARE = 0.3   # a rated movie explains a pick when it gives this share of the positive contributions


class Recommender:
    """Answers the site's recommendation queries from an artifacts bundle loaded once."""

    def __init__(self, artifacts: Artifacts, min_ratings: int = MIN_RATINGS):
        """`min_ratings`: movies with fewer training ratings are never recommended; they still get
        recommendations of their own."""
        if artifacts.user_encoder is None:
            raise ArtifactsError("this bundle has no user tower (the seed variant is for evaluation); "
                                 "train the default variant to serve the site")
        self.artifacts = artifacts
        self.metrics = artifacts.metrics
        self.movie_ids = artifacts.movie_ids
        self.user_ids = artifacts.user_ids
        self._encoder = artifacts.user_encoder
        self._movies = artifacts.movie_vectors
        self._unit = self._movies / np.maximum(np.linalg.norm(self._movies, axis=1, keepdims=True), 1e-12)
        self._movie_row = {int(m): i for i, m in enumerate(self.movie_ids)}
        self._user_row = {int(u): i for i, u in enumerate(self.user_ids)}
        self._popularity = np.bincount(artifacts.rated_movie_rows, minlength=len(self.movie_ids))
        self._is_rare = self._popularity < min_ratings
        self._rare = np.flatnonzero(self._is_rare)
        self._stars = star_model.StarModel(artifacts.movie_rating_vectors, self.metrics["rating_offset"],
                                           artifacts.movie_rating_biases)

    @classmethod
    def load(cls, artifacts_dir: str | Path, min_ratings: int = MIN_RATINGS) -> "Recommender":
        """Load the bundle written by `python -m movrec train`."""
        return cls(Artifacts.load(Path(artifacts_dir)), min_ratings)

    # -- lookups -----------------------------------------------------------------------------
    def movie_row(self, movie_id: int) -> int:
        try:
            return self._movie_row[int(movie_id)]
        except (KeyError, ValueError, TypeError):
            raise UnknownMovie(movie_id) from None

    def user_row(self, user_id: int) -> int:
        try:
            return self._user_row[int(user_id)]
        except (KeyError, ValueError, TypeError):
            raise UnknownUser(user_id) from None

    def _rows_of(self, movie_ids: Iterable[int]) -> np.ndarray:
        """The movies' rows; `UnknownMovie` for an id the model does not know."""
        return np.array([self.movie_row(m) for m in movie_ids], np.int64)

    def has_movie(self, movie_id: int) -> bool:
        return int(movie_id) in self._movie_row

    def user_ratings(self, user_id: int) -> dict[int, int]:
        """The training ratings of a trained user, `{movie_id: stars}`."""
        rows, stars = self._rated(self.user_row(user_id))
        return {int(self.movie_ids[r]): int(s) for r, s in zip(rows, stars)}

    def user_demographics(self, user_id: int) -> tuple[str, int, int]:
        """A trained user's gender ("F"/"M"), age bracket code and occupation code."""
        gender, age, occupation = self.artifacts.user_demographics[self.user_row(user_id)]
        return self.artifacts.encoders["genders"][int(gender)], int(age), int(occupation)

    def _rated(self, user_row: int) -> tuple[np.ndarray, np.ndarray]:
        a = self.artifacts
        start, end = a.rated_indptr[user_row], a.rated_indptr[user_row + 1]
        return a.rated_movie_rows[start:end], a.rated_stars[start:end]

    # -- the recommendations -------------------------------------------------------------------
    def user_scores(self, user_id: int) -> np.ndarray:
        """Picks' score of every movie for a trained user (movrec.ease.blend)."""
        row = self.user_row(user_id)
        return self._blend(self.artifacts.user_vectors[row], self._rated(row)[0])

    def for_user(self, user_id: int, k: int = 10) -> Picks:
        """Movies a trained user is most likely to watch and like, excluding those they rated."""
        return self._top(self.user_scores(user_id), k, self._rated(self.user_row(user_id))[0])

    def similar(self, movie_id: int, k: int = 10) -> Picks:
        """Movies like this one: their query vectors point the same way and the same people rated them
        (movrec.co_ratings.similar_scores); movies with too few ratings are left out."""
        row = self.movie_row(movie_id)
        return self._listed(self.artifacts.similar_rows[row], self.artifacts.similar_scores[row], k, skip_rare=True)

    def also_liked(self, movie_id: int, k: int = 10) -> Picks:
        """"People who liked this also liked": the movies most often liked by the same people, no movie in
        more than a few dozen movies' lists (see movrec.co_ratings.spread_out)."""
        row = self.movie_row(movie_id)
        return self._listed(self.artifacts.also_liked_rows[row], self.artifacts.also_liked_scores[row], k)

    def for_new_user(self, gender: str, age: int, occupation: int, ratings: dict[int, float] | None = None,
                     k: int = 10, exclude: Iterable[int] = ()) -> Picks:
        """Picks for someone the model never saw, from their demographics and whatever they have rated;
        neither rated movies nor those of `exclude` (ids the model does not know are ignored) are picked."""
        ratings = ratings or {}
        return self.for_query_vector(self.new_user_vectors(gender, age, occupation, ratings)[0], ratings, k, exclude)

    def for_query_vector(self, query_vector: np.ndarray, ratings: dict[int, float], k: int = 10,
                         exclude: Iterable[int] = ()) -> Picks:
        """`for_new_user` for a member whose query vector (`new_user_vectors`' first) is at hand: the towers'
        logits blended with EASE's weights of the movies they rated (movrec.ease.blend)."""
        rated, tower, ease_scores = self._query_scores(query_vector, ratings)
        return self._query_picks(tower, ease_scores, rated, k, exclude)

    def explained_picks(self, query_vector: np.ndarray, ratings: dict[int, float], k: int = 10,
                        exclude: Iterable[int] = (), start: int = 0) -> tuple[Picks, dict[int, int | None]]:
        """`for_query_vector`'s picks from the `start`-th to the `k`-th, each with its `because` reason; the
        towers' and EASE's scores are computed once for both."""
        rated, tower, ease_scores = self._query_scores(query_vector, ratings)
        picks = self._query_picks(tower, ease_scores, rated, k, exclude)[start:]
        return picks, self._reasons(tower, ease_scores, ratings, [m for m, _ in picks])

    def _query_scores(self, query: np.ndarray, ratings: dict[int, float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """A member's rated movies (rows), the towers' logits of their query and EASE's scores of their ratings."""
        rated = self._rows_of(ratings)
        return rated, self._movies @ query, self._ease_scores(rated)

    def _query_picks(self, tower: np.ndarray, ease_scores: np.ndarray, rated: np.ndarray, k: int,
                     exclude: Iterable[int]) -> Picks:
        hidden = [self._movie_row[int(m)] for m in exclude if self.has_movie(m)]
        return self._top(ease.blend(tower, ease_scores, len(rated)), k, np.array([*rated, *hidden], np.int64))

    def _blend(self, query: np.ndarray, rated_rows: np.ndarray) -> np.ndarray:
        return ease.blend(self._movies @ query, self._ease_scores(rated_rows), len(rated_rows))

    def _ease_scores(self, rated_rows: np.ndarray) -> np.ndarray:
        return ease.user_scores(self.artifacts.ease_rows, self.artifacts.ease_weights, rated_rows)

    def new_user_vectors(self, gender: str, age: int, occupation: int,
                         ratings: dict[int, float]) -> tuple[np.ndarray, np.ndarray]:
        """The (query, rating) vectors of a new member, as the user tower computes them."""
        encoders = self.artifacts.encoders
        rows = self._rows_of(ratings)
        return self._encoder.encode(encoders["genders"].index(gender), encoders["ages"].index(int(age)),
                                    int(occupation), rows, np.asarray(list(ratings.values()), np.float32))

    def predicted_stars(self, rating_vector: np.ndarray, ratings: dict[int, float],
                        movie_ids: list[int]) -> list[float]:
        """Stars the user with this rating vector and these ratings (`{movie_id: stars}`, the ones the vector
        was computed from) would likely give, clipped to 1-5 (movrec.star_model)."""
        rows = self._rows_of(movie_ids)
        known = {m: s for m, s in ratings.items() if self.has_movie(m)}
        rated = self._rows_of(known)
        stars = self._stars.predict(rating_vector[None, :], np.zeros(len(rows), np.int64), rows,
                                    np.zeros(len(rated), np.int64), rated, np.asarray(list(known.values()), float))
        return [float(s) for s in stars]

    def predicted_stars_or_nan(self, rating_vector: np.ndarray, ratings: dict[int, float],
                               movie_ids: list[int]) -> np.ndarray:
        """`predicted_stars` of each movie, NaN for movies the model does not know."""
        known = np.array([self.has_movie(m) for m in movie_ids], bool)
        stars = np.full(len(movie_ids), np.nan)
        if known.any():
            stars[known] = self.predicted_stars(rating_vector, ratings, [m for m, k in zip(movie_ids, known) if k])
        return stars

    def user_rating_vector(self, user_id: int) -> np.ndarray:
        """A trained user's rating vector (for `predicted_stars`)."""
        return self.artifacts.user_rating_vectors[self.user_row(user_id)]

    # -- helpers for the site ------------------------------------------------------------------
    def onboarding(self, k: int = 30, pool: int = 200) -> list[int]:
        """Well-known movies that span tastes: greedy farthest-point choice among the most rated."""
        candidates = np.argsort(-self._popularity, kind="stable")[: max(pool, k)]
        candidates = candidates[self._popularity[candidates] > 0]
        chosen = [int(candidates[0])]
        closest = self._unit[candidates] @ self._unit[chosen[0]]
        while len(chosen) < min(k, len(candidates)):
            closest[np.isin(candidates, chosen)] = np.inf
            nxt = int(candidates[int(np.argmin(closest))])
            chosen.append(nxt)
            closest = np.maximum(closest, self._unit[candidates] @ self._unit[nxt])
        return [int(self.movie_ids[r]) for r in chosen]

    def because(self, query_vector: np.ndarray, ratings: dict[int, float],
                movie_ids: list[int]) -> dict[int, int | None]:
        """For each of a new member's picks, the rated movie that contributes most to its score, if it gives
        at least `BECAUSE_SHARE` of the positive contributions and was liked; otherwise None (no honest
        attribution). `query_vector` is the member's (`new_user_vectors`' first). A rated movie contributes
        through the query vector (its share of the user tower's bag) and through its EASE weights, each on
        the scale `ease.blend` gives it."""
        known_rows = np.array([self._movie_row[int(m)] for m in ratings if self.has_movie(m)], np.int64)
        return self._reasons(self._movies @ query_vector, self._ease_scores(known_rows), ratings, movie_ids)

    def _reasons(self, tower: np.ndarray, ease_scores: np.ndarray, ratings: dict[int, float],
                 movie_ids: list[int]) -> dict[int, int | None]:
        """`because` from the towers' logits and EASE's scores of the member's known rated movies."""
        known = {m: s for m, s in ratings.items() if self.has_movie(m)}
        picked = [m for m in movie_ids if self.has_movie(m)]
        reasons: dict[int, int | None] = dict.fromkeys(movie_ids)
        if not known or not picked:
            return reasons
        rows = np.array([self._movie_row[int(m)] for m in known], np.int64)
        stars = np.asarray(list(known.values()), np.float32)
        columns = np.array([self._movie_row[int(m)] for m in picked], np.int64)
        tower_sd, ease_sd = ease.scale(tower)[1], ease.scale(ease_scores)[1]
        ease_part = ((self.artifacts.ease_rows[rows][:, :, None] == columns) *
                     self.artifacts.ease_weights[rows][:, :, None]).sum(axis=1)
        parts = self._encoder.contributions(rows, stars) @ self._movies[columns].T / tower_sd + \
            ease.weight(len(rows)) * ease_part / ease_sd
        best = np.argmax(parts, axis=0)
        largest = parts[best, np.arange(len(picked))]
        explained = (largest > 0) & (largest >= BECAUSE_SHARE * np.where(parts > 0, parts, 0).sum(axis=0)) & \
            (stars[best] >= LIKED_STARS)
        rated_ids = list(known)
        reasons.update({movie_id: int(rated_ids[best[i]]) for i, movie_id in enumerate(picked) if explained[i]})
        return reasons

    def _listed(self, rows: np.ndarray, scores: np.ndarray, k: int, skip_rare: bool = False) -> Picks:
        """The first `k` of a precomputed list (rows best first, -1 padded), without the rare movies if asked."""
        keep = rows >= 0
        if skip_rare:
            keep &= ~self._is_rare[rows]
        return [(int(self.movie_ids[r]), float(s)) for r, s in zip(rows[keep][:k], scores[keep][:k])]

    def _top(self, scores: np.ndarray, k: int, exclude_rows: np.ndarray) -> Picks:
        scores = scores.astype(np.float64, copy=True)
        scores[self._rare] = -np.inf
        if len(exclude_rows):
            scores[exclude_rows] = -np.inf
        k = min(k, int(np.isfinite(scores).sum()))
        if k <= 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(self.movie_ids[r]), float(scores[r])) for r in top]
