"""EASE's sparse weights and the picks' blend (movrec.ease)."""

from __future__ import annotations

import numpy as np
import pytest

from movrec import baselines, ease


@pytest.fixture(scope="module")
def rated():
    rng = np.random.default_rng(7)
    return (rng.random((60, 25)) < 0.3).astype(np.float32)


def test_sparse_weights_keep_each_movies_strongest_weights(rated):
    dense = baselines.ease_weights(rated, 10.0)
    rows, weights = ease.sparse_weights(rated, lam=10.0, depth=5)
    assert rows.shape == weights.shape == (25, 5)
    for movie in range(25):
        assert sorted(weights[movie]) == pytest.approx(sorted(dense[movie])[-5:])
        assert weights[movie] == pytest.approx(dense[movie, rows[movie]])


def test_user_scores_sum_the_rated_movies_weights(rated):
    rows, weights = ease.sparse_weights(rated, lam=10.0, depth=8)
    kept = np.zeros((25, 25))
    np.put_along_axis(kept, rows.astype(np.int64), weights, axis=1)
    rated_rows = np.flatnonzero(rated[3])
    assert len(rated_rows) > 3
    assert ease.user_scores(rows, weights, rated_rows) == pytest.approx(kept[rated_rows].sum(axis=0), abs=1e-5)
    assert not ease.user_scores(rows, weights, np.array([], np.int64)).any()


def test_ease_weighs_more_the_more_a_user_has_rated():
    weights = [ease.weight(n) for n in (0, 5, 20, ease.HALF_WEIGHT_AT, 1000)]
    assert weights[0] == 0 and weights == sorted(weights) and weights[-1] < ease.WEIGHT
    assert weights[3] == pytest.approx(ease.WEIGHT / 2)


def test_blend_without_ratings_is_the_standardised_tower():
    tower = np.array([3.0, -1.0, 0.5, 2.0])
    blended = ease.blend(tower, np.zeros(4), 0)
    assert blended == pytest.approx((tower - tower.mean()) / tower.std())


def test_blend_lets_ease_reorder_close_tower_scores():
    tower = np.array([1.0, 0.99, -1.0, -1.0])
    scores = np.array([0.0, 5.0, 0.0, 0.0])
    assert np.argmax(ease.blend(tower, scores, 0)) == 0
    assert np.argmax(ease.blend(tower, scores, 500)) == 1
