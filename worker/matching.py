"""Search queries for a MovieLens title, and which Douban candidates may be the same film.

Titles are parsed by ``movrec.dataset.parse_title``, the parser the site's catalogue uses, so the site and
the search read a title alike (``Postino, Il (The Postman) (1994)`` -> ``Il Postino``, alternate
``The Postman``, 1994). Matching is deliberately strict: a wrong match is worse than ``not_found``.

* Films only: a series or a season (``[电视剧]``, a suggestion with episodes, "第二季" or "Season 2") never matches.
* The same words (accents, case and punctuation aside, sequel numbers as numbers) match in the same year, or a
  year off when the subject page confirms it (:mod:`worker.confirmation`).
* The same words but for a leading article ("Fear" / "The Fear"), or a near spelling: the same year only.
* A film within a year whose titles do not match (a Chinese or Japanese original, another English title)
  is only a candidate for confirmation by its subject page's 又名 list or IMDb id.
"""
from __future__ import annotations

import re
from typing import Iterable

from movrec.dataset import MovieTitle

from worker.douban import DoubanRecord
from worker.titles import EXACT, best_agreement

_SEASON = re.compile(r"第[一二三四五六七八九十百\d]+季|\bseason\s+\d+\b", re.I)


def is_film(record: DoubanRecord) -> bool:
    """False for series and seasons, as far as this record tells (a search result may not say)."""
    return record.kind != "tv" and not any(_SEASON.search(t) for t in (record.title, record.original_title))


def year_gap(movie: MovieTitle, record: DoubanRecord) -> int | None:
    """Years between the two, ``0`` when the movie has no year, ``None`` when the record has none."""
    if movie.year is None:
        return 0
    return None if record.year is None else abs(record.year - movie.year)


def title_matches(movie: MovieTitle, candidates: Iterable[DoubanRecord]) -> list[DoubanRecord]:
    """The films among ``candidates`` whose title matches the movie's well enough for their year, best first:
    closer titles, then the same year, then more votes."""
    ranked = []
    for cand in candidates:
        gap = year_gap(movie, cand)
        if not is_film(cand) or gap is None or gap > 1:
            continue
        agreement = best_agreement(movie.names, (cand.original_title, cand.title))
        if agreement is None or (gap and agreement != EXACT):
            continue
        ranked.append(((agreement, -gap, cand.votes or 0), cand))
    return [cand for _, cand in sorted(ranked, key=lambda pair: pair[0], reverse=True)]


def other_titles(movie: MovieTitle, candidates: Iterable[DoubanRecord]) -> list[DoubanRecord]:
    """Films within a year of the movie whose titles do not match it, the same year first: their subject page
    may still confirm them."""
    if movie.year is None:
        return []
    found = [cand for cand in candidates
             if is_film(cand) and cand.year is not None and abs(cand.year - movie.year) <= 1
             and best_agreement(movie.names, (cand.original_title, cand.title)) is None]
    return sorted(found, key=lambda cand: abs(cand.year - movie.year))


def search_queries(movie: MovieTitle) -> list[str]:
    """Queries to try in order: ``"<title> <year>"``, then each alternate title with the year."""
    suffix = f" {movie.year}" if movie.year else ""
    queries = [f"{name}{suffix}" for name in movie.names]
    return list(dict.fromkeys(queries))
