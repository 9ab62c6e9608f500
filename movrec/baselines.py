"""Classic top-N recommenders the model is measured against, on a dense user x movie 0/1 matrix (numpy only).

Each `fit` returns a function from user rows to scores over every movie, the form `evaluate.rank` takes.
"""

from __future__ import annotations

import numpy as np


def interactions(n_users: int, n_movies: int, users: np.ndarray, movies: np.ndarray) -> np.ndarray:
    """The 0/1 matrix of who rated what (float32)."""
    matrix = np.zeros((n_users, n_movies), np.float32)
    matrix[users, movies] = 1.0
    return matrix


def popularity(matrix: np.ndarray):
    """Most rated first, the same list for everyone."""
    counts = matrix.sum(axis=0)
    return lambda rows: np.broadcast_to(counts, (len(rows), len(counts)))


def ease_weights(matrix: np.ndarray, lam: float) -> np.ndarray:
    """EASE's item-item weights (Steck 2019): ridge regression of each movie on all others, zero diagonal."""
    gram = (matrix.T @ matrix).astype(np.float64)
    gram[np.diag_indices_from(gram)] += lam
    inverse = np.linalg.inv(gram)
    weights = -inverse / np.diag(inverse)
    weights[np.diag_indices_from(weights)] = 0.0
    return weights.astype(np.float32)


def ease(matrix: np.ndarray, lam: float):
    """Scores of EASE: the user's row times the item-item weights."""
    weights = ease_weights(matrix, lam)
    return lambda rows: matrix[rows] @ weights


def cosine_neighbours(matrix: np.ndarray, k: int, shrink: float = 0.0) -> np.ndarray:
    """Item-item cosine similarity of the movies' rater sets, shrunk by co-count, each column keeping its `k`
    nearest neighbours (the diagonal is zero)."""
    co = (matrix.T @ matrix).astype(np.float64)
    counts = np.diag(co).copy()
    sims = co / (np.sqrt(np.outer(counts, counts)) + shrink + 1e-12)
    np.fill_diagonal(sims, 0.0)
    if k < sims.shape[0]:
        weakest = np.argpartition(-sims, k, axis=0)[k:]
        np.put_along_axis(sims, weakest, 0.0, axis=0)
    return sims.astype(np.float32)


def item_knn(matrix: np.ndarray, k: int = 200, shrink: float = 0.0):
    """Scores of item-based nearest neighbours: the sum of a movie's similarities to what the user rated."""
    sims = cosine_neighbours(matrix, k, shrink)
    return lambda rows: matrix[rows] @ sims
