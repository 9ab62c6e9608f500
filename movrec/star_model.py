"""Predicted stars: the rating head's dot product plus the offset, calibrated by residual means.

The rating head is trained on ratings hidden from the user tower, but the site runs the tower on all of a
user's ratings; its stars drift by movie and by user. Two shrunk means of the residuals (stars minus
prediction) on the training ratings correct that: each movie's over everyone who rated it (exported with the
bundle), then each user's over their own ratings (computed when asked, so a member's own ratings count at
once). Chosen on a validation slice of the training ratings (docs/benchmarks.md, "Rating accuracy"): RMSE
0.884 -> 0.868.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MOVIE_SHRINK = 5.0   # a movie's correction is its residuals' sum over (its ratings + MOVIE_SHRINK)
USER_SHRINK = 10.0   # a user's correction is their residuals' sum over (their ratings + USER_SHRINK)


def residual_means(groups: np.ndarray, residuals: np.ndarray, n_groups: int, shrink: float) -> np.ndarray:
    """Each group's sum of residuals over (its count + `shrink`): 0 for a group with none."""
    sums = np.bincount(groups, residuals, minlength=n_groups)
    return sums / (np.bincount(groups, minlength=n_groups) + shrink)


def uncorrected(user_rating: np.ndarray, movie_rating: np.ndarray, offset: float) -> np.ndarray:
    """The rating head's stars of rows of (user, movie) rating vectors, before any correction."""
    return np.einsum("ij,ij->i", user_rating, movie_rating) + offset


def movie_biases(user_rating: np.ndarray, movie_rating: np.ndarray, offset: float, users: np.ndarray,
                 movies: np.ndarray, stars: np.ndarray) -> np.ndarray:
    """Each movie's correction, from the training ratings (`users`, `movies`: rows of the vector matrices)."""
    residuals = stars - uncorrected(user_rating[users], movie_rating[movies], offset)
    return residual_means(movies, residuals, len(movie_rating), MOVIE_SHRINK).astype(np.float32)


@dataclass(frozen=True)
class StarModel:
    """What predicting stars needs besides the user: the movies' rating vectors, the offset and the movies'
    corrections."""

    movie_rating: np.ndarray
    offset: float
    biases: np.ndarray

    def predict(self, user_rating: np.ndarray, users: np.ndarray, movies: np.ndarray, rated_users: np.ndarray,
                rated_movies: np.ndarray, rated_stars: np.ndarray) -> np.ndarray:
        """Stars, clipped to 1-5, of the (user, movie) row pairs `users`, `movies`; each user's own correction
        comes from their ratings (`rated_*`, same user rows). `user_rating`: rows of the users' rating vectors."""
        residuals = rated_stars - self._calibrated(user_rating, rated_users, rated_movies)
        own = residual_means(rated_users, residuals, len(user_rating), USER_SHRINK)
        return np.clip(self._calibrated(user_rating, users, movies) + own[users], 1.0, 5.0)

    def _calibrated(self, user_rating: np.ndarray, users: np.ndarray, movies: np.ndarray) -> np.ndarray:
        return uncorrected(user_rating[users], self.movie_rating[movies], self.offset) + self.biases[movies]
