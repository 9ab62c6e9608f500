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
    with pytest.raises(ValueError):
        split(10, 1.5, seed=0)


def test_artifacts_are_complete(tiny_artifacts_dir):
    for name in ("model.keras", "vectors.npz", "ratings.npz", "priors.npz", "encoders.json",
                 "metrics.json", "loss_curve.png"):
        assert (tiny_artifacts_dir / name).is_file(), name
    metrics = json.loads((tiny_artifacts_dir / "metrics.json").read_text())
    for key in ("test_rmse", "test_mae", "train_seconds", "epochs", "test_size", "seed", "n_ratings",
                "dataset_sha256"):
        assert key in metrics
    assert metrics["n_ratings"] == 4000 and metrics["epochs"] == 8
    assert len(metrics["history"]["val_loss"]) == 8
    a = Artifacts.load(tiny_artifacts_dir)
    assert a.movie_vectors.shape == (120, 200) and a.user_vectors.shape == (80, 200)
    assert a.rated_indptr[-1] == 4000


def test_exported_vectors_reproduce_the_model(tiny_artifacts_dir, tiny_dataset_dir):
    import keras

    from movrec.dataset import load
    from movrec.features import Encoders, build_features

    model = keras.models.load_model(tiny_artifacts_dir / "model.keras")
    a = Artifacts.load(tiny_artifacts_dir)
    features = build_features(load(tiny_dataset_dir), Encoders.from_dict(a.encoders))
    rows = np.arange(50)
    predicted = model.predict(features.rating_inputs(rows), verbose=0).ravel()
    from_vectors = np.einsum("ij,ij->i", a.user_vectors[features.rating_user[rows]],
                             a.movie_vectors[features.rating_movie[rows]])
    np.testing.assert_allclose(predicted, from_vectors, rtol=1e-4, atol=1e-4)


def test_missing_artifacts_name_the_file(tmp_path):
    with pytest.raises(ArtifactsError, match="vectors.npz"):
        Artifacts.load(tmp_path)


@pytest.mark.slow
def test_trains_on_genuine_movielens_100k(shared_data, tmp_path):
    """Real data, short enough for CI: two epochs on MovieLens 100K beat predicting the mean."""
    from movrec.dataset import load
    from movrec.train import TrainConfig, train

    ds = load(shared_data / "ml-100k")
    metrics = train(ds, tmp_path / "art", TrainConfig(epochs=2, batch_size=256))
    test_stars = ds.ratings.stars  # mean-predictor RMSE over all ratings is ~1.13 on ML-100K
    baseline = float(np.sqrt(np.mean((test_stars - test_stars.mean()) ** 2)))
    assert metrics["test_rmse"] < baseline - 0.1
    assert metrics["n_users"] == 943 and metrics["n_movies"] == 1682
