"""What a Douban subject page says about a candidate: not this film (a series, another IMDb id), or
confirmed (its IMDb id, a release in the movie's year, a 又名 entry naming it).

The IMDb id is compared only where the catalogue knows the movie's (MovieLens 1M does not: ``imdb_id`` is
then ``None`` and the other checks decide).
"""
from __future__ import annotations

from movrec.dataset import MovieTitle

from worker.douban import DoubanRecord
from worker.titles import ARTICLE, best_agreement


def refutes(subject: DoubanRecord, imdb_id: str | None = None) -> str | None:
    """Why the subject page shows this is not the movie, or ``None``."""
    if subject.kind == "tv":
        return "a series on its subject page"
    if imdb_id and subject.imdb_id and subject.imdb_id != imdb_id:
        return f"IMDb {subject.imdb_id}, not {imdb_id}"
    return None


def same_imdb(subject: DoubanRecord, imdb_id: str | None) -> bool:
    """True when both IMDb ids are known and equal."""
    return bool(imdb_id) and subject.imdb_id == imdb_id


def released_that_year(movie: MovieTitle, subject: DoubanRecord) -> bool:
    """True when the subject's year or one of its release dates falls in the movie's year (a film shown at a
    festival the year before its release is listed under either year)."""
    return movie.year is not None and (subject.year == movie.year or movie.year in subject.release_years)


def confirms_year(movie: MovieTitle, subject: DoubanRecord, imdb_id: str | None = None) -> bool:
    """A candidate of the same title a year off is the movie when the IMDb ids agree or it was released that year."""
    return same_imdb(subject, imdb_id) or released_that_year(movie, subject)


def confirms_names(movie: MovieTitle, subject: DoubanRecord, imdb_id: str | None = None) -> bool:
    """A candidate whose titles did not match is the movie when the IMDb ids agree, or when its 又名 list
    (English titles, romanisations) names it, article aside, and it came out in the movie's year."""
    if same_imdb(subject, imdb_id):
        return True
    names = (*subject.aka, subject.original_title, subject.title)
    agreement = best_agreement(movie.names, names)
    return agreement is not None and agreement >= ARTICLE and released_that_year(movie, subject)
