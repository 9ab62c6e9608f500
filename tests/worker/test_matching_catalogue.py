"""The whole MovieLens 1M catalogue as its own trap: with every other ML-1M movie as a Douban candidate (its
title as the original title, its year), no movie may take another's entry on titles and years alone.
Before issue 13, 15 movies did (Fear / The Fear, Boys / Les Boys, sequels a year apart ...)."""
from __future__ import annotations

from collections import defaultdict

import pytest
from movrec.dataset import parse_title

from worker.douban import DoubanRecord
from worker.matching import title_matches

pytestmark = pytest.mark.slow  # 3,883 movies against their neighbours in time: about a minute

# Films MovieLens 1M lists twice under different ids (the same film: taking the other's entry is right).
LISTED_TWICE = {frozenset({"Bewegte Mann, Der (1994)", "Maybe, Maybe Not (Bewegte Mann, Der) (1994)"}),
                frozenset({"Callejón de los milagros, El (1995)", "Midaq Alley (Callejón de los milagros, El) (1995)"})}


def test_no_ml1m_movie_takes_another_ones_entry(shared_data):
    movies = {}
    for line in (shared_data / "ml-1m" / "movies.dat").read_text(encoding="latin-1").splitlines():
        movie_id, raw, _ = line.split("::")
        movies[movie_id] = (raw, parse_title(raw))
    by_year = defaultdict(list)
    for movie_id, (raw, title) in movies.items():
        by_year[title.year].extend(DoubanRecord(movie_id, "片名", name, title.year, None, None) for name in title.names)
    taken = []
    for movie_id, (raw, title) in movies.items():
        others = [c for year in (title.year - 1, title.year, title.year + 1) for c in by_year[year]
                  if c.douban_id != movie_id]
        taken += [(raw, movies[c.douban_id][0]) for c in title_matches(title, others)
                  if frozenset({raw, movies[c.douban_id][0]}) not in LISTED_TWICE]
    assert len(movies) == 3883 and taken == []
