"""The matching table (``matching_table.yaml``): MovieLens titles against realistic Douban candidates, looked up
through the real client, parsers and matching against the fake Douban, which serves the candidates as search
pages, suggest JSON and subject pages in the recorded formats. Every case is a test; the last test counts the
outcomes (``pytest tests/worker/test_matching_table.py -s`` prints right / wrong / not_found)."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml
from movrec.dataset import parse_title

from tests.services import private_redis
from tests.worker.fake_douban import Entry, FakeDouban
from webapp.douban.gate import RedisGate
from webapp.douban.settings import DoubanSettings
from worker.client import DoubanClient
from worker.lookup import find

TABLE = Path(__file__).with_name("matching_table.yaml")
CASES = yaml.safe_load(TABLE.read_text(encoding="utf-8"))
NOT_FOUND = "not_found"
_outcomes: dict[int, str] = {}  # case index -> outcome, so the count does not look every case up twice


def entry(candidate: dict) -> Entry:
    """A candidate of the table as the fake Douban's entry (ratings and votes do not matter here)."""
    return Entry(candidate["id"], candidate["title"], candidate.get("original", candidate["title"]),
                 candidate["year"], 8.0, 1000, kind=candidate.get("kind", "movie"),
                 aka=tuple(candidate.get("aka", ())), imdb=candidate.get("imdb"),
                 release_dates=tuple(candidate.get("release", ())), label=candidate.get("label", ""))


@pytest.fixture(scope="module")
def table_client():
    """``(fake, client)``: one fake Douban and one client (20 ms between requests) for the whole table."""
    fake = FakeDouban().start()
    with private_redis() as url:
        settings = DoubanSettings(search_url=f"{fake.url}/search", suggest_url=f"{fake.url}/j/subject_suggest",
                                  subject_url=f"{fake.url}/subject/", min_interval=0.02, jitter=0, timeout=5)
        yield fake, DoubanClient(settings, RedisGate(url))
    fake.stop()


def outcome(fake: FakeDouban, client: DoubanClient, case: dict) -> str:
    """The Douban id the lookup ends with for this case, or ``not_found``."""
    entries = [entry(c) for c in case["candidates"]]
    by_id = {e.douban_id: e for e in entries}
    fake.reset()
    fake.catalog = entries
    fake.search_results = [by_id[i] for i in case.get("search", by_id)]
    fake.suggest_results = [by_id[i] for i in case.get("suggest", by_id)]
    record = find(client, parse_title(case["movie"]), case.get("imdb"))
    return NOT_FOUND if record is None else record.douban_id


def test_the_table_is_large_and_varied_enough():
    expected = Counter(NOT_FOUND if case["expect"] == NOT_FOUND else "found" for case in CASES)
    assert len(CASES) >= 60 and expected[NOT_FOUND] >= 15 and expected["found"] >= 45
    assert len({case["movie"] for case in CASES}) >= 60
    for case in CASES:
        assert case["expect"] == NOT_FOUND or case["expect"] in {c["id"] for c in case["candidates"]}, case


@pytest.mark.parametrize("index", range(len(CASES)), ids=[f"{c['movie']}->{c['expect']}" for c in CASES])
def test_case(table_client, index):
    fake, client = table_client
    _outcomes[index] = outcome(fake, client, CASES[index])
    assert _outcomes[index] == CASES[index]["expect"], CASES[index].get("note", "")


def test_counts(table_client):
    """The whole table at once: right, wrong (another film than expected) and not_found, printed."""
    fake, client = table_client
    tally = Counter()
    for index, case in enumerate(CASES):
        found = _outcomes[index] if index in _outcomes else outcome(fake, client, case)
        if found == case["expect"]:
            tally["right"] += 1
        elif found == NOT_FOUND:
            tally["missed (not_found where a film was expected)"] += 1
        else:
            tally["wrong"] += 1
        tally[NOT_FOUND if found == NOT_FOUND else "found"] += 1
    print(f"\nmatching table, {len(CASES)} cases: right {tally['right']}, wrong {tally['wrong']}, "
          f"not_found {tally[NOT_FOUND]} (of which missed {tally['missed (not_found where a film was expected)']}), "
          f"found {tally['found']}")
    assert tally["wrong"] == 0 and tally["right"] == len(CASES)
