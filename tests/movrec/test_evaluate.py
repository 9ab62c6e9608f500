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


def test_recall_at_k_excludes_training_items():
    scores = np.array([[0.9, 0.8, 0.1, 0.5]])
    train = [np.array([0])]
    assert evaluate.recall_at_k(scores, train, [np.array([1])], k=1) == 1.0
    assert evaluate.recall_at_k(scores, train, [np.array([2])], k=2) == 0.0
    assert np.isnan(evaluate.recall_at_k(scores, train, [np.array([], np.int64)], k=1))
