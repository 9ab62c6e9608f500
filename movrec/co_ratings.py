""""People who liked this also liked" and "similar movies", from the ratings themselves (numpy only).

For movies i and j, `co[i, j]` counts the people who rated both (for "also liked": rated both 4+). The
score divides it by `count[i] ** (1 - alpha) * count[j] ** alpha + shrink`: alpha = 0.5 is the cosine of
the two sets of people; a larger alpha weighs down movies everybody rates, and the shrink term keeps a
handful of shared people from making a strong link.

A blockbuster is liked by the fans of almost every movie, so on scores alone it would fill most lists.
`spread_out` caps how many of the shown lists one movie may appear in: the strongest links are granted
first, and a movie at its cap gives up the lists where it links least, to the next movies in them.
"""

from __future__ import annotations

import numpy as np

# Chosen on a validation slice of the training ratings (docs/benchmarks.md, "Tuning"): the best
# item-to-item precision among the settings that keep every movie out of more than 10 % of the lists
# of the 500 most-rated movies.
ALPHA = 0.5
SHRINK = 100.0
MIN_FANS = 3        # a link needs at least this many shared people
DEPTH = 50          # neighbours kept per movie in the artifacts
SHOWN = 10          # the length of the lists on a movie's page
MAX_LISTS = 45      # no movie among the first SHOWN neighbours of more than this many movies (9 % of 500)
# "Similar movies": the towers' cosine and the co-rating cosine, each standardised per movie, 0.3 and 0.7.
SIMILAR_ALPHA = 0.5
SIMILAR_SHRINK = 100.0
SIMILAR_TOWER_WEIGHT = 0.3


def co_scores(matrix: np.ndarray, alpha: float = ALPHA, shrink: float = SHRINK,
              min_fans: int = MIN_FANS) -> np.ndarray:
    """Movies x movies scores from a 0/1 users x movies matrix (diagonal and weak links 0)."""
    co = (matrix.T @ matrix).astype(np.float64)
    counts = np.diag(co).copy()
    scores = co / (counts[:, None] ** (1 - alpha) * counts[None, :] ** alpha + max(shrink, 1e-9))
    scores[co < min_fans] = 0.0
    np.fill_diagonal(scores, 0.0)
    return scores


def similar_scores(rated: np.ndarray, movie_vectors: np.ndarray) -> np.ndarray:
    """Movies x movies: the blend behind "similar movies" of the cosine of the movies' query vectors and
    the co-rating cosine (who rated both, any stars), each standardised over a movie's row (diagonal 0)."""
    unit = movie_vectors / np.maximum(np.linalg.norm(movie_vectors, axis=1, keepdims=True), 1e-12)
    blend = SIMILAR_TOWER_WEIGHT * _standardised(unit @ unit.T) + \
        (1 - SIMILAR_TOWER_WEIGHT) * _standardised(co_scores(rated, SIMILAR_ALPHA, SIMILAR_SHRINK))
    np.fill_diagonal(blend, 0.0)
    return blend


def spread_out(rows: np.ndarray, scores: np.ndarray, shown: int = SHOWN,
               max_lists: int = MAX_LISTS) -> tuple[np.ndarray, np.ndarray]:
    """Reorder precomputed lists (movies x depth, best first, -1 padded) so that no movie is among the first
    `shown` of more than `max_lists` lists. Links are granted strongest first over all lists; a list's
    granted movies come first, then the rest of it, each part in its own order."""
    n_lists, depth = rows.shape
    granted = np.zeros(rows.shape, bool)
    filled, uses = np.zeros(n_lists, np.int64), np.zeros(n_lists, np.int64)
    for flat in np.argsort(-scores, axis=None, kind="stable"):
        row, rank = divmod(int(flat), depth)
        movie = rows[row, rank]
        if movie >= 0 and filled[row] < shown and uses[movie] < max_lists:
            granted[row, rank] = True
            filled[row] += 1
            uses[movie] += 1
    order = np.argsort(~granted, axis=1, kind="stable")
    return np.take_along_axis(rows, order, axis=1), np.take_along_axis(scores, order, axis=1)


def _standardised(scores: np.ndarray) -> np.ndarray:
    """Each row shifted to mean 0 and scaled to standard deviation 1, over its off-diagonal entries."""
    scores = np.array(scores, np.float64)
    np.fill_diagonal(scores, np.nan)
    spread = np.nanstd(scores, axis=1, keepdims=True)
    scores = (scores - np.nanmean(scores, axis=1, keepdims=True)) / np.where(spread > 0, spread, 1.0)
    return np.nan_to_num(scores)


def top_neighbours(scores: np.ndarray, depth: int = DEPTH) -> tuple[np.ndarray, np.ndarray]:
    """Each movie's `depth` best neighbours (rows, -1 where there are fewer) and their scores, best first."""
    depth = min(depth, scores.shape[1] - 1)
    top = np.argpartition(-scores, depth - 1, axis=1)[:, :depth]
    top_scores = np.take_along_axis(scores, top, axis=1)
    order = np.lexsort((top, -top_scores), axis=1)
    top, top_scores = np.take_along_axis(top, order, axis=1), np.take_along_axis(top_scores, order, axis=1)
    return np.where(top_scores > 0, top, -1).astype(np.int32), top_scores.astype(np.float32)
