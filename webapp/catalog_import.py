"""Load the MovieLens catalogue (movies, genres, years, rating mean and count) into the database."""
from dataclasses import dataclass

import numpy as np
from movrec.dataset import Dataset
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Movie


@dataclass(frozen=True)
class ImportResult:
    """How many movies the import added, changed and left as they were."""

    added: int
    updated: int
    unchanged: int


def import_catalog(dataset: Dataset) -> ImportResult:
    """Insert or update every movie of `dataset` in one transaction; running it again changes nothing."""
    ids = np.asarray(dataset.ratings.movie_id, dtype=np.int64)
    stars = np.asarray(dataset.ratings.stars, dtype=np.float64)
    size = int(max([m.movie_id for m in dataset.movies] + [int(ids.max()) if ids.size else 0])) + 1
    counts = np.bincount(ids, minlength=size)
    sums = np.bincount(ids, weights=stars, minlength=size)

    existing = {m.id: m for m in db.session.scalars(select(Movie))}
    added = updated = 0
    for item in dataset.movies:
        count = int(counts[item.movie_id])
        values = {"title": item.title, "raw_title": item.raw_title, "year": item.year,
                  "genres": "|".join(item.genres), "rating_count": count,
                  "rating_mean": round(float(sums[item.movie_id]) / count, 4) if count else None}
        movie = existing.get(item.movie_id)
        if movie is None:
            db.session.add(Movie(id=item.movie_id, **values))
            added += 1
        elif any(getattr(movie, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(movie, key, value)
            updated += 1
    db.session.commit()
    return ImportResult(added, updated, len(dataset.movies) - added - updated)
