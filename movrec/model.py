"""The Keras two-tower model. Imports TensorFlow: only training and evaluation code use this module.

Variants are registered in `VARIANTS`; `seed` is the original project's architecture written with
2-d tensors and Conv1D over the title sequence (same math as its Conv2D over a one-channel image,
several times faster on a CPU).
"""

from __future__ import annotations

from dataclasses import dataclass

import keras
from keras import layers, ops

FEATURE_DIM = 200


@dataclass(frozen=True)
class ModelShape:
    """Sizes the model needs from the encoders and the dataset."""

    n_users: int
    n_movies: int
    n_genders: int
    n_ages: int
    n_occupations: int
    n_genres: int
    n_words: int
    genre_len: int
    title_len: int


@dataclass(frozen=True)
class TwoTower:
    """The trainable model and its two towers (sharing weights), which export the feature vectors."""

    model: keras.Model
    user_tower: keras.Model
    movie_tower: keras.Model


def _scalar_input(name: str) -> keras.KerasTensor:
    return keras.Input(shape=(), dtype="int32", name=name)


def _embedded_fc(x, vocab: int, dim: int, name: str):
    """Embedding of a categorical scalar followed by Dense(32, relu), as in the original towers."""
    x = layers.Embedding(vocab, dim, name=f"{name}_embed")(x)
    return layers.Dense(32, activation="relu", name=f"{name}_fc")(x)


@keras.saving.register_keras_serializable(package="movrec")
class MaskedSum(layers.Layer):
    """Sum of the embeddings of the real (non-pad, id > 0) entries of a padded id sequence."""

    def call(self, embedded, ids):
        mask = ops.cast(ops.expand_dims(ops.greater(ids, 0), -1), embedded.dtype)
        return ops.sum(embedded * mask, axis=1)


def build_seed(shape: ModelShape, learning_rate: float = 1e-3) -> TwoTower:
    """The original architecture: user and movie towers ending in Dense(200, tanh), dot-product head."""
    user, gender, age, occupation = (_scalar_input(n) for n in ("user", "gender", "age", "occupation"))
    user_vec = layers.Dense(FEATURE_DIM, activation="tanh", name="user_features")(layers.Concatenate()([
        _embedded_fc(user, shape.n_users, 32, "uid"),
        _embedded_fc(gender, shape.n_genders, 16, "gender"),
        _embedded_fc(age, shape.n_ages, 16, "age"),
        _embedded_fc(occupation, shape.n_occupations, 16, "occupation"),
    ]))
    user_tower = keras.Model({"user": user, "gender": gender, "age": age, "occupation": occupation}, user_vec,
                             name="user_tower")

    movie = _scalar_input("movie")
    genres = keras.Input(shape=(shape.genre_len,), dtype="int32", name="genres")
    title = keras.Input(shape=(shape.title_len,), dtype="int32", name="title")
    genre_sum = MaskedSum(name="genre_sum")(layers.Embedding(shape.n_genres, 32, name="genre_embed")(genres),
                                            genres)
    words = layers.Embedding(shape.n_words, 32, name="title_embed")(title)
    pooled = [layers.GlobalMaxPooling1D()(layers.Conv1D(8, window, activation="relu", name=f"title_conv{window}")(words))
              for window in (2, 3, 4, 5)]
    title_vec = layers.Dropout(0.5, name="title_dropout")(layers.Concatenate()(pooled))
    movie_vec = layers.Dense(FEATURE_DIM, activation="tanh", name="movie_features")(layers.Concatenate()([
        _embedded_fc(movie, shape.n_movies, 32, "mid"),
        layers.Dense(32, activation="relu", name="genre_fc")(genre_sum),
        title_vec,
    ]))
    movie_tower = keras.Model({"movie": movie, "genres": genres, "title": title}, movie_vec, name="movie_tower")

    inputs = {**user_tower.input, **movie_tower.input}
    rating = layers.Dot(axes=1, name="rating")([user_vec, movie_vec])
    model = keras.Model(inputs, rating, name="two_tower_seed")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="mse",
                  metrics=[keras.metrics.RootMeanSquaredError(name="rmse"),
                           keras.metrics.MeanAbsoluteError(name="mae")])
    return TwoTower(model, user_tower, movie_tower)


VARIANTS = {"seed": build_seed}


def build(variant: str, shape: ModelShape, learning_rate: float) -> TwoTower:
    """Build a registered variant by name."""
    try:
        builder = VARIANTS[variant]
    except KeyError:
        raise ValueError(f"unknown model variant {variant!r}; choose from {sorted(VARIANTS)}") from None
    return builder(shape, learning_rate)
