"""The trained user tower as numpy: query and rating vectors for anyone, from demographics and ratings.

Training exports the tower's weights (`UserEncoder.from_keras`); the site runs the same forward pass for
a new member as training ran for everyone: the tower reads demographics and ratings, never a user id.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

LAYERS = ("gender", "age", "occupation")


@dataclass
class UserEncoder:
    """Weights by name: `<x>_embed`, `<x>_fc_w`, `<x>_fc_b` for each input in LAYERS, `bag_seen`,
    `bag_taste`, and `query_w/b`, `rating_w/b` for the two heads."""

    weights: dict[str, np.ndarray]

    @classmethod
    def from_keras(cls, user_tower) -> "UserEncoder":
        """Read the weights of the Keras user tower built by `movrec.model`."""
        weights = {}
        for name in LAYERS:
            weights[f"{name}_embed"] = user_tower.get_layer(f"{name}_embed").get_weights()[0]
            weights[f"{name}_fc_w"], weights[f"{name}_fc_b"] = user_tower.get_layer(f"{name}_fc").get_weights()
        weights["bag_seen"], weights["bag_taste"] = user_tower.get_layer("rated_bag").get_weights()
        weights["query_w"], weights["query_b"] = user_tower.get_layer("user_query").get_weights()
        weights["rating_w"], weights["rating_b"] = user_tower.get_layer("user_rating").get_weights()
        return cls({k: np.asarray(v, np.float32) for k, v in weights.items()})

    def save(self, path: Path) -> None:
        np.savez(path, **self.weights)

    @classmethod
    def load(cls, path: Path) -> "UserEncoder":
        with np.load(path) as data:
            return cls({k: data[k] for k in data.files})

    def bag(self, movie_rows: np.ndarray, stars: np.ndarray) -> np.ndarray:
        """Per rated movie, its additive share of the bag input: [seen, (stars - 3) / 2 * taste] / sqrt(n)."""
        scale = np.float32(1.0 / np.sqrt(max(len(movie_rows), 1)))  # float32 throughout: a float64 vector
        # would make every product with the float32 movie matrices convert the whole matrix
        preference = ((np.asarray(stars, np.float32) - 3.0) / 2.0)[:, None]
        return np.concatenate([self.weights["bag_seen"][movie_rows],
                               preference * self.weights["bag_taste"][movie_rows]], axis=1) * scale

    def encode(self, gender: int, age: int, occupation: int, movie_rows: np.ndarray,
               stars: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The (query, rating) vectors of one user; `gender`, `age`, `occupation` are encoder indices."""
        w = self.weights
        parts = [np.maximum(w[f"{name}_embed"][value] @ w[f"{name}_fc_w"] + w[f"{name}_fc_b"], 0.0)
                 for name, value in zip(LAYERS, (gender, age, occupation))]
        parts.append(self.bag(movie_rows, stars).sum(axis=0))
        joined = np.concatenate(parts)
        return joined @ w["query_w"] + w["query_b"], joined @ w["rating_w"] + w["rating_b"]

    def contributions(self, movie_rows: np.ndarray, stars: np.ndarray) -> np.ndarray:
        """Each rated movie's additive part of the query vector (rated movies x 200)."""
        bag_width = self.weights["bag_seen"].shape[1] * 2
        return self.bag(movie_rows, stars) @ self.weights["query_w"][-bag_width:]
