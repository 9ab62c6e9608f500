"""The catalogue: loading it from MovieLens, the best-liked movies, its decades."""
from dataclasses import dataclass

import numpy as np
from movrec.dataset import Dataset
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Movie

# Bayesian average: a movie's mean pulled towards a typical mean by this many imaginary ratings,
# so a 5.0 from two people does not outrank a 4.5 from two thousand.
PRIOR_RATINGS = 25
PRIOR_MEAN = 3.5


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
    by_stars = np.bincount(ids * 5 + np.clip(stars.astype(np.int64), 1, 5) - 1, minlength=size * 5).reshape(size, 5)

    existing = {m.id: m for m in db.session.scalars(select(Movie))}
    added = updated = 0
    for item in dataset.movies:
        count = int(counts[item.movie_id])
        values = {"title": item.title, "raw_title": item.raw_title, "year": item.year,
                  "genres": "|".join(item.genres), "rating_count": count,
                  "rating_mean": round(float(sums[item.movie_id]) / count, 4) if count else None,
                  "star_counts": ",".join(map(str, by_stars[item.movie_id]))}
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


def liked_score():
    """SQL expression ranking movies by their shrunk mean rating."""
    return ((Movie.rating_mean * Movie.rating_count + PRIOR_MEAN * PRIOR_RATINGS)
            / (Movie.rating_count + PRIOR_RATINGS))


def home_rows(genres: tuple[str, ...], top: int, per_genre: int) -> tuple[list[int], dict[str, list[int]]]:
    """Ids of the best-liked movies overall and per genre; the genres come most rated first (genres with no
    rated movie left out)."""
    query = (select(Movie.id, Movie.genres, Movie.rating_count).where(Movie.rating_count > 0)
             .order_by(liked_score().desc(), Movie.id))
    ranked = db.session.execute(query).all()
    rows: dict[str, list[int]] = {genre: [] for genre in genres}
    ratings = dict.fromkeys(genres, 0)
    for movie_id, movie_genres, count in ranked:
        for genre in movie_genres.split("|"):
            if genre in rows:
                ratings[genre] += count
                if len(rows[genre]) < per_genre:
                    rows[genre].append(movie_id)
    by_ratings = sorted((g for g in genres if rows[g]), key=lambda g: -ratings[g])
    return [movie_id for movie_id, _, _ in ranked[:top]], {g: rows[g] for g in by_ratings}


def decades() -> list[int]:
    """The decades of the catalogue's release years (1990 for the 1990s), newest first."""
    years = db.session.scalars(select(Movie.year).distinct().where(Movie.year.is_not(None)))
    return sorted({year // 10 * 10 for year in years}, reverse=True)
