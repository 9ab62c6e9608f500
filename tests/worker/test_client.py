"""The Douban HTTP client against the local fake Douban, with the real Redis as its gate."""
from __future__ import annotations

import threading
import time

import pytest
from movrec.dataset import parse_title

from webapp.douban.gate import RedisGate
from webapp.douban.settings import DoubanSettings
from worker.client import DoubanClient, Postpone, SubjectUnavailable, Transient
from worker.douban import Blocked
from worker.lookup import fetch_poster, find
from worker.posters import MAX_BYTES


@pytest.fixture
def gate(redis_url):
    return RedisGate(redis_url)


def make_client(fake, gate, **overrides) -> DoubanClient:
    options = dict(search_url=f"{fake.url}/search", suggest_url=f"{fake.url}/j/subject_suggest",
                   subject_url=f"{fake.url}/subject/", min_interval=0.05, image_min_interval=0.05, jitter=0,
                   circuit_seconds=1.0, timeout=1.0, max_wait=5, image_hosts="doubanio.com,127.0.0.1")
    settings = DoubanSettings(**{**options, **overrides})
    return DoubanClient(settings, gate)


class WatchedGate:
    """The real gate, noting when it refused a permission (the process then waits for its slot)."""

    def __init__(self, gate):
        self.gate, self.refused = gate, threading.Event()

    def __getattr__(self, name):
        return getattr(self.gate, name)

    def try_acquire(self, bucket: str, step: float) -> float:
        wait = self.gate.try_acquire(bucket, step)
        if wait:
            self.refused.set()
        return wait


def test_search_sends_browser_headers_and_parses(fake, gate):
    records = make_client(fake, gate).search("Toy Story 1995")
    assert [r.douban_id for r in records] == ["1291575", "1291576"]
    [request] = fake.requests("/search")
    assert request["query"] == {"cat": "1002", "q": "Toy Story 1995"}
    assert "Chrome/" in request["user_agent"] and request["referer"] == "https://www.douban.com/"


def test_login_cookie_from_configuration_is_sent(fake, gate):
    make_client(fake, gate, cookie="abc:123").suggest("Fargo")
    assert "dbcl2=abc:123" in fake.requests("/j/subject_suggest")[0]["cookie"]


def test_find_completes_the_match_from_the_recorded_subject_page(fake, gate):
    record = find(make_client(fake, gate), parse_title("Inception (2010)"))
    assert (record.douban_id, record.title, record.votes, record.rating) == ("3541415", "盗梦空间", 1970885, 9.4)
    assert (record.imdb_id, record.kind, record.aka[:2]) == ("tt1375666", "movie", ("潜行凶间(港)", "全面启动(台)"))
    assert [r["path"] for r in fake.requests()] == ["/search", "/subject/3541415/"]


def test_without_subject_pages_the_search_result_stands(fake, gate):
    record = find(make_client(fake, gate, fetch_subject=False), parse_title("Inception (2010)"))
    assert (record.douban_id, record.imdb_id, record.kind) == ("3541415", None, None)
    assert [r["path"] for r in fake.requests()] == ["/search"]


def test_find_falls_back_to_suggest_and_reports_not_found(fake, gate):
    client = make_client(fake, gate)
    assert find(client, parse_title("Nothing Like This On Douban (1971)")) is None
    paths = [r["path"] for r in fake.requests()]
    assert paths == ["/search", "/j/subject_suggest"]


def test_find_uses_the_alternate_title(fake, gate):
    record = find(make_client(fake, gate), parse_title("Postman, The (Postino, Il) (1994)"))
    assert record.douban_id == "1300001"
    assert [r["query"]["q"] for r in fake.requests("/search")] == ["The Postman 1994", "Il Postino 1994"]


def test_poster_is_fetched_in_large_size_with_referer_and_stored(fake, gate, tmp_path):
    client = make_client(fake, gate)
    record = find(client, parse_title("Toy Story (1995)"))
    path, error = fetch_poster(client, str(tmp_path), 1, record)
    assert (path, error) == ("1.jpg", None)
    assert (tmp_path / "1.jpg").read_bytes()[:3] == b"\xff\xd8\xff"
    [image] = fake.requests("/img")
    assert "/view/photo/l/public/" in image["path"] and image["referer"] == "https://movie.douban.com/"


def test_a_non_image_poster_is_refused(fake, gate, tmp_path):
    client = make_client(fake, gate)
    record = find(client, parse_title("Toy Story (1995)"))
    fake.set_mode(garbage=True, paths=["/img"])
    path, error = fetch_poster(client, str(tmp_path), 1, record)
    assert path is None and error.startswith("NotAnImage") and not list(tmp_path.iterdir())


@pytest.mark.parametrize("mode", [{"status": 403}, {"status": 418}, {"status": 429}, {"sec_redirect": True},
                                  {"throttle": True}], ids=lambda m: next(iter(m)) + str(next(iter(m.values()))))
def test_blocks_open_the_circuit_and_later_requests_are_postponed(fake, gate, mode):
    client = make_client(fake, gate)
    fake.set_mode(**mode)
    with pytest.raises(Blocked):
        client.search("Toy Story 1995")
    assert gate.circuit("douban").is_open
    with pytest.raises(Postpone) as postponed:
        client.suggest("Toy Story")
    assert 0 < postponed.value.seconds <= 1.0
    assert len(fake.requests()) == 1  # nothing was sent while the circuit was open
    fake.set_mode()
    time.sleep(1.05)
    assert client.suggest("Toy Story")  # closed again by itself


def test_server_errors_and_timeouts_are_transient(fake, gate):
    client = make_client(fake, gate)
    fake.set_mode(status=500, times=1)
    with pytest.raises(Transient, match="HTTP 500"):
        client.search("Toy Story 1995")
    fake.set_mode(delay=1.5, times=1)
    with pytest.raises(Transient, match="timeout"):
        client.search("Toy Story 1995")
    assert not gate.circuit("douban").is_open
    assert client.search("Toy Story 1995")


def test_subject_challenge_is_solved_once_per_session(fake, gate):
    fake.challenge = True
    client = make_client(fake, gate)
    assert client.subject("3541415").votes == 1970885
    assert client.subject("1291575").title == "玩具总动员"
    paths = [(r["method"], r["path"]) for r in fake.requests()]
    assert paths == [("GET", "/subject/3541415/"), ("GET", "/c"), ("POST", "/c"), ("GET", "/subject/3541415/"),
                     ("GET", "/subject/1291575/")]


def test_unsolvable_challenge_pauses_subject_pages_without_failing_the_lookup(fake, gate, monkeypatch):
    fake.challenge = True
    monkeypatch.setattr("worker.challenge.MAX_TRIES", 1)  # every solve attempt gives up at once
    client = make_client(fake, gate)
    record = find(client, parse_title("Toy Story (1995)"))
    assert (record.douban_id, record.votes, record.imdb_id) == ("1291575", 1200000, None)  # the search's word
    assert gate.circuit("subject").is_open and not gate.circuit("douban").is_open
    with pytest.raises(SubjectUnavailable):
        client.subject("1291575")


def test_requests_are_spaced_by_the_minimum_interval(fake, gate):
    client = make_client(fake, gate, min_interval=0.2)
    for query in ("Toy Story", "Fargo", "Inception"):
        client.suggest(query)
    stamps = [r["t"] for r in fake.requests()]
    assert min(b - a for a, b in zip(stamps, stamps[1:])) >= 0.2 - 0.02


def test_challenge_fields_by_id_are_read_and_solved(fake, gate):
    fake.challenge, fake.challenge_by_id = True, True
    assert make_client(fake, gate).subject("3541415").votes == 1970885
    assert [r["method"] for r in fake.requests("/c")] == ["GET", "POST"]


def test_a_difficulty_beyond_reach_pauses_subject_pages_without_posting(fake, gate):
    fake.challenge, fake.challenge_difficulty = True, 9
    with pytest.raises(SubjectUnavailable, match="difficulty '9' refused"):
        make_client(fake, gate).subject("3541415")
    assert gate.circuit("subject").is_open and [r["method"] for r in fake.requests("/c")] == ["GET"]


def test_a_challenged_search_page_is_answered_then_searched_again(fake, gate):
    fake.challenge, fake.challenge_paths = True, ("/search",)
    records = make_client(fake, gate).search("Toy Story 1995")
    assert [r.douban_id for r in records] == ["1291575", "1291576"]
    paths = [(r["method"], r["path"]) for r in fake.requests()]
    assert paths == [("GET", "/search"), ("GET", "/c"), ("POST", "/c"), ("GET", "/search")]
    assert fake.requests("/search")[1]["query"] == {"cat": "1002", "q": "Toy Story 1995"}


def test_an_unpassable_challenge_on_the_search_page_is_a_block(fake, gate):
    fake.challenge, fake.challenge_paths, fake.challenge_difficulty = True, ("/search",), 9
    with pytest.raises(Blocked, match="difficulty"):
        make_client(fake, gate).search("Toy Story 1995")
    assert gate.circuit("douban").is_open


def test_connection_failures_in_a_row_open_the_circuit_for_every_worker(fake, gate):
    fake.stop()  # nothing listens on the port any more: the site is offline
    first, second = make_client(fake, gate, circuit_seconds=30), make_client(fake, gate, circuit_seconds=30)
    for _ in range(2):
        with pytest.raises(Transient, match="ConnectionError"):
            first.search("Toy Story 1995")
    with pytest.raises(Postpone, match="offline: 3 connection failures in a row") as postponed:
        first.search("Toy Story 1995")
    assert postponed.value.seconds == 30
    circuit = gate.circuit("douban")
    assert circuit.is_open and circuit.reason.startswith("offline: 3 connection failures in a row, the last "
                                                         "ConnectionError")
    with pytest.raises(Postpone, match="circuit douban open: offline"):
        second.suggest("Toy Story")  # another worker pauses too, without trying


def test_server_errors_are_answers_not_connection_failures(fake, gate):
    client = make_client(fake, gate)
    fake.set_mode(status=500)
    for _ in range(5):
        with pytest.raises(Transient, match="HTTP 500"):
            client.search("Toy Story 1995")
    assert not gate.circuit("douban").is_open


def test_a_worker_waiting_for_its_slot_checks_the_circuit_again_before_sending(fake, gate):
    """Two workers at a 1 s step: the second waits for its slot; a block meanwhile must stop it."""
    watched = WatchedGate(gate)
    first, second = make_client(fake, gate, min_interval=1.0), make_client(fake, watched, min_interval=1.0)
    first.search("Toy Story 1995")
    outcome = {}

    def wait_and_search():
        try:
            second.search("Fargo 1996")
        except Postpone as exc:
            outcome["postponed"] = str(exc)

    waiter = threading.Thread(target=wait_and_search)
    waiter.start()
    assert watched.refused.wait(10)  # the second one was told to wait for its slot ...
    gate.open_circuit("douban", 30, "HTTP 403 from /search")  # ... and the circuit opens meanwhile
    waiter.join(10)
    assert outcome == {"postponed": "circuit douban open: HTTP 403 from /search"}
    assert len(fake.requests("/search")) == 1


def test_posters_come_only_from_the_configured_hosts(fake, gate, tmp_path):
    client = make_client(fake, gate, image_hosts="doubanio.com")
    record = find(make_client(fake, gate, fetch_subject=False), parse_title("Toy Story (1995)"))
    path, error = fetch_poster(client, str(tmp_path), 1, record)
    assert path is None and error == "Refused: poster host '127.0.0.1' is not one of DOUBAN_IMAGE_HOSTS"
    assert fake.requests("/img") == []
    settings = DoubanSettings(image_hosts="doubanio.com, example.org")
    assert settings.image_host_allowed("img9.doubanio.com") and settings.image_host_allowed("example.org")
    assert not settings.image_host_allowed("doubanio.com.evil.net") and not settings.image_host_allowed("xdoubanio.com")


def test_the_poster_size_cap_is_enforced_while_reading(fake, gate, tmp_path):
    client = make_client(fake, gate)
    record = find(client, parse_title("Toy Story (1995)"))
    fake.endless_poster = True  # a body that never ends: only a cap checked while reading stops it
    path, error = fetch_poster(client, str(tmp_path), 1, record)
    assert path is None and error == f"Refused: poster larger than {MAX_BYTES} bytes"
    assert not list(tmp_path.iterdir())
