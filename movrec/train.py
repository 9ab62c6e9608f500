"""Split, fit, evaluate and export. Imports TensorFlow (through movrec.model).

The default variant, `two_tower`, trains the towers one batch of users at a time: each user's ratings
are partly hidden from the user tower (some users shown only a few, as a new member has rated only a
few movies), and the towers learn both to rank the catalogue (softmax over every movie, the targets
being the movies the user rated) and to predict the stars of the hidden ratings (squared error). With
`negatives` > 0 the softmax runs over some of the user's rated movies and that many sampled ones instead
of the whole catalogue, log-Q corrected, for catalogues too large for one softmax. `seed` trains the
original project's architecture and loss (MSE on single ratings), for comparison.
"""

from __future__ import annotations

import logging
import math
import sys
import time
import warnings
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from . import co_ratings, ease, evaluate, star_model
from .artifacts import LOSS_CURVE, Artifacts
from .dataset import Dataset
from .features import Encoders, Features, build_features
from .user_encoder import UserEncoder

log = logging.getLogger(__name__)

SEED_MODEL = "model.keras"
USER_TOWER_MODEL = "user_tower.keras"
MOVIE_TOWER_MODEL = "movie_tower.keras"
NEW_MEMBER_MAX_RATINGS = 20
SAMPLED_POSITIVES = 32      # with sampled negatives: rated movies a user is trained to rank, each epoch
NEGATIVE_POWER = 0.75       # ... and negatives are drawn with probability proportional to count ** this


@dataclass(frozen=True)
class TrainConfig:
    """Training settings; `None` takes the variant's default (`VARIANT_DEFAULTS`)."""

    epochs: int | None = None
    batch_size: int | None = None       # users per batch (two_tower) or ratings per batch (seed)
    test_size: float = 0.2              # 0 trains on every rating
    seed: int = 0
    variant: str = "two_tower"
    learning_rate: float | None = None
    hide_share: float = 0.5             # share of a user's ratings hidden from the user tower in training
    new_member_share: float = 0.2       # share of users shown as new members: 0-20 of their ratings
    negatives: int = 0                  # 0: softmax over the whole catalogue; N > 0: over N sampled movies a user

    def resolved(self) -> "TrainConfig":
        """The config with the variant's defaults filled in."""
        try:
            defaults = VARIANT_DEFAULTS[self.variant]
        except KeyError:
            raise ValueError(f"unknown model variant {self.variant!r}; choose from {sorted(VARIANT_DEFAULTS)}") \
                from None
        if self.negatives < 0 or (self.negatives and self.variant != "two_tower"):
            raise ValueError(f"negatives must be 0 or more, and only the two_tower variant samples them; "
                             f"got {self.negatives} for {self.variant}")
        return replace(self, **{k: v for k, v in defaults.items() if getattr(self, k) is None})


# Chosen on a validation slice of the training ratings (docs/benchmarks.md, "Tuning").
VARIANT_DEFAULTS = {
    "two_tower": {"epochs": 30, "batch_size": 128, "learning_rate": 2e-3},
    "seed": {"epochs": 5, "batch_size": 256, "learning_rate": 1e-3},
}


def split(n: int, test_size: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Random train/test row indices; the same permutation scikit-learn's train_test_split draws."""
    if test_size == 0:
        return np.arange(n), np.arange(0)
    if not 0 < test_size < 1:
        raise ValueError(f"test size must be 0 or between 0 and 1, got {test_size}")
    n_test = math.ceil(test_size * n)
    permutation = np.random.RandomState(seed).permutation(n)
    return np.sort(permutation[n_test:]), np.sort(permutation[:n_test])


def user_movie_matrices(features: Features, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Dense users x movies matrices of the ratings at `rows`: 0/1 rated, and the stars (0 = unrated)."""
    shape = (len(features.user_ids), len(features.movie_ids))
    rated, stars = np.zeros(shape, np.float32), np.zeros(shape, np.float32)
    rated[features.rating_user[rows], features.rating_movie[rows]] = 1.0
    stars[features.rating_user[rows], features.rating_movie[rows]] = features.stars[rows]
    return rated, stars


def train(dataset: Dataset, out: Path, config: TrainConfig = TrainConfig()) -> dict:
    """Train a model on `dataset`, write the artifacts into `out`, and return the metrics."""
    import keras

    config = config.resolved()
    started = time.perf_counter()
    keras.utils.set_random_seed(config.seed)
    encoders = Encoders.fit(dataset)
    features = build_features(dataset, encoders)
    train_rows, test_rows = split(len(features.stars), config.test_size, config.seed)
    log.info("%s; training on %d ratings, testing on %d", dataset.summary(), len(train_rows), len(test_rows))
    fit = _fit_two_tower if config.variant == "two_tower" else _fit_seed
    fit_started = time.perf_counter()
    with _without_keras_copy_warnings():
        vectors, encoder, history, models = fit(features, encoders, train_rows, config)
    train_seconds = time.perf_counter() - fit_started

    offset = vectors.get("offset", float(features.stars[train_rows].mean()))
    vectors["movie_rating_bias"] = star_model.movie_biases(
        vectors["user_rating"], vectors["movie_rating"], offset, features.rating_user[train_rows],
        features.rating_movie[train_rows], features.stars[train_rows])
    metrics = {
        **_test_metrics(features, vectors, offset, train_rows, test_rows),
        "rating_offset": offset,
        "train_seconds": round(train_seconds, 1),
        **asdict(config),
        "n_ratings": int(len(features.stars)),
        "n_train": int(len(train_rows)),
        "n_test": int(len(test_rows)),
        "n_users": int(len(features.user_ids)),
        "n_movies": int(len(features.movie_ids)),
        "dataset": dataset.format,
        "dataset_sha256": dataset.sha256,
        "history": {k: [round(float(x), 4) for x in v] for k, v in history.items()},
    }
    metrics["total_seconds"] = round(time.perf_counter() - started, 1)
    out.mkdir(parents=True, exist_ok=True)
    with _without_keras_copy_warnings():
        for name, model in models.items():
            model.save(out / name)
    _plot_loss(metrics["history"], out / LOSS_CURVE)
    _export(features, vectors, encoder, encoders, metrics, train_rows, test_rows,
            np.array([m.raw_title for m in dataset.movies])).save(out)
    return metrics


@contextmanager
def _without_keras_copy_warnings():
    """Silence one known upstream warning, and only it: Keras 3.15 and TensorFlow 2.21 convert variables
    and tensors with `np.array(x)`, and their `__array__` takes no `copy` argument, so NumPy 2 warns once
    per variable on every save and predict. Nothing in movrec can fix it at its source."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="__array__ implementation doesn't accept a copy keyword",
                                category=DeprecationWarning)
        yield


def _shape(features: Features, encoders: Encoders):
    from .model import ModelShape

    return ModelShape(
        n_users=len(features.user_ids), n_movies=len(features.movie_ids), n_genders=len(encoders.genders),
        n_ages=len(encoders.ages), n_occupations=encoders.n_occupations, n_genres=len(encoders.genres),
        n_words=len(encoders.words), genre_len=encoders.genre_len, title_len=encoders.title_len)


def _fit_two_tower(features: Features, encoders: Encoders, train_rows: np.ndarray, config: TrainConfig):
    """Fit the retrieval + rating towers; returns (vectors, user encoder, history, models to save)."""
    from .model import TwoTowerOptions, build_two_tower, build_two_tower_sampled

    rated, stars = user_movie_matrices(features, train_rows)
    shape, mean_stars = _shape(features, encoders), float(features.stars[train_rows].mean())
    if config.negatives:
        towers = build_two_tower_sampled(shape, features.movies, config.learning_rate, TwoTowerOptions(),
                                         mean_stars, SAMPLED_POSITIVES + config.negatives)
        counts = rated.sum(axis=0) + 1.0
        sampling = counts ** NEGATIVE_POWER / (counts ** NEGATIVE_POWER).sum()
    else:
        towers = build_two_tower(shape, features.movies, config.learning_rate, TwoTowerOptions(), mean_stars)
    rng = np.random.default_rng(config.seed)
    history: dict[str, list[float]] = {}
    for epoch in range(config.epochs):
        inputs, targets = _masked_users(features, rated, stars, rng, config)
        if config.negatives:
            inputs, targets = _sampled_candidates(inputs, targets, sampling, rng, config.negatives)
        result = towers.model.fit(inputs, targets, batch_size=config.batch_size, epochs=1, shuffle=True,
                                  verbose=0)
        for key, values in result.history.items():
            history.setdefault(key, []).extend(values)
        log.info("epoch %d/%d: %s", epoch + 1, config.epochs,
                 ", ".join(f"{k} {v[-1]:.3f}" for k, v in result.history.items()))
    user_query, user_rating = towers.user_tower.predict(
        {**features.users, "rated": rated, "stars": stars}, batch_size=1024, verbose=0)
    movie_query, movie_rating = towers.movie_tower.predict(features.movie_inputs(), batch_size=4096, verbose=0)
    vectors = {"user": user_query, "user_rating": user_rating, "movie": movie_query, "movie_rating": movie_rating}
    models = {USER_TOWER_MODEL: towers.user_tower, MOVIE_TOWER_MODEL: towers.movie_tower}
    return vectors, UserEncoder.from_keras(towers.user_tower), history, models


def _masked_users(features: Features, rated: np.ndarray, stars: np.ndarray, rng: np.random.Generator,
                  config: TrainConfig) -> tuple[dict, dict]:
    """One epoch's examples, one per user: the tower sees part of the user's ratings; it must rank all of
    them, and rate those it was not shown (the stars it was shown are in its input, so scoring them would
    teach it to copy). A `new_member_share` of users appear as new members who have rated 0-20 movies.

    The others' shown ratings count 1 / (1 - hide_share) each in the bag (inverted dropout), so that the
    bag has the size and weight in training that it has when the site runs the tower on all of a user's
    ratings; without it the served query vectors were out of scale (on a validation slice it raised
    Recall@10 from 0.171 to 0.192)."""
    n_users, n_movies = rated.shape
    new = rng.random(n_users) < config.new_member_share
    shown = rng.random(rated.shape) >= config.hide_share
    # a new member's shown ratings: the k smallest random keys among the movies they rated
    keys = np.where(rated > 0, rng.random(rated.shape), 2.0)
    k = rng.integers(0, NEW_MEMBER_MAX_RATINGS + 1, n_users)
    kth = np.take_along_axis(np.sort(keys, axis=1), np.minimum(k, n_movies - 1)[:, None], axis=1)
    shown = np.where(new[:, None], (keys < kth) & (k[:, None] > 0), shown)
    weight = np.where(new, 1.0, 1.0 / (1.0 - config.hide_share)).astype(np.float32)[:, None]
    inputs = {**features.users, "rated": rated * shown * weight, "stars": stars * shown}
    return inputs, {"retrieval": rated, "rating": stars * ~shown}


def _sampled_candidates(inputs: dict, targets: dict, sampling: np.ndarray, rng: np.random.Generator,
                        negatives: int) -> tuple[dict, dict]:
    """`_masked_users`' examples narrowed to candidates, for `build_two_tower_sampled`: per user up to
    `SAMPLED_POSITIVES` of their rated movies (the targets), then `negatives` movies drawn from `sampling`, with
    the log of each one's expected count in the draw; padding and drawn movies the user rated are ignored."""
    rated, hidden_stars = targets["retrieval"], targets["rating"]
    n_users, n_movies = rated.shape
    keys = np.where(rated > 0, rng.random(rated.shape), 2.0)
    positives = np.argsort(keys, axis=1)[:, :SAMPLED_POSITIVES]
    drawn = rng.choice(n_movies, size=(n_users, negatives), p=sampling)
    candidates = np.concatenate([positives, drawn], axis=1)
    users = np.arange(n_users)[:, None]
    is_positive = np.zeros(candidates.shape, bool)
    is_positive[:, :SAMPLED_POSITIVES] = rated[users, positives] > 0
    ignored = np.concatenate([~is_positive[:, :SAMPLED_POSITIVES], rated[users, drawn] > 0], axis=1)
    log_q = np.where(ignored, 1e9, np.log(negatives * sampling[candidates])).astype(np.float32)
    candidate_stars = np.where(is_positive, hidden_stars[users, candidates], 0.0).astype(np.float32)
    return ({**inputs, "candidates": candidates.astype(np.int32), "log_q": log_q},
            {"retrieval": is_positive.astype(np.float32), "rating": candidate_stars})


def _fit_seed(features: Features, encoders: Encoders, train_rows: np.ndarray, config: TrainConfig):
    """Fit the original architecture on single ratings (MSE); its one vector per side serves both uses."""
    from .model import build_seed

    towers = build_seed(_shape(features, encoders), config.learning_rate)
    result = towers.model.fit(_rating_pipeline(features, train_rows, config.batch_size, config.seed),
                              epochs=config.epochs, shuffle=False, verbose=1 if sys.stdout.isatty() else 2)
    users = towers.user_tower.predict(features.user_inputs(), batch_size=4096, verbose=0)
    movies = towers.movie_tower.predict(features.movie_inputs(), batch_size=4096, verbose=0)
    vectors = {"user": users, "user_rating": users, "movie": movies, "movie_rating": movies, "offset": 0.0}
    return vectors, None, result.history, {SEED_MODEL: towers.model}


def _rating_pipeline(features: Features, index: np.ndarray, batch_size: int, shuffle_seed: int):
    """A tf.data pipeline that shuffles rating rows and gathers whole batches at once."""
    import tensorflow as tf

    columns = {k: tf.constant(v) for k, v in features.rating_inputs(index).items()}
    stars = tf.constant(features.stars[index])
    rows = tf.data.Dataset.range(len(index)).shuffle(len(index), seed=shuffle_seed, reshuffle_each_iteration=True)

    def gather(batch):
        return {k: tf.gather(v, batch) for k, v in columns.items()}, tf.gather(stars, batch)

    return rows.batch(batch_size).map(gather, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)


def _test_metrics(features: Features, vectors: dict, offset: float, train_rows: np.ndarray,
                  test_rows: np.ndarray) -> dict:
    """Rating error of the predicted stars (movrec.star_model) and ranking quality of the exported vectors on
    the test split."""
    if len(test_rows) == 0:
        return {}
    users, movies = features.rating_user[test_rows], features.rating_movie[test_rows]
    stars = star_model.StarModel(vectors["movie_rating"], offset, vectors["movie_rating_bias"])
    predicted = stars.predict(vectors["user_rating"], users, movies, features.rating_user[train_rows],
                              features.rating_movie[train_rows], features.stars[train_rows])
    task = evaluate.RankingTask.from_ratings(len(features.movie_ids), features.rating_user[train_rows],
                                             features.rating_movie[train_rows], users, movies,
                                             features.stars[test_rows])
    ranking = evaluate.evaluate_ranking(task, lambda i: vectors["user"][task.users[i]] @ vectors["movie"].T)
    return {"test_rmse": round(evaluate.rmse(predicted, features.stars[test_rows]), 4),
            "test_mae": round(evaluate.mae(predicted, features.stars[test_rows]), 4),
            **{f"test_{k}_at_10": round(v, 4) for k, v in ranking.items()}}


def _export(features: Features, vectors: dict, encoder: UserEncoder | None, encoders: Encoders, metrics: dict,
            train_rows: np.ndarray, test_rows: np.ndarray, titles: np.ndarray) -> Artifacts:
    users, movies, stars = (features.rating_user[train_rows], features.rating_movie[train_rows],
                            features.stars[train_rows])
    order = np.lexsort((movies, users))
    counts = np.bincount(users, minlength=len(features.user_ids))
    rated, rated_stars = user_movie_matrices(features, train_rows)
    liked = (rated_stars >= evaluate.LIKED_STARS).astype(np.float32)
    also_liked, also_liked_scores = co_ratings.spread_out(*co_ratings.top_neighbours(co_ratings.co_scores(liked)))
    similar, similar_scores = co_ratings.spread_out(
        *co_ratings.top_neighbours(co_ratings.similar_scores(rated, vectors["movie"])))
    ease_rows, ease_weights = ease.sparse_weights(rated)
    ages = np.array(encoders.ages)[features.users["age"]]
    heldout = None
    if len(test_rows):
        heldout = {"user_ids": features.user_ids[features.rating_user[test_rows]],
                   "movie_ids": features.movie_ids[features.rating_movie[test_rows]],
                   "stars": features.stars[test_rows].astype(np.int8)}
    return Artifacts(
        movie_ids=features.movie_ids, movie_titles=titles,
        movie_vectors=vectors["movie"].astype(np.float32),
        movie_rating_vectors=vectors["movie_rating"].astype(np.float32),
        movie_rating_biases=vectors["movie_rating_bias"],
        user_ids=features.user_ids, user_vectors=vectors["user"].astype(np.float32),
        user_rating_vectors=vectors["user_rating"].astype(np.float32),
        user_demographics=np.stack([features.users["gender"], ages, features.users["occupation"]], axis=1),
        rated_indptr=np.concatenate([[0], np.cumsum(counts)]).astype(np.int64),
        rated_movie_rows=movies[order].astype(np.int32), rated_stars=stars[order].astype(np.int8),
        also_liked_rows=also_liked, also_liked_scores=also_liked_scores, similar_rows=similar,
        similar_scores=similar_scores, ease_rows=ease_rows, ease_weights=ease_weights, user_encoder=encoder,
        encoders=encoders.to_dict(), metrics=metrics, heldout=heldout)


def _plot_loss(history: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.5), dpi=100)
    for key, values in history.items():
        ax.plot(range(1, len(values) + 1), values, marker="o", label=key.replace("_", " "))
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.set_yscale("log")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
