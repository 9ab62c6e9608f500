"""MovieLens titles -> search queries, and picking the Douban candidate that is the same film.

MovieLens writes ``Shawshank Redemption, The (1994)``, adds alternate titles in parentheses
(``Postino, Il (The Postman) (1994)``, ``Professional, The (a.k.a. Leon: The Professional) (1994)``)
and its text is latin-1 (``Misérables, Les``). Matching is deliberately strict: a wrong match is
worse than ``not_found``.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Iterable

from worker.douban import DoubanRecord

# Articles MovieLens moves to the end ("Postino, Il"); those ending in an apostrophe join without a space.
_ARTICLES = {
    "the", "a", "an", "les", "la", "le", "l'", "l", "il", "el", "lo", "los", "las", "gli", "i", "un", "une",
    "das", "die", "der", "den", "det", "de", "het", "ein", "eine", "o", "os", "as", "ta", "to", "en", "et",
}
_TRAILING_YEAR = re.compile(r"\s*\((\d{4})\)\s*$")
_TRAILING_PAREN = re.compile(r"\s*\(([^()]*)\)\s*$")
_AKA = re.compile(r"^(a\.k\.a\.|aka)\s+", re.I)
_SIMILAR_ENOUGH = 0.9


@dataclass(frozen=True)
class MovieTitle:
    """A MovieLens title split into its display title, alternate titles and year."""

    title: str
    alternates: tuple[str, ...]
    year: int | None

    @property
    def names(self) -> tuple[str, ...]:
        """The main title first, then the alternates."""
        return (self.title, *self.alternates)


def fix_article(name: str) -> str:
    """``Shawshank Redemption, The`` -> ``The Shawshank Redemption``; ``Uomo delle stelle, L'`` -> ``L'Uomo ...``."""
    name = name.strip()
    head, sep, tail = name.rpartition(", ")
    if sep and tail.lower() in _ARTICLES:
        return f"{tail}{head}" if tail.endswith("'") else f"{tail} {head}"
    return name


def parse_movielens_title(raw: str, year: int | None = None) -> MovieTitle:
    """Split a MovieLens title; ``year`` overrides the one in the text when given."""
    text = raw.strip()
    match = _TRAILING_YEAR.search(text)
    if match:
        year = year or int(match.group(1))
        text = text[: match.start()]
    alternates: list[str] = []
    while (paren := _TRAILING_PAREN.search(text)) and paren.start() > 0:
        alternates.insert(0, fix_article(_AKA.sub("", paren.group(1))))
        text = text[: paren.start()]
    return MovieTitle(fix_article(text), tuple(a for a in alternates if a), year)


def match_key(name: str) -> str:
    """Lower-case, accents folded, punctuation dropped, ``&`` read as ``and``: the form titles are compared in."""
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    folded = folded.replace("&", " and ")
    folded = re.sub(r"[^\w\s]", " ", folded)
    return " ".join(folded.split())


def _without_article(key: str) -> str:
    first, _, rest = key.partition(" ")
    return rest if rest and first in _ARTICLES else key


def title_score(names: Iterable[str], candidate: str) -> float:
    """How well ``candidate`` matches any of ``names``: 1.0 exact (articles and accents aside), else a ratio.

    Titles whose numbers differ (sequels, seasons) score 0.
    """
    cand = _without_article(match_key(candidate))
    best = 0.0
    for name in names:
        key = _without_article(match_key(name))
        if not key or not cand:
            continue
        if key == cand:
            return 1.0
        if re.findall(r"\d+", key) != re.findall(r"\d+", cand):
            continue  # "Scream 2" is never "Scream 3", however similar the letters
        best = max(best, SequenceMatcher(None, key, cand).ratio())
    return best


def choose(movie: MovieTitle, candidates: Iterable[DoubanRecord]) -> DoubanRecord | None:
    """The candidate that is this film, or ``None``.

    It must match a title (original or Chinese) and have a year within one of ours;
    films beat series, exact titles beat near ones, the same year beats the next one.
    """
    best: tuple[tuple, DoubanRecord] | None = None
    for cand in candidates:
        score = max(title_score(movie.names, cand.original_title), title_score(movie.names, cand.title))
        if score < _SIMILAR_ENOUGH:
            continue
        if movie.year is not None:
            if cand.year is None or abs(cand.year - movie.year) > 1:
                continue
            year_gap = abs(cand.year - movie.year)
        else:
            year_gap = 1
        rank = (cand.kind != "tv", score == 1.0, -year_gap, score, cand.votes or 0)
        if best is None or rank > best[0]:
            best = (rank, cand)
    return best[1] if best else None


def search_queries(movie: MovieTitle) -> list[str]:
    """Queries to try in order: ``"<title> <year>"``, then each alternate title with the year."""
    suffix = f" {movie.year}" if movie.year else ""
    queries = [f"{name}{suffix}" for name in movie.names]
    return list(dict.fromkeys(queries))
