"""Split, fit, evaluate and export. Imports TensorFlow (through movrec.model)."""

from __future__ import annotations

import logging
import math
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from .artifacts import LOSS_CURVE, MODEL, Artifacts
from .dataset import Dataset
from .features import Encoders, Features, build_features
from .priors import demographic_priors

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainConfig:
    epochs: int = 5
    batch_size: int = 256
    test_size: float = 0.2
    seed: int = 0
    variant: str = "seed"
    learning_rate: float = 1e-3


def split(n: int, test_size: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Random train/test row indices; the same permutation scikit-learn's train_test_split draws."""
    if not 0 < test_size < 1:
        raise ValueError(f"test size must be between 0 and 1, got {test_size}")
    n_test = math.ceil(test_size * n)
    permutation = np.random.RandomState(seed).permutation(n)
    return np.sort(permutation[n_test:]), np.sort(permutation[:n_test])


def _input_pipeline(features: Features, index: np.ndarray, batch_size: int, shuffle_seed: int | None):
    """A tf.data pipeline that shuffles row indices and gathers whole batches at once."""
    import tensorflow as tf

    columns = {k: tf.constant(v) for k, v in features.rating_inputs(index).items()}
    stars = tf.constant(features.stars[index])
    rows = tf.data.Dataset.range(len(index))
    if shuffle_seed is not None:
        rows = rows.shuffle(len(index), seed=shuffle_seed, reshuffle_each_iteration=True)

    def gather(batch):
        return {k: tf.gather(v, batch) for k, v in columns.items()}, tf.gather(stars, batch)

    return rows.batch(batch_size).map(gather, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)


def train(dataset: Dataset, out: Path, config: TrainConfig = TrainConfig()) -> dict:
    """Train a model on `dataset`, write the artifacts into `out`, and return the metrics."""
    import keras

    from .model import ModelShape, build

    started = time.perf_counter()
    keras.utils.set_random_seed(config.seed)
    encoders = Encoders.fit(dataset)
    features = build_features(dataset, encoders)
    train_rows, test_rows = split(len(features.stars), config.test_size, config.seed)
    shape = ModelShape(
        n_users=len(features.user_ids), n_movies=len(features.movie_ids), n_genders=len(encoders.genders),
        n_ages=len(encoders.ages), n_occupations=encoders.n_occupations, n_genres=len(encoders.genres),
        n_words=len(encoders.words), genre_len=encoders.genre_len, title_len=encoders.title_len)
    towers = build(config.variant, shape, config.learning_rate)
    log.info("%s; training on %d ratings, testing on %d", dataset.summary(), len(train_rows), len(test_rows))

    train_ds = _input_pipeline(features, train_rows, config.batch_size, shuffle_seed=config.seed)
    test_ds = _input_pipeline(features, test_rows, 4096, shuffle_seed=None)
    fit_started = time.perf_counter()
    history = towers.model.fit(train_ds, validation_data=test_ds, epochs=config.epochs, shuffle=False,
                               verbose=1 if sys.stdout.isatty() else 2)
    train_seconds = time.perf_counter() - fit_started
    test = towers.model.evaluate(test_ds, verbose=0, return_dict=True)

    user_vectors = towers.user_tower.predict(features.user_inputs(), batch_size=4096, verbose=0)
    movie_vectors = towers.movie_tower.predict(features.movie_inputs(), batch_size=4096, verbose=0)
    metrics = {
        "test_rmse": round(float(test["rmse"]), 4),
        "test_mae": round(float(test["mae"]), 4),
        "train_seconds": round(train_seconds, 1),
        **asdict(config),
        "n_ratings": int(len(features.stars)),
        "n_train": int(len(train_rows)),
        "n_test": int(len(test_rows)),
        "n_users": int(len(features.user_ids)),
        "n_movies": int(len(features.movie_ids)),
        "dataset": dataset.format,
        "dataset_sha256": dataset.sha256,
        "history": {k: [round(float(x), 4) for x in v] for k, v in history.history.items()},
    }
    metrics["total_seconds"] = round(time.perf_counter() - started, 1)
    out.mkdir(parents=True, exist_ok=True)
    towers.model.save(out / MODEL)
    _plot_loss(metrics["history"], out / LOSS_CURVE)
    _export(features, user_vectors, movie_vectors, encoders, metrics,
            np.array([m.raw_title for m in dataset.movies])).save(out)
    return metrics


def _export(features: Features, user_vectors: np.ndarray, movie_vectors: np.ndarray, encoders: Encoders,
            metrics: dict, titles: np.ndarray) -> Artifacts:
    order = np.lexsort((features.rating_movie, features.rating_user))
    counts = np.bincount(features.rating_user, minlength=len(features.user_ids))
    genders = np.array(encoders.genders)[features.users["gender"]]
    ages = np.array(encoders.ages)[features.users["age"]]
    keys, priors, prior_counts = demographic_priors(user_vectors, genders, ages, features.users["occupation"])
    return Artifacts(
        movie_ids=features.movie_ids, movie_titles=titles, movie_vectors=movie_vectors.astype(np.float32),
        user_ids=features.user_ids, user_vectors=user_vectors.astype(np.float32),
        user_demographics=np.stack([features.users["gender"], ages, features.users["occupation"]], axis=1),
        rated_indptr=np.concatenate([[0], np.cumsum(counts)]).astype(np.int64),
        rated_movie_rows=features.rating_movie[order].astype(np.int32),
        rated_stars=features.stars[order].astype(np.int8),
        prior_keys=keys, prior_vectors=priors, prior_counts=prior_counts,
        encoders=encoders.to_dict(), metrics=metrics)


def _plot_loss(history: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.5), dpi=100)
    epochs = range(1, len(history["loss"]) + 1)
    ax.plot(epochs, history["loss"], marker="o", label="train MSE")
    if "val_loss" in history:
        ax.plot(epochs, history["val_loss"], marker="o", label="test MSE")
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean squared error")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
