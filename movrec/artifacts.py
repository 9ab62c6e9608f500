"""The exported bundle the site serves from: feature matrices, ratings, priors, encoders, metrics.

numpy and json only; the Keras model file sits beside these files for retraining and evaluation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

VECTORS = "vectors.npz"
RATINGS = "ratings.npz"
PRIORS = "priors.npz"
ENCODERS = "encoders.json"
METRICS = "metrics.json"
MODEL = "model.keras"
LOSS_CURVE = "loss_curve.png"
REQUIRED = (VECTORS, RATINGS, PRIORS, ENCODERS, METRICS)


class ArtifactsError(Exception):
    """The artifacts directory is missing or incomplete."""


@dataclass
class Artifacts:
    """Arrays by row: movie and user rows match `movie_ids` and `user_ids`."""

    movie_ids: np.ndarray
    movie_titles: np.ndarray      # the dataset's titles, so the bundle is readable on its own
    movie_vectors: np.ndarray
    user_ids: np.ndarray
    user_vectors: np.ndarray
    user_demographics: np.ndarray  # users x 3: gender (index in encoders["genders"]), age bracket code, occupation
    rated_indptr: np.ndarray      # CSR over user rows of every dataset rating
    rated_movie_rows: np.ndarray
    rated_stars: np.ndarray
    prior_keys: np.ndarray        # see movrec.priors
    prior_vectors: np.ndarray
    prior_counts: np.ndarray
    encoders: dict
    metrics: dict

    def save(self, path: Path) -> None:
        """Write the bundle into `path` (created if needed)."""
        path.mkdir(parents=True, exist_ok=True)
        np.savez(path / VECTORS, movie_ids=self.movie_ids, movie_titles=self.movie_titles,
                 movie_vectors=self.movie_vectors,
                 user_ids=self.user_ids, user_vectors=self.user_vectors, user_demographics=self.user_demographics)
        np.savez(path / RATINGS, indptr=self.rated_indptr, movie_rows=self.rated_movie_rows,
                 stars=self.rated_stars)
        np.savez(path / PRIORS, keys=self.prior_keys, vectors=self.prior_vectors, counts=self.prior_counts)
        (path / ENCODERS).write_text(json.dumps(self.encoders, ensure_ascii=False))
        (path / METRICS).write_text(json.dumps(self.metrics, indent=2))

    @classmethod
    def load(cls, path: str | Path) -> "Artifacts":
        """Read a bundle written by `save`; a missing file is an `ArtifactsError` naming it."""
        path = Path(path)
        missing = [name for name in REQUIRED if not (path / name).is_file()]
        if missing:
            raise ArtifactsError(f"{path}: missing {', '.join(missing)}; train first with "
                                 f"`python -m movrec train --out {path}`")
        with np.load(path / VECTORS) as v, np.load(path / RATINGS) as r, np.load(path / PRIORS) as p:
            return cls(
                movie_ids=v["movie_ids"], movie_titles=v["movie_titles"], movie_vectors=v["movie_vectors"],
                user_ids=v["user_ids"], user_vectors=v["user_vectors"], user_demographics=v["user_demographics"],
                rated_indptr=r["indptr"], rated_movie_rows=r["movie_rows"], rated_stars=r["stars"],
                prior_keys=p["keys"], prior_vectors=p["vectors"], prior_counts=p["counts"],
                encoders=json.loads((path / ENCODERS).read_text()),
                metrics=json.loads((path / METRICS).read_text()),
            )
