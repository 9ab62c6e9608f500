"""Search queries for a MovieLens title, and picking the Douban candidate that is the same film.

Titles are parsed by ``movrec.dataset.parse_title``, the parser the site's catalogue uses, so the site and
the search read a title alike (``Postino, Il (The Postman) (1994)`` -> ``Il Postino``, alternate
``The Postman``, 1994). Matching is deliberately strict: a wrong match is worse than ``not_found``.
"""
from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from typing import Iterable

from movrec.dataset import ARTICLES, MovieTitle

from worker.douban import DoubanRecord

_SIMILAR_ENOUGH = 0.9


def match_key(name: str) -> str:
    """Lower-case, accents folded, punctuation dropped, ``&`` read as ``and``: the form titles are compared in."""
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    folded = folded.replace("&", " and ")
    folded = re.sub(r"[^\w\s]", " ", folded)
    return " ".join(folded.split())


# The articles as they read in a match key ("l'" is "l" once punctuation is dropped).
_ARTICLE_KEYS = frozenset(match_key(article) for article in ARTICLES)


def _without_article(key: str) -> str:
    first, _, rest = key.partition(" ")
    return rest if rest and first in _ARTICLE_KEYS else key


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
