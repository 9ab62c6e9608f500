"""The lookup's use of subject pages: series refused, candidates confirmed, pages read at most once and a few
per lookup; against the fake Douban (recorded pages and pages built in their format), Redis as the gate."""
from __future__ import annotations

import pytest
from movrec.dataset import MovieTitle, parse_title

from tests.worker.fake_douban import Entry
from tests.worker.test_client import make_client
from webapp.douban.gate import RedisGate
from worker.lookup import MAX_SUBJECT_PAGES, find


@pytest.fixture
def gate(redis_url):
    return RedisGate(redis_url)


def serve(fake, *entries: Entry) -> None:
    """Every search and suggestion answers with ``entries``; their subject pages are served."""
    fake.catalog = list(entries)
    fake.search_results = fake.suggest_results = list(entries)


def subject_paths(fake) -> list[str]:
    return [r["path"] for r in fake.requests("/subject/")]


def test_a_series_the_search_page_calls_a_film_is_refused_on_its_recorded_subject_page(fake, gate):
    """The recorded search page shows the drama 逃げるは恥だが役に立つ as [电影]; its recorded page says series."""
    movie = MovieTitle("逃避可耻却有用", ("逃げるは恥だが役に立つ",), 2016)
    assert find(make_client(fake, gate), movie) is None
    assert "/subject/26816519/" in subject_paths(fake)


def test_a_same_year_film_is_confirmed_by_the_imdb_id_alone(fake, gate):
    serve(fake, Entry("9700001", "这个杀手不太冷", "Léon", 1994, 9.4, 10, imdb="tt0110413"))
    movie = parse_title("Professional, The (a.k.a. Leon: The Professional) (1994)")
    assert find(make_client(fake, gate), movie) is None  # no 又名 list, and the catalogue knows no IMDb id
    record = find(make_client(fake, gate), movie, imdb_id="tt0110413")
    assert (record.douban_id, record.imdb_id) == ("9700001", "tt0110413")


def test_subject_pages_are_read_once_each_and_a_few_per_lookup(fake, gate):
    others = [Entry(f"97001{n:02d}", f"别的电影{n}", f"别的电影{n}", 1993, 7.0, 10, aka=("Something Else",))
              for n in range(6)]
    serve(fake, *others)
    assert find(make_client(fake, gate), parse_title("Farewell My Concubine (1993)")) is None
    assert len(fake.requests("/search")) == 1 and len(fake.requests("/j/subject_suggest")) == 1
    paths = subject_paths(fake)
    assert len(paths) == MAX_SUBJECT_PAGES == len(set(paths))


def test_a_removed_subject_drops_its_candidate(fake, gate):
    gone = Entry("9700201", "玩具总动员", "Toy Story", 1995, 8.7, 10)
    serve(fake, gone)
    fake.catalog = []  # its subject page is "页面不存在"
    assert find(make_client(fake, gate), parse_title("Toy Story (1995)")) is None


def test_a_film_a_year_off_needs_its_subject_page(fake, gate):
    serve(fake, Entry("9700301", "哈姆雷特", "Hamlet", 1991, 8.0, 10, release_dates=("1990-12-19(美国)",)))
    movie = parse_title("Hamlet (1990)")
    assert find(make_client(fake, gate, fetch_subject=False), movie) is None
    assert find(make_client(fake, gate), movie).douban_id == "9700301"
    fake.challenge = True  # subject pages behind a challenge that cannot be passed: nothing confirms the year
    fake.challenge_difficulty = 9
    assert find(make_client(fake, gate), movie) is None


def test_an_unreadable_search_page_goes_straight_to_the_suggestions(fake, gate):
    fake.set_mode(garbage=True, paths=["/search"])
    record = find(make_client(fake, gate), parse_title("Postino, Il (The Postman) (1994)"))
    assert record.douban_id == "1300001"
    assert [r["path"] for r in fake.requests() if not r["path"].startswith("/subject/")] == \
        ["/search", "/j/subject_suggest"]
