"""Rating and ranking metrics, and the simple baselines the model has to beat (numpy only)."""

from __future__ import annotations

import numpy as np


def rmse(predicted: np.ndarray, actual: np.ndarray) -> float:
    return float(np.sqrt(np.mean((np.asarray(predicted, np.float64) - actual) ** 2)))


def mae(predicted: np.ndarray, actual: np.ndarray) -> float:
    return float(np.mean(np.abs(np.asarray(predicted, np.float64) - actual)))


def bias_baseline(users: np.ndarray, movies: np.ndarray, stars: np.ndarray, n_users: int, n_movies: int,
                  reg: float = 10.0, sweeps: int = 5):
    """Global mean plus regularised user and movie biases, fitted by alternating least squares.

    Returns a function (users, movies) -> predicted stars.
    """
    mean = float(stars.mean())
    user_bias, movie_bias = np.zeros(n_users), np.zeros(n_movies)
    user_count = np.bincount(users, minlength=n_users)
    movie_count = np.bincount(movies, minlength=n_movies)
    for _ in range(sweeps):
        movie_bias = np.bincount(movies, stars - mean - user_bias[users], n_movies) / (movie_count + reg)
        user_bias = np.bincount(users, stars - mean - movie_bias[movies], n_users) / (user_count + reg)
    return lambda u, m: mean + user_bias[u] + movie_bias[m]


def recall_at_k(scores: np.ndarray, train_items: list[np.ndarray], test_liked: list[np.ndarray], k: int = 10) -> float:
    """Mean over users with liked test items of |top-k ∩ liked| / min(k, |liked|).

    `scores` is users x items; each user's training items are excluded from their top k.
    """
    recalls = []
    for row, liked in enumerate(test_liked):
        if len(liked) == 0:
            continue
        s = scores[row].copy()
        s[train_items[row]] = -np.inf
        top = np.argpartition(-s, k)[:k]
        recalls.append(len(np.intersect1d(top, liked)) / min(k, len(liked)))
    return float(np.mean(recalls)) if recalls else float("nan")
