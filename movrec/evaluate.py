"""Rating and ranking metrics, and the bias baseline for rating accuracy (numpy only).

Ranking protocol: every movie is ranked for a user, the movies they rated in training are excluded, and
the targets are the movies they rated 4+ stars in the test split. Recall@k is reported two ways:
hits / min(k, liked), which a perfect list reaches at 1, and the textbook hits / liked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

LIKED_STARS = 4


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


@dataclass(frozen=True)
class RankingTask:
    """Who is evaluated, what they may not be shown, and what they liked later (rows, not dataset ids)."""

    users: np.ndarray               # user rows evaluated (each has at least one liked target)
    seen: list[np.ndarray]          # per evaluated user: movie rows excluded from their list
    liked: list[np.ndarray]         # per evaluated user: target movie rows
    n_movies: int

    @classmethod
    def from_ratings(cls, n_movies: int, train_users: np.ndarray, train_movies: np.ndarray,
                     test_users: np.ndarray, test_movies: np.ndarray, test_stars: np.ndarray,
                     liked_stars: int = LIKED_STARS) -> "RankingTask":
        """Targets are test ratings of `liked_stars`+; each user's training movies are excluded."""
        keep = test_stars >= liked_stars
        users = np.unique(test_users[keep])
        return cls(users, _grouped(users, train_users, train_movies), _grouped(users, test_users[keep],
                                                                                 test_movies[keep]), n_movies)


def _grouped(users: np.ndarray, keys: np.ndarray, values: np.ndarray) -> list[np.ndarray]:
    """values grouped by key, in the order of `users` (empty arrays for users without any)."""
    order = np.argsort(keys, kind="stable")
    keys, values = keys[order], values[order]
    starts, ends = np.searchsorted(keys, users, "left"), np.searchsorted(keys, users, "right")
    return [values[s:e] for s, e in zip(starts, ends)]


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Rows' top `k` columns by score, best first (ties broken by column)."""
    k = min(k, scores.shape[1])
    top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    order = np.lexsort((top, -np.take_along_axis(scores, top, axis=1)), axis=1)
    return np.take_along_axis(top, order, axis=1)


def rank(task: RankingTask, score: Callable[[np.ndarray], np.ndarray], k: int = 10,
         batch: int = 512) -> np.ndarray:
    """Each evaluated user's top `k` movie rows, their seen movies excluded.

    `score(i)` returns the scores (len(i) x n_movies) of the evaluated users at positions `i` of `task.users`.
    """
    lists = []
    for start in range(0, len(task.users), batch):
        positions = np.arange(start, min(start + batch, len(task.users)))
        scores = np.array(score(positions), np.float64)
        for row, position in enumerate(positions):
            scores[row, task.seen[position]] = -np.inf
        lists.append(top_k(scores, k))
    return np.concatenate(lists) if lists else np.zeros((0, k), np.int64)


def ranking_metrics(task: RankingTask, lists: np.ndarray, k: int = 10) -> dict[str, float]:
    """Recall@k (two ways), NDCG@k, HR@k and catalogue coverage of the users' top-k `lists`."""
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    recall, recall_all, ndcg, hit = [], [], [], []
    for top, liked in zip(lists[:, :k], task.liked):
        hits = np.isin(top, liked)
        n_hits = int(hits.sum())
        recall.append(n_hits / min(k, len(liked)))
        recall_all.append(n_hits / len(liked))
        ndcg.append(float(discounts[hits].sum() / discounts[: min(k, len(liked))].sum()))
        hit.append(n_hits > 0)
    return {"recall": float(np.mean(recall)), "recall_all": float(np.mean(recall_all)),
            "ndcg": float(np.mean(ndcg)), "hr": float(np.mean(hit)),
            "coverage": len(np.unique(lists[:, :k])) / task.n_movies}


def evaluate_ranking(task: RankingTask, score: Callable[[np.ndarray], np.ndarray], k: int = 10) -> dict[str, float]:
    """`ranking_metrics` of the lists `score` gives."""
    return ranking_metrics(task, rank(task, score, k), k)
