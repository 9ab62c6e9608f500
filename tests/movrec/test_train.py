"""Training exports a bundle the recommender reads back, with vectors that reproduce the model."""

from __future__ import annotations

import json

import numpy as np
import pytest

from movrec.artifacts import Artifacts, ArtifactsError
from movrec.train import split


def test_split_is_seeded_and_disjoint():
    train_a, test_a = split(1000, 0.2, seed=0)
    train_b, test_b = split(1000, 0.2, seed=0)
    assert len(test_a) == 200 and len(train_a) == 800
    assert not set(train_a) & set(test_a)
    assert (test_a == test_b).all() and (train_a == train_b).all()
    assert len(split(1000, 0.1, seed=0)[1]) == 100
    assert len(split(1000, 0.0, seed=0)[1]) == 0
    with pytest.raises(ValueError):
        split(10, 1.5, seed=0)


def test_artifacts_are_complete(tiny_artifacts_dir):
    for name in ("user_tower.keras", "movie_tower.keras", "vectors.npz", "ratings.npz", "also_liked.npz",
                 "similar.npz", "ease.npz", "user_tower.npz", "heldout.npz", "encoders.json", "metrics.json", "loss_curve.png"):
        assert (tiny_artifacts_dir / name).is_file(), name
    metrics = json.loads((tiny_artifacts_dir / "metrics.json").read_text())
    for key in ("test_rmse", "test_mae", "test_recall_at_10", "train_seconds", "epochs", "test_size", "seed",
                "n_ratings", "dataset_sha256", "rating_offset"):
        assert key in metrics
    assert metrics["n_ratings"] == 4000 and metrics["n_train"] == 3200 and metrics["variant"] == "two_tower"
    assert len(metrics["history"]["retrieval_loss"]) == metrics["epochs"]
    a = Artifacts.load(tiny_artifacts_dir)
    assert a.movie_vectors.shape == (120, 200) and a.user_vectors.shape == (80, 200)
    assert a.movie_rating_vectors.shape == (120, 200) and a.user_rating_vectors.shape == (80, 200)
    assert a.movie_rating_biases.shape == (120,)


def test_test_rmse_is_that_of_the_calibrated_stars_the_site_serves(tiny_artifacts_dir):
    """The exported movie corrections are the training residuals' shrunk means, and metrics.json's test RMSE
    is that of the stars `Recommender.predicted_stars` gives each held-out (user, movie)."""
    from movrec import star_model
    from movrec.recommender import Recommender

    rec = Recommender.load(tiny_artifacts_dir)
    a = rec.artifacts
    users = np.repeat(np.arange(len(a.user_ids)), np.diff(a.rated_indptr))
    offset = a.metrics["rating_offset"]
    np.testing.assert_allclose(a.movie_rating_biases, star_model.movie_biases(
        a.user_rating_vectors, a.movie_rating_vectors, offset, users, a.rated_movie_rows,
        a.rated_stars.astype(float)), atol=1e-5)
    predicted = [rec.predicted_stars(rec.user_rating_vector(u), rec.user_ratings(u), [m])[0]
                 for u, m in zip(a.heldout["user_ids"], a.heldout["movie_ids"])]
    rmse = np.sqrt(np.mean((np.array(predicted) - a.heldout["stars"]) ** 2))
    raw = np.clip(np.einsum("ij,ij->i", a.user_rating_vectors[[rec.user_row(u) for u in a.heldout["user_ids"]]],
                            a.movie_rating_vectors[[rec.movie_row(m) for m in a.heldout["movie_ids"]]]) + offset,
                  1, 5)
    assert rmse == pytest.approx(a.metrics["test_rmse"], abs=1e-4)
    assert not np.allclose(predicted, raw)


def test_served_ratings_and_heldout_split_the_dataset(tiny_artifacts_dir, tiny_dataset_dir):
    """The bundle holds only the training ratings; the held-out ones are beside it, and together they are
    every rating of the dataset exactly once."""
    from movrec.dataset import load

    a = Artifacts.load(tiny_artifacts_dir)
    users = np.repeat(a.user_ids, np.diff(a.rated_indptr))
    served = set(zip(users.tolist(), a.movie_ids[a.rated_movie_rows].tolist()))
    heldout = set(zip(a.heldout["user_ids"].tolist(), a.heldout["movie_ids"].tolist()))
    ratings = load(tiny_dataset_dir).ratings
    assert len(served) == 3200 and len(heldout) == 800 and not served & heldout
    assert served | heldout == set(zip(ratings.user_id.tolist(), ratings.movie_id.tolist()))
    stars = dict(zip(zip(ratings.user_id.tolist(), ratings.movie_id.tolist()), ratings.stars.tolist()))
    assert all(stars[key] == s for key, s in zip(zip(a.heldout["user_ids"].tolist(),
                                                      a.heldout["movie_ids"].tolist()), a.heldout["stars"].tolist()))


def test_exported_vectors_reproduce_the_towers(tiny_artifacts_dir, tiny_dataset_dir):
    import keras

    from movrec.dataset import load
    from movrec.features import Encoders, build_features

    a = Artifacts.load(tiny_artifacts_dir)
    features = build_features(load(tiny_dataset_dir), Encoders.from_dict(a.encoders))
    movie_tower = keras.models.load_model(tiny_artifacts_dir / "movie_tower.keras")
    query, rating = movie_tower.predict(features.movie_inputs(), verbose=0)
    np.testing.assert_allclose(query, a.movie_vectors, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(rating, a.movie_rating_vectors, rtol=1e-4, atol=1e-4)
    # a trained user's vectors are the numpy tower's output for their demographics and training ratings
    row = 4
    start, end = a.rated_indptr[row], a.rated_indptr[row + 1]
    users = features.users
    mine = a.user_encoder.encode(users["gender"][row], users["age"][row], users["occupation"][row],
                                 a.rated_movie_rows[start:end], a.rated_stars[start:end])
    np.testing.assert_allclose(mine[0], a.user_vectors[row], rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(mine[1], a.user_rating_vectors[row], rtol=1e-4, atol=1e-4)


def test_seed_variant_trains_the_original_model_for_evaluation(tiny_dataset_dir, tmp_path):
    from movrec.dataset import load
    from movrec.recommender import Recommender
    from movrec.train import TrainConfig, train

    metrics = train(load(tiny_dataset_dir), tmp_path, TrainConfig(variant="seed", epochs=2, batch_size=64))
    assert metrics["variant"] == "seed" and metrics["rating_offset"] == 0.0 and "test_rmse" in metrics
    assert (tmp_path / "model.keras").is_file() and not (tmp_path / "user_tower.npz").exists()
    with pytest.raises(ArtifactsError, match="seed variant"):
        Recommender.load(tmp_path)


def test_corrupt_artifacts_name_the_file_and_say_retrain(tiny_artifacts_dir, tmp_path):
    import shutil

    copy = shutil.copytree(tiny_artifacts_dir, tmp_path / "art")
    (copy / "vectors.npz").write_bytes((copy / "vectors.npz").read_bytes()[:200])
    with pytest.raises(ArtifactsError, match=r"vectors\.npz.*retrain"):
        Artifacts.load(copy)


def test_missing_artifacts_name_the_file(tmp_path):
    with pytest.raises(ArtifactsError, match="vectors.npz"):
        Artifacts.load(tmp_path)


@pytest.mark.slow
def test_trains_on_genuine_movielens_100k(shared_data, tmp_path):
    """Real data, short enough for CI: two epochs on MovieLens 100K beat predicting the mean."""
    from movrec.dataset import load
    from movrec.train import TrainConfig, train

    ds = load(shared_data / "ml-100k")
    metrics = train(ds, tmp_path / "art", TrainConfig(epochs=2, batch_size=256, variant="seed"))
    test_stars = ds.ratings.stars  # mean-predictor RMSE over all ratings is ~1.13 on ML-100K
    baseline = float(np.sqrt(np.mean((test_stars - test_stars.mean()) ** 2)))
    assert metrics["test_rmse"] < baseline - 0.1
    assert metrics["n_users"] == 943 and metrics["n_movies"] == 1682


def _heldout_task(a: Artifacts):
    """The ranking task of a bundle's held-out ratings, and the most-rated list's metrics on it."""
    from movrec import evaluate

    held = a.heldout
    train_users = np.repeat(np.arange(len(a.user_ids)), np.diff(a.rated_indptr))
    user_row = {int(u): i for i, u in enumerate(a.user_ids)}
    movie_row = {int(m): i for i, m in enumerate(a.movie_ids)}
    task = evaluate.RankingTask.from_ratings(
        len(a.movie_ids), train_users, a.rated_movie_rows, np.array([user_row[int(u)] for u in held["user_ids"]]),
        np.array([movie_row[int(m)] for m in held["movie_ids"]]), held["stars"])
    popularity = np.bincount(a.rated_movie_rows, minlength=len(a.movie_ids)).astype(float)
    return task, evaluate.evaluate_ranking(task, lambda i: np.tile(popularity, (len(i), 1)))


@pytest.mark.slow
def test_served_picks_beat_popularity_on_genuine_movielens_100k(shared_data, tmp_path):
    """Quality, not time: the served recommender, asked exactly as the site asks it, ranks the held-out
    4+ ratings of ML-100K far better than the most-rated list built from the same training ratings."""
    from movrec import evaluate
    from movrec.dataset import load
    from movrec.recommender import Recommender
    from movrec.train import TrainConfig, train

    train(load(shared_data / "ml-100k"), tmp_path / "art", TrainConfig(seed=0))
    rec = Recommender.load(tmp_path / "art")
    task, most_rated = _heldout_task(rec.artifacts)
    served = np.array([[rec.movie_row(m) for m, _ in rec.for_user(int(rec.user_ids[u]), 10)] for u in task.users])
    picks = evaluate.ranking_metrics(task, served)
    assert picks["recall"] > most_rated["recall"] * 1.3, (picks, most_rated)
    assert picks["ndcg"] > most_rated["ndcg"] * 1.3


@pytest.mark.slow
def test_sampled_negatives_learn_to_rank_on_genuine_movielens_100k(shared_data, tmp_path):
    """The option for catalogues too large for one softmax: towers trained against 128 sampled movies per
    user (log-Q corrected) rank ML-100K's held-out 4+ ratings far better than the most-rated list."""
    from movrec.dataset import load
    from movrec.train import TrainConfig, train

    metrics = train(load(shared_data / "ml-100k"), tmp_path / "art", TrainConfig(seed=0, epochs=15, negatives=128))
    _, most_rated = _heldout_task(Artifacts.load(tmp_path / "art"))
    assert metrics["negatives"] == 128
    assert metrics["test_recall_at_10"] > most_rated["recall"] * 1.3, (metrics, most_rated)


def test_sampled_candidates_are_rated_movies_then_draws_with_their_log_q():
    from movrec.train import SAMPLED_POSITIVES, _sampled_candidates

    rng = np.random.default_rng(0)
    rated = (rng.random((6, 50)) < 0.3).astype(np.float32)
    rated[0] = 0
    rated[0, :3] = 1                      # user 0 rated three movies: the other positive slots are padding
    hidden = rated * rng.integers(1, 6, rated.shape) * (rng.random(rated.shape) < 0.5)
    sampling = np.full(50, 1 / 50)
    inputs, targets = _sampled_candidates({"rated": rated}, {"retrieval": rated, "rating": hidden}, sampling,
                                          rng, negatives=20)
    candidates, log_q, positive = inputs["candidates"], inputs["log_q"], targets["retrieval"] > 0
    assert candidates.shape == log_q.shape == positive.shape == (6, SAMPLED_POSITIVES + 20)
    users = np.arange(6)[:, None]
    assert (rated[users, candidates][positive] == 1).all() and not positive[:, SAMPLED_POSITIVES:].any()
    assert sorted(candidates[0][positive[0]]) == [0, 1, 2]
    drawn_rated = rated[users, candidates[:, SAMPLED_POSITIVES:]] > 0
    assert (log_q[:, SAMPLED_POSITIVES:][drawn_rated] == 1e9).all()  # accidental hits are ignored
    kept = ~drawn_rated
    np.testing.assert_allclose(log_q[:, SAMPLED_POSITIVES:][kept], np.log(20 / 50), rtol=1e-6)
    np.testing.assert_allclose(log_q[:, :SAMPLED_POSITIVES][positive[:, :SAMPLED_POSITIVES]], np.log(20 / 50),
                               rtol=1e-6)
    assert (log_q[0, 3:SAMPLED_POSITIVES] == 1e9).all()
    np.testing.assert_array_equal(targets["rating"], np.where(positive, hidden[users, candidates], 0))


def test_sampled_softmax_scores_each_positive_against_the_negatives():
    from movrec.model import sampled_softmax_nll

    logits = np.array([[2.0, 0.5, 1.0, -1e9, 0.0]], np.float32)
    targets = np.array([[1.0, 1.0, 0.0, 0.0, 0.0]], np.float32)
    negatives = np.log(np.exp(1.0) + np.exp(0.0))
    expected = sum(np.log(np.exp(s) + np.exp(negatives)) - s for s in (2.0, 0.5))
    assert float(np.asarray(sampled_softmax_nll(targets, logits))[0]) == pytest.approx(expected, rel=1e-5)


def test_negatives_are_only_for_the_two_tower_variant():
    from movrec.train import TrainConfig

    with pytest.raises(ValueError, match="negatives"):
        TrainConfig(variant="seed", negatives=10).resolved()
    with pytest.raises(ValueError, match="negatives"):
        TrainConfig(negatives=-1).resolved()
