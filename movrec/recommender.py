"""Recommendations from the exported feature matrices, with numpy only (no TensorFlow).

Every query returns `(movie_id, score)` pairs, best first. For users the score is the predicted rating
(the dot product of user and movie vectors); for `similar` it is the cosine similarity of movie vectors.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import priors
from .artifacts import Artifacts


class UnknownUser(LookupError):
    """No such user in the trained model."""


class UnknownMovie(LookupError):
    """No such movie in the trained model."""


Picks = list[tuple[int, float]]

FOLD_IN_LAMBDA = 64.0  # ridge weight toward the prior: best RMSE for 1-10 ratings in bench/bench_fold_in.py
LIKED_STARS = 4
MIN_RATINGS = 20
FAVOURITES = 32  # favourites kept per user for also_liked
LIKED_BLEND = 2.0  # weight of the similarity to liked movies in new users' picks; see bench/bench_fold_in.py


class Recommender:
    """Answers the site's recommendation queries from an artifacts bundle loaded once."""

    def __init__(self, artifacts: Artifacts, artifacts_dir: Path | None = None,
                 min_ratings: int = MIN_RATINGS):
        """`min_ratings`: movies with fewer dataset ratings are never recommended (their vectors are
        poorly estimated and float obscure titles to the top); they still get recommendations."""
        self.artifacts = artifacts
        self.artifacts_dir = artifacts_dir
        self.metrics = artifacts.metrics
        self.movie_ids = artifacts.movie_ids
        self.user_ids = artifacts.user_ids
        self._movies = artifacts.movie_vectors
        self._users = artifacts.user_vectors
        norms = np.linalg.norm(self._movies, axis=1, keepdims=True)
        self._unit = self._movies / np.maximum(norms, 1e-12)
        self._movie_row = {int(m): i for i, m in enumerate(self.movie_ids)}
        self._user_row = {int(u): i for i, u in enumerate(self.user_ids)}
        self._prior_index = {str(k): i for i, k in enumerate(artifacts.prior_keys)}
        self._popularity = np.bincount(artifacts.rated_movie_rows, minlength=len(self.movie_ids))
        self._rare = np.flatnonzero(self._popularity < min_ratings)
        # every user's favourites, computed once so "also liked" needs no users x movies product per call
        chunks = [self._favourites(rows, FAVOURITES) for rows in np.array_split(np.arange(len(self.user_ids)),
                                                                                 max(1, len(self.user_ids) // 512))]
        self._favourite_rows = np.concatenate([c[0] for c in chunks])
        self._favourite_scores = np.concatenate([c[1] for c in chunks])

    @classmethod
    def load(cls, artifacts_dir: str | Path, min_ratings: int = MIN_RATINGS) -> "Recommender":
        """Load the bundle written by `python -m movrec train`."""
        path = Path(artifacts_dir)
        return cls(Artifacts.load(path), path, min_ratings)

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

    def has_movie(self, movie_id: int) -> bool:
        return int(movie_id) in self._movie_row

    def user_ratings(self, user_id: int) -> dict[int, int]:
        """The dataset's ratings of a trained user, `{movie_id: stars}`."""
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
    def for_user(self, user_id: int, k: int = 10, *, explore: bool = False, top_n: int = 100,
                 seed: int | None = None) -> Picks:
        """Movies a trained user will rate highest, excluding those they rated."""
        row = self.user_row(user_id)
        scores = self._movies @ self._users[row]
        return self._top(scores, k, self._rated(row)[0], explore, top_n, seed)

    def similar(self, movie_id: int, k: int = 10, *, explore: bool = False, top_n: int = 100,
                seed: int | None = None) -> Picks:
        """Movies whose vectors point the same way (cosine similarity), the movie itself excluded."""
        row = self.movie_row(movie_id)
        scores = self._unit @ self._unit[row]
        return self._top(scores, k, np.array([row]), explore, top_n, seed)

    def also_liked(self, movie_id: int, k: int = 10, *, n_fans: int = 20) -> Picks:
        """"People who liked this also liked": the favourites of the users predicted to like it most.

        Takes the `n_fans` users with the highest predicted rating for the movie, then each fan's
        favourites in turn (first choices of all fans, then second choices, ...), skipping the movie
        itself and repeats, until `k` movies are found. Scored by the fan's predicted rating.
        """
        row = self.movie_row(movie_id)
        n_fans = min(n_fans, len(self.user_ids))
        fans = np.argsort(-(self._users @ self._movies[row]), kind="stable")[:n_fans]
        if k < FAVOURITES:
            ranked, scores = self._favourite_rows[fans], self._favourite_scores[fans]
        else:
            ranked, scores = self._favourites(fans, k + 1)
        picks: dict[int, float] = {}
        favourites = [[(m, score) for m, score in zip(fan_rows, fan_scores) if m != row and m >= 0][:k]
                      for fan_rows, fan_scores in zip(ranked.tolist(), scores.tolist())]
        for choice in range(k):
            for fan_favourites in favourites:
                if choice < len(fan_favourites):
                    movie, score = fan_favourites[choice]
                    picks.setdefault(movie, score)
                    if len(picks) == k:
                        return self._as_picks(picks)
        return self._as_picks(picks)

    def _favourites(self, user_rows: np.ndarray, depth: int) -> tuple[np.ndarray, np.ndarray]:
        """Each user's `depth` highest-predicted recommendable movies (rows and scores), best first."""
        scores = self._users[user_rows] @ self._movies.T
        scores[:, self._rare] = -np.inf
        depth = min(depth, scores.shape[1])
        top = np.argpartition(-scores, depth - 1, axis=1)[:, :depth]
        top_scores = np.take_along_axis(scores, top, axis=1)
        order = np.argsort(-top_scores, axis=1, kind="stable")
        top, top_scores = np.take_along_axis(top, order, axis=1), np.take_along_axis(top_scores, order, axis=1)
        finite = np.isfinite(top_scores)
        return np.where(finite, top, -1), top_scores

    def for_new_user(self, gender: str, age: int, occupation: int, ratings: dict[int, float] | None = None,
                     k: int = 10, *, explore: bool = False, top_n: int = 100, seed: int | None = None) -> Picks:
        """Picks for someone the model never saw: their demographic prior, folded in with their ratings."""
        ratings = ratings or {}
        rated = np.array([self.movie_row(m) for m in ratings], np.int64)
        return self._top(self.new_user_scores(gender, age, occupation, ratings), k, rated, explore, top_n, seed)

    def new_user_scores(self, gender: str, age: int, occupation: int, ratings: dict[int, float],
                        lam: float = FOLD_IN_LAMBDA, blend: float = LIKED_BLEND) -> np.ndarray:
        """Score of every movie for a new user: predicted rating from the folded-in vector, plus
        `blend` times the highest cosine similarity to a movie they liked (4+ stars).

        The predicted rating alone moves little after a few ratings (it is shrunk toward the prior to
        predict well); the similarity term makes picks follow what the user just said they liked.
        """
        scores = self._movies @ self.new_user_vector(gender, age, occupation, ratings, lam)
        liked = [self.movie_row(m) for m, stars in ratings.items() if stars >= LIKED_STARS]
        if liked and blend:
            scores = scores + blend * np.max(self._unit @ self._unit[liked].T, axis=1)
        return scores

    def new_user_vector(self, gender: str, age: int, occupation: int, ratings: dict[int, float],
                        lam: float = FOLD_IN_LAMBDA) -> np.ndarray:
        """Ridge regression of the user's stars on the rated movies' vectors, shrunk toward the prior.

        Solves (MᵀM + λI) u = Mᵀr + λ·prior; with no ratings this is the prior itself.
        """
        prior = priors.lookup(self._prior_index, self.artifacts.prior_vectors, self.artifacts.prior_counts,
                              gender, int(age), int(occupation))
        if not ratings:
            return prior
        rows = [self.movie_row(m) for m in ratings]
        m = self._movies[rows].astype(np.float64)
        r = np.asarray(list(ratings.values()), np.float64)
        gram = m.T @ m + lam * np.eye(m.shape[1])
        return np.linalg.solve(gram, m.T @ r + lam * prior).astype(np.float32)

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

    def because(self, movie_id: int, ratings: dict[int, float]) -> int | None:
        """Among the movies the user liked (4+ stars), the one most similar to `movie_id`, if any."""
        liked = [m for m, stars in ratings.items() if stars >= LIKED_STARS and self.has_movie(m)]
        if not liked or not self.has_movie(movie_id):
            return None
        rows = [self._movie_row[int(m)] for m in liked]
        sims = self._unit[rows] @ self._unit[self.movie_row(movie_id)]
        best = int(np.argmax(sims))
        return int(liked[best]) if sims[best] > 0 else None

    def _top(self, scores: np.ndarray, k: int, exclude_rows: np.ndarray, explore: bool, top_n: int,
             seed: int | None) -> Picks:
        scores = scores.astype(np.float64, copy=True)
        scores[self._rare] = -np.inf
        if len(exclude_rows):
            scores[exclude_rows] = -np.inf
        available = int(np.isfinite(scores).sum())
        k = min(k, available)
        if k <= 0:
            return []
        n = min(max(top_n, k), available) if explore else k
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top], kind="stable")]
        if explore:
            weights = scores[top] - scores[top].min() + 1e-6
            top = np.random.default_rng(seed).choice(top, size=k, replace=False, p=weights / weights.sum())
            top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(self.movie_ids[r]), float(scores[r])) for r in top]

    def _as_picks(self, picks: dict[int, float]) -> Picks:
        ordered = sorted(picks.items(), key=lambda item: -item[1])
        return [(int(self.movie_ids[r]), score) for r, score in ordered]
