"""The exported bundle the site serves from: feature matrices, training ratings, "also liked" and
"similar" lists, EASE's sparse weights, the user tower's weights, encoders and metrics.

numpy and json only; the Keras towers sit beside these files for retraining and evaluation. A bundle
trained with a test split also holds the held-out ratings (`heldout.npz`), so anyone can evaluate the
served recommender on exactly the ratings it never saw.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .user_encoder import UserEncoder

VECTORS = "vectors.npz"
RATINGS = "ratings.npz"
ALSO_LIKED = "also_liked.npz"
SIMILAR = "similar.npz"
EASE = "ease.npz"
USER_TOWER = "user_tower.npz"
HELDOUT = "heldout.npz"
ENCODERS = "encoders.json"
METRICS = "metrics.json"
LOSS_CURVE = "loss_curve.png"
REQUIRED = (VECTORS, RATINGS, ALSO_LIKED, SIMILAR, EASE, ENCODERS, METRICS)


class ArtifactsError(Exception):
    """The artifacts directory is missing, incomplete or unreadable."""


@dataclass
class Artifacts:
    """Arrays by row: movie and user rows match `movie_ids` and `user_ids`.

    `*_vectors` are the query space the picks and similar movies are ranked in; `*_rating_vectors`
    give predicted stars (their dot product plus `metrics["rating_offset"]`, calibrated by
    `movie_rating_biases` and the user's own residuals: movrec.star_model).
    """

    movie_ids: np.ndarray
    movie_titles: np.ndarray       # the dataset's titles, so the bundle is readable on its own
    movie_vectors: np.ndarray
    movie_rating_vectors: np.ndarray
    movie_rating_biases: np.ndarray  # each movie's correction of the predicted stars (movrec.star_model)
    user_ids: np.ndarray
    user_vectors: np.ndarray
    user_rating_vectors: np.ndarray
    user_demographics: np.ndarray  # users x 3: gender (index in encoders["genders"]), age bracket code, occupation
    rated_indptr: np.ndarray       # CSR over user rows of the training ratings
    rated_movie_rows: np.ndarray
    rated_stars: np.ndarray
    also_liked_rows: np.ndarray    # movies x depth: co-liked neighbours, best first, -1 padded
    also_liked_scores: np.ndarray
    similar_rows: np.ndarray       # movies x depth: "similar movies", best first, -1 padded
    similar_scores: np.ndarray
    ease_rows: np.ndarray          # movies x depth: the movies each movie's strongest EASE weights go to
    ease_weights: np.ndarray       # ... and those weights (movrec.ease)
    user_encoder: UserEncoder | None  # None for the seed variant, which has no tower for new users
    encoders: dict
    metrics: dict
    heldout: dict[str, np.ndarray] | None = None  # user_ids, movie_ids, stars of the test split

    def save(self, path: Path) -> None:
        """Write the bundle into `path` (created if needed)."""
        path.mkdir(parents=True, exist_ok=True)
        np.savez(path / VECTORS, movie_ids=self.movie_ids, movie_titles=self.movie_titles,
                 movie_vectors=self.movie_vectors, movie_rating_vectors=self.movie_rating_vectors,
                 movie_rating_biases=self.movie_rating_biases, user_ids=self.user_ids, user_vectors=self.user_vectors,
                 user_rating_vectors=self.user_rating_vectors, user_demographics=self.user_demographics)
        np.savez(path / RATINGS, indptr=self.rated_indptr, movie_rows=self.rated_movie_rows,
                 stars=self.rated_stars)
        np.savez(path / ALSO_LIKED, rows=self.also_liked_rows, scores=self.also_liked_scores)
        np.savez(path / SIMILAR, rows=self.similar_rows, scores=self.similar_scores)
        np.savez(path / EASE, rows=self.ease_rows, weights=self.ease_weights)
        if self.user_encoder is not None:
            self.user_encoder.save(path / USER_TOWER)
        if self.heldout is not None:
            np.savez(path / HELDOUT, **self.heldout)
        (path / ENCODERS).write_text(json.dumps(self.encoders, ensure_ascii=False))
        (path / METRICS).write_text(json.dumps(self.metrics, indent=2))

    @classmethod
    def load(cls, path: str | Path) -> "Artifacts":
        """Read a bundle written by `save`; a missing or corrupt file is an `ArtifactsError` naming it."""
        path = Path(path)
        missing = [name for name in REQUIRED if not (path / name).is_file()]
        if missing:
            raise ArtifactsError(f"{path}: missing {', '.join(missing)}; train first with "
                                 f"`python -m movrec train --out {path}`")
        current = path
        try:
            # One file at a time: an npz member is read (and its CRC checked) on access, so `current` must be
            # the file being read when that fails.
            with np.load(current := path / VECTORS) as v:
                arrays = dict(
                    movie_ids=v["movie_ids"], movie_titles=v["movie_titles"], movie_vectors=v["movie_vectors"],
                    movie_rating_vectors=v["movie_rating_vectors"],
                    movie_rating_biases=v["movie_rating_biases"], user_ids=v["user_ids"],
                    user_vectors=v["user_vectors"], user_rating_vectors=v["user_rating_vectors"],
                    user_demographics=v["user_demographics"])
            with np.load(current := path / RATINGS) as r:
                arrays.update(rated_indptr=r["indptr"], rated_movie_rows=r["movie_rows"], rated_stars=r["stars"])
            with np.load(current := path / ALSO_LIKED) as n:
                arrays.update(also_liked_rows=n["rows"], also_liked_scores=n["scores"])
            with np.load(current := path / SIMILAR) as n:
                arrays.update(similar_rows=n["rows"], similar_scores=n["scores"])
            with np.load(current := path / EASE) as n:
                arrays.update(ease_rows=n["rows"], ease_weights=n["weights"])
            current = path / USER_TOWER
            encoder = UserEncoder.load(current) if current.is_file() else None
            current = path / HELDOUT
            heldout = None
            if current.is_file():
                with np.load(current) as h:
                    heldout = {k: h[k] for k in h.files}
            encoders = json.loads((current := path / ENCODERS).read_text())
            metrics = json.loads((current := path / METRICS).read_text())
        except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError) as exc:
            raise ArtifactsError(f"{current}: unreadable ({exc}); retrain with "
                                 f"`python -m movrec train --out {path}`") from exc
        return cls(**arrays, user_encoder=encoder, encoders=encoders, metrics=metrics, heldout=heldout)
