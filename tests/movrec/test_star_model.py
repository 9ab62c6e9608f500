"""The calibration of predicted stars (movrec.star_model): shrunk residual means per movie and per user."""
import numpy as np
import pytest

from movrec import star_model


def test_residual_means_shrink_towards_zero_and_leave_empty_groups_at_zero():
    means = star_model.residual_means(np.array([0, 0, 2]), np.array([1.0, 3.0, -2.0]), 4, shrink=2.0)
    np.testing.assert_allclose(means, [4.0 / 4.0, 0.0, -2.0 / 3.0, 0.0])


def _vectors(n_users: int, n_movies: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    return rng.normal(0, 0.1, (n_users, 4)), rng.normal(0, 0.1, (n_movies, 4))


def test_a_movie_rated_above_its_prediction_by_everyone_gets_that_much_added():
    users, movies = _vectors(50, 3)
    rows_u, rows_m = np.repeat(np.arange(50), 3), np.tile(np.arange(3), 50)
    stars = star_model.uncorrected(users[rows_u], movies[rows_m], 3.0) + np.array([0.8, 0.0, -0.4])[rows_m]
    biases = star_model.movie_biases(users, movies, 3.0, rows_u, rows_m, stars)
    shrunk = 50 / (50 + star_model.MOVIE_SHRINK)
    np.testing.assert_allclose(biases, np.array([0.8, 0.0, -0.4]) * shrunk, atol=1e-6)


def test_a_users_own_ratings_move_their_predictions_by_their_mean_residual():
    users, movies = _vectors(2, 30)
    biases = np.zeros(30, np.float32)
    rated = np.arange(20)
    # user 0 rated 20 movies one star above what the head predicts; user 1 rated nothing
    given = star_model.uncorrected(users[np.zeros(20, int)], movies[rated], 3.0) + 1.0
    asked_u, asked_m = np.array([0, 1]), np.array([25, 25])
    stars = star_model.StarModel(movies, 3.0, biases).predict(users, asked_u, asked_m, np.zeros(20, int), rated,
                                                              given)
    head = star_model.uncorrected(users[asked_u], movies[asked_m], 3.0)
    assert stars[0] == pytest.approx(head[0] + 20 / (20 + star_model.USER_SHRINK))
    assert stars[1] == pytest.approx(head[1])


def test_movie_biases_apply_before_the_users_residuals_and_stars_are_clipped():
    users, movies = _vectors(1, 4)
    biases = np.array([5.0, -5.0, 0.5, 0.0], np.float32)
    # the user rated movie 2 exactly as the calibrated prediction says: no correction of their own
    given = star_model.uncorrected(users[[0]], movies[[2]], 3.0) + 0.5
    stars = star_model.StarModel(movies, 3.0, biases).predict(users, np.zeros(4, int), np.arange(4),
                                                              np.zeros(1, int), np.array([2]), given)
    head = star_model.uncorrected(users[np.zeros(4, int)], movies, 3.0)
    np.testing.assert_allclose(stars, [5.0, 1.0, head[2] + 0.5, head[3]], atol=1e-6)
