"""Metrics and baselines on hand-checked numbers."""

import numpy as np
import pytest

from movrec import evaluate


def test_rmse_and_mae():
    assert evaluate.rmse(np.array([1.0, 3.0]), np.array([2.0, 5.0])) == pytest.approx(np.sqrt(2.5))
    assert evaluate.mae(np.array([1.0, 3.0]), np.array([2.0, 5.0])) == pytest.approx(1.5)


def test_bias_baseline_learns_user_and_movie_offsets():
    users = np.array([0, 0, 1, 1, 2, 2])
    movies = np.array([0, 1, 0, 1, 0, 1])
    stars = np.array([5, 4, 4, 3, 3, 2], np.float64)  # user 0 generous, movie 0 better
    predict = evaluate.bias_baseline(users, movies, stars, 3, 2, reg=0.0, sweeps=20)
    np.testing.assert_allclose(predict(users, movies), stars, atol=1e-6)


def test_ranking_metrics_exclude_seen_movies_and_count_hits():
    task = evaluate.RankingTask.from_ratings(
        n_movies=4, train_users=np.array([0]), train_movies=np.array([0]),
        test_users=np.array([0, 0, 1]), test_movies=np.array([1, 3, 2]), test_stars=np.array([5, 2, 4]))
    assert list(task.users) == [0, 1] and list(task.liked[0]) == [1]  # 2 stars is not liked
    scores = np.array([[0.9, 0.8, 0.1, 0.5], [0.9, 0.8, 0.1, 0.5]])
    lists = evaluate.rank(task, lambda i: scores[i], k=2)
    assert lists.tolist() == [[1, 3], [0, 1]]  # user 0's training movie 0 is excluded
    m = evaluate.ranking_metrics(task, lists, k=2)
    assert m["recall"] == 0.5 and m["hr"] == 0.5 and m["recall_all"] == 0.5
    assert m["ndcg"] == pytest.approx(0.5)
    assert m["coverage"] == 3 / 4


def test_baselines_on_a_hand_checked_matrix():
    from movrec import baselines

    x = baselines.interactions(3, 3, np.array([0, 0, 1, 2]), np.array([0, 1, 0, 2]))
    assert baselines.popularity(x)(np.array([2])).tolist() == [[2, 1, 1]]
    weights = baselines.ease_weights(x, lam=1.0)
    assert np.allclose(np.diag(weights), 0) and weights[0, 1] > 0 and weights[0, 2] == 0
    knn = baselines.cosine_neighbours(x, k=1)
    assert knn[0, 1] == pytest.approx(1 / np.sqrt(2)) and knn[2, 0] == 0
