"""EASE's item-item weights (Steck 2019), kept sparse in the artifacts, and their blend with the towers for picks
(numpy only).

A user's EASE score of a movie is the sum of its weights from the movies they rated. The towers' query
vector knows a new member from a few ratings; for someone who has rated a hundred movies, the movies the
same raters chose add what one 200-d vector misses. Picks rank by the towers' logits plus EASE's scores,
each standardised over the catalogue, EASE weighing more the more the user has rated:
`WEIGHT * n / (n + HALF_WEIGHT_AT)`. With a handful of ratings EASE's scores are a few sparse spikes that
standardise to outsized values, so there it must count little.
"""

from __future__ import annotations

import numpy as np

from .baselines import ease_weights

# Chosen on a validation slice of the training ratings (docs/benchmarks.md, "Fourth round").
LAMBDA = 300.0         # the ridge penalty of EASE's regression
DEPTH = 200            # the strongest weights kept per rated movie
WEIGHT = 0.25          # EASE's weight in the blend for a user with very many ratings
HALF_WEIGHT_AT = 100   # ... and the number of ratings at which it is half that


def sparse_weights(rated: np.ndarray, lam: float = LAMBDA, depth: int = DEPTH) -> tuple[np.ndarray, np.ndarray]:
    """From a users x movies 0/1 matrix: per movie, the movies its `depth` largest weights go to (movies x
    depth, int32) and those weights (float32)."""
    weights = ease_weights(rated, lam)
    depth = min(depth, weights.shape[1] - 1)
    rows = np.argpartition(-weights, depth - 1, axis=1)[:, :depth]
    return rows.astype(np.int32), np.take_along_axis(weights, rows, axis=1).astype(np.float32)


def user_scores(rows: np.ndarray, weights: np.ndarray, rated_rows: np.ndarray) -> np.ndarray:
    """A user's EASE score of every movie: the summed weights from the movies they rated (movie rows)."""
    rated_rows = np.asarray(rated_rows, np.int64)
    return np.bincount(rows[rated_rows].ravel(), weights[rated_rows].ravel(), minlength=len(rows))


def weight(n_rated: int) -> float:
    """EASE's weight in the blend for a user with `n_rated` ratings."""
    return WEIGHT * n_rated / (n_rated + HALF_WEIGHT_AT)


def scale(scores: np.ndarray) -> tuple[float, float]:
    """The mean and standard deviation that standardise `scores` (deviation 1 when they are all equal)."""
    spread = float(scores.std())
    return float(scores.mean()), spread if spread > 0 else 1.0


def blend(tower: np.ndarray, ease: np.ndarray, n_rated: int) -> np.ndarray:
    """The picks' score of every movie: standardised tower logits plus `weight(n_rated)` times standardised
    EASE scores."""
    (tower_mean, tower_sd), (ease_mean, ease_sd) = scale(tower), scale(ease)
    return (tower - tower_mean) / tower_sd + weight(n_rated) * (ease - ease_mean) / ease_sd
