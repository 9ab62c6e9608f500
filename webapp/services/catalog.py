"""The catalogue: loading it from MovieLens, browsing by genre/year/title, and the best-liked movies."""
from dataclasses import dataclass

import numpy as np
from movrec.dataset import Dataset
from sqlalchemy import Select, or_, select

from webapp.extensions import db
from webapp.models import Movie, MovieInfo
from webapp.services.folding import search_key

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


def liked_score():
    """SQL expression ranking movies by their shrunk mean rating."""
    return ((Movie.rating_mean * Movie.rating_count + PRIOR_MEAN * PRIOR_RATINGS)
            / (Movie.rating_count + PRIOR_RATINGS))


def browse_query(genre: str | None, year: int | None, text: str | None) -> Select:
    """Movies matching all given filters (genre name, year, English or cached Chinese title), best-liked first.
    English titles match whatever the case and accents ("MISÉRABLES" finds "Misérables"), on every database."""
    query = select(Movie)
    if genre:
        query = query.where(("|" + Movie.genres + "|").contains(f"|{genre}|", autoescape=True))
    if year:
        query = query.where(Movie.year == year)
    if text:
        zh_match = select(MovieInfo.movie_id).where(MovieInfo.title_zh.icontains(text, autoescape=True))
        query = query.where(or_(Movie.search_text.contains(search_key(text), autoescape=True),
                                Movie.id.in_(zh_match)))
    return query.order_by(liked_score().desc().nulls_last(), Movie.id)


def home_rows(genres: tuple[str, ...], top: int, per_genre: int) -> tuple[list[int], dict[str, list[int]]]:
    """Ids of the best-liked movies overall and per genre (genres with no rated movie left out)."""
    query = select(Movie.id, Movie.genres).where(Movie.rating_count > 0).order_by(liked_score().desc(), Movie.id)
    ranked = db.session.execute(query).all()
    rows: dict[str, list[int]] = {genre: [] for genre in genres}
    for movie_id, movie_genres in ranked:
        for genre in movie_genres.split("|"):
            if genre in rows and len(rows[genre]) < per_genre:
                rows[genre].append(movie_id)
    return [movie_id for movie_id, _ in ranked[:top]], {g: ids for g, ids in rows.items() if ids}


def years() -> list[int]:
    """The release years in the catalogue, newest first."""
    return list(db.session.scalars(select(Movie.year).distinct().where(Movie.year.is_not(None))
                                   .order_by(Movie.year.desc())))
