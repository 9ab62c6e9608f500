"""Comparing a MovieLens title with a Douban title: how closely they agree, sequel numbers read as numbers.

``compare`` says whether two titles are the same words (:data:`EXACT`), the same once a leading article is
dropped (:data:`ARTICLE`: "Fear" and "The Fear"; not two different articles: "Les Boys" is not "The Boys"),
merely similar (:data:`FUZZY`), or different (``None``).
Titles whose sequel numbers differ are always different: "Part II" is "Part 2" and never "Part III".
"""
from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from enum import IntEnum
from functools import lru_cache
from typing import Iterable

from movrec.dataset import ARTICLES

SIMILAR_ENOUGH = 0.9
_ROMAN = re.compile(r"^(?=[ivx])(x{0,3})(ix|iv|v?i{0,3})$")  # 1 to 39: sequels, episodes, parts
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10}


class Agreement(IntEnum):
    """How two titles agree, weakest first."""

    FUZZY = 1
    ARTICLE = 2
    EXACT = 3


EXACT, ARTICLE, FUZZY = Agreement.EXACT, Agreement.ARTICLE, Agreement.FUZZY


def match_key(name: str) -> str:
    """Lower-case, accents folded, punctuation dropped, ``&`` read as ``and``: the form titles are compared in."""
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    folded = folded.replace("&", " and ")
    folded = re.sub(r"[^\w\s]", " ", folded)
    return " ".join(folded.split())


# The articles as they read in a match key ("l'" is "l" once punctuation is dropped).
_ARTICLE_KEYS = frozenset(match_key(article) for article in ARTICLES)


def without_article(key: str) -> str:
    """A match key without its leading article (``the fear`` -> ``fear``)."""
    first, _, rest = key.partition(" ")
    return rest if rest and first in _ARTICLE_KEYS else key


def sequel_numbers(key: str) -> list[int]:
    """The numbers in a match key, Arabic or Roman, sorted: ``rocky ii`` -> [2], ``part 3`` -> [3]."""
    return sorted(int(d) for d in re.findall(r"\d+", _arabic(key)))


@lru_cache(maxsize=8192)
def _compared_key(name: str) -> str:
    """The match key with Roman numerals in digits, kept for names seen again (a lookup compares each often)."""
    return _arabic(match_key(name))


def _arabic(key: str) -> str:
    """A match key with its Roman numerals written in digits (``part ii`` -> ``part 2``).

    A lone ``i`` in front is a word ("I Shot Andy Warhol", Italian "i"), not a number.
    """
    words = key.split()
    return " ".join(str(_roman_value(w)) if _ROMAN.match(w) and not (w == "i" and n == 0) else w
                    for n, w in enumerate(words))


def _roman_value(word: str) -> int:
    values = [_ROMAN_VALUES[ch] for ch in word]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def compare(name: str, candidate: str) -> Agreement | None:
    """How the title ``candidate`` agrees with ``name`` (see the module's docstring)."""
    key, cand = _compared_key(name), _compared_key(candidate)
    if not key or not cand:
        return None
    if key == cand:
        return EXACT
    if sequel_numbers(key) != sequel_numbers(cand):
        return None  # "Scream 2" is never "Scream 3", however similar the letters
    bare_key, bare_cand = without_article(key), without_article(cand)
    if bare_key == bare_cand:
        return ARTICLE if bare_key == key or bare_cand == cand else None
    if 2 * min(len(bare_key), len(bare_cand)) < SIMILAR_ENOUGH * (len(bare_key) + len(bare_cand)):
        return None  # the lengths alone bound the ratio below the threshold
    similar = SequenceMatcher(None, bare_key, bare_cand)
    return FUZZY if similar.quick_ratio() >= SIMILAR_ENOUGH and similar.ratio() >= SIMILAR_ENOUGH else None


def best_agreement(names: Iterable[str], candidates: Iterable[str]) -> Agreement | None:
    """The closest agreement between any of ``names`` and any of ``candidates``."""
    found = [compare(name, cand) for name in names for cand in candidates]
    return max((a for a in found if a is not None), default=None)
