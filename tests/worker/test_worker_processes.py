"""End to end: real ``celery -A worker.make_celery worker`` processes, the real Redis and PostgreSQL (or SQLite and
Kombu's SQLAlchemy broker), and the fake Douban on loopback."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.worker_setup import app_from_env, worker_env
from tests.worker.processes import REPO, BeatProcess, WorkerProcess, wait_until
from webapp.extensions import db
from webapp.models import MovieInfo
from webapp.douban.gate import gate_for
from webapp.douban.enqueue import request_info

pytestmark = pytest.mark.slow
FLASK = str(Path(sys.executable).with_name("flask"))


@pytest.fixture
def workers(tmp_path):
    """Start worker processes with ``start(env, name)``; all are killed at the end, whatever happened."""
    started: list[WorkerProcess] = []

    def start(env: dict, name: str = "w1") -> WorkerProcess:
        worker = WorkerProcess(env, tmp_path / f"{name}.log", name)
        started.append(worker)
        return worker.start()

    yield start
    for worker in started:
        worker.stop()
        print(f"---- {worker.name} log (tail) ----\n{worker.log_path.read_text(errors='replace')[-4000:]}")


@pytest.fixture
def redis_setup(fake, tmp_path, redis_url, pg_url):
    """``(env, app)`` for the production-like set-up: PostgreSQL, Redis broker and gate."""
    env = worker_env(pg_url, fake, tmp_path, redis_url)
    app = app_from_env(env, tmp_path)
    yield env, app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def rows(app) -> dict[int, MovieInfo]:
    with app.app_context():
        db.session.expire_all()
        infos = db.session.scalars(select(MovieInfo)).all()
        db.session.expunge_all()
        return {i.movie_id: i for i in infos}


def settled(app, movie_ids, statuses=("ok", "not_found", "error")):
    """A predicate: every movie has a row in one of ``statuses`` and is no longer queued."""
    def check():
        current = rows(app)
        return all(m in current and current[m].status in statuses and current[m].queued_at is None
                   for m in movie_ids) and current
    return check


def enqueue(app, movie_ids, interactive=True):
    with app.test_request_context():
        return request_info(movie_ids, interactive=interactive)


def test_rows_end_ok_or_not_found_posters_stored_and_the_cli_enqueues(redis_setup, workers, fake, tmp_path):
    env, app = redis_setup
    workers(env)
    assert enqueue(app, [1, 6]) == [1, 6]
    assert enqueue(app, [1, 6]) == []  # pending: not queued twice
    result = subprocess.run([FLASK, "--app", "webapp", "movrec", "scrape", "--movie", "2"], cwd=REPO,
                            env={**os.environ, **env}, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "queued 1 of 1" in result.stdout, result.stderr
    done = wait_until(settled(app, [1, 2, 6]), 30, message="three rows settled")
    toy, inception, unknown = done[1], done[2], done[6]
    assert (toy.status, toy.douban_id, toy.title_zh, toy.original_title) == ("ok", "1291575", "玩具总动员", "Toy Story")
    assert (inception.title_zh, inception.douban_rating, inception.douban_votes) == ("盗梦空间", 9.4, 1970885)
    for info in (toy, inception):
        assert (Path(env["POSTER_DIR"]) / info.poster_path).read_bytes()[:3] == b"\xff\xd8\xff"
        assert info.attempts == 0 and info.fetched_at is not None and info.last_error is None
    assert unknown.status == "not_found" and unknown.attempts == 1 and unknown.next_attempt_at > unknown.updated_at
    assert enqueue(app, [1, 2, 6]) == []  # settled rows are not due again yet


def test_garbage_is_an_error_with_the_parse_failure_recorded(redis_setup, workers, fake):
    env, app = redis_setup
    fake.set_mode(garbage=True, paths=["/search", "/j/"])
    workers(env)
    enqueue(app, [3])
    info = wait_until(settled(app, [3]), 30, message="row settled")[3]
    assert info.status == "error" and "ParseError" in info.last_error and "search page" in info.last_error
    assert info.attempts == 1 and info.next_attempt_at is not None


def test_server_errors_are_retried_with_growing_delays(redis_setup, workers, fake):
    env, app = redis_setup
    fake.set_mode(status=500, times=3, paths=["/search"])
    workers(env)
    enqueue(app, [1])
    info = wait_until(settled(app, [1]), 30, message="row settled")[1]
    assert info.status == "ok" and info.attempts == 0
    searches = [r["t"] for r in fake.requests("/search")]
    assert len(searches) == 4  # three 500s, then the answer
    gaps = [b - a for a, b in zip(searches, searches[1:])]
    assert gaps[0] >= 0.3 and gaps[1] >= 0.6 and gaps[2] >= 1.2, gaps  # Celery retries, base DOUBAN_MIN_INTERVAL


def test_a_block_opens_the_circuit_and_the_task_is_postponed_not_failed(redis_setup, workers, fake):
    env, app = redis_setup
    fake.set_mode(status=403, times=1, paths=["/search"])
    workers(env)
    enqueue(app, [1])
    with app.app_context():
        gate = gate_for(app)
        wait_until(lambda: gate.circuit("douban").is_open, 20, message="the circuit to open")
        assert rows(app)[1].status == "pending"  # postponed, not failed
        wait_until(lambda: not gate.circuit("douban").is_open, 10, message="the circuit to close")
    info = wait_until(settled(app, [1]), 30, message="row settled")[1]
    assert info.status == "ok"
    blocked, retried = fake.requests("/search")[:2]
    assert retried["t"] - blocked["t"] >= float(env["DOUBAN_CIRCUIT_SECONDS"])  # nothing was sent meanwhile


def test_two_workers_together_never_exceed_the_rate_limit(redis_setup, workers, fake):
    env, app = redis_setup
    workers(env, "w1")
    workers(env, "w2")
    films = list(range(101, 109))
    enqueue(app, films)
    done = wait_until(settled(app, films), 60, message="eight rows settled")
    assert {done[m].status for m in films} == {"ok"}
    pages = sorted(r["t"] for r in fake.requests() if not r["path"].startswith("/img"))
    images = sorted(r["t"] for r in fake.requests("/img"))
    assert len(pages) == 16 and len(images) == 8  # a search and a subject page per film, and its poster
    for stamps, interval in ((pages, float(env["DOUBAN_MIN_INTERVAL"])), (images, float(env["DOUBAN_IMAGE_MIN_INTERVAL"]))):
        gaps = [b - a for a, b in zip(stamps, stamps[1:])]
        assert min(gaps) >= interval - 0.03, gaps  # 30 ms of slack for the fake's own timestamping


def test_a_worker_killed_mid_task_leaves_it_to_be_redone_once(redis_setup, workers, fake, tmp_path):
    env, app = redis_setup
    fake.set_mode(delay=30, paths=["/search"], times=1)  # the first search hangs until the worker is gone
    env = {**env, "DOUBAN_TIMEOUT": "60"}
    first = workers(env, "doomed")
    enqueue(app, [1])
    wait_until(lambda: fake.requests("/search"), 20, message="the first search")
    first.kill()
    workers(env, "heir")
    info = wait_until(settled(app, [1]), 40, message="the task redone")[1]
    assert info.status == "ok" and info.poster_path == "1.jpg"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(MovieInfo).where(MovieInfo.movie_id == 1)) == 1
    assert len(fake.requests("/search")) == 2
    assert sorted(p.name for p in Path(env["POSTER_DIR"]).iterdir()) == ["1.jpg"]  # no partial files left


def test_embedded_setup_sqlite_broker_and_database_gate(fake, tmp_path, workers):
    env = worker_env(f"sqlite:///{tmp_path / 'movrec.sqlite'}", fake, tmp_path, None,
                     CELERY_BROKER_URL=f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}")
    app = app_from_env(env, tmp_path)
    workers(env)
    enqueue(app, [1, 6])
    done = wait_until(settled(app, [1, 6]), 40, message="rows settled")
    assert (done[1].status, done[1].title_zh, done[6].status) == ("ok", "玩具总动员", "not_found")
    with app.app_context():
        assert gate_for(app).rate("pages").count >= 3  # the requests went through the database gate


def test_movies_someone_is_looking_at_go_first(redis_setup, workers, fake):
    env, app = redis_setup
    backfill, interactive = [101, 102, 103], [104, 105]
    enqueue(app, backfill, interactive=False)
    enqueue(app, interactive, interactive=True)
    workers(env)
    wait_until(settled(app, backfill + interactive), 40, message="rows settled")
    order = [r["query"]["q"] for r in fake.requests("/search")]
    assert order[:2] == ["Test Film 4 2000", "Test Film 5 2000"], order


def test_beat_backfills_the_catalogue_on_its_own(redis_setup, workers, fake, tmp_path):
    env, app = redis_setup
    env = {**env, "DOUBAN_BACKFILL_EVERY": "1", "DOUBAN_BACKFILL_PER_RUN": "2"}
    workers(env)
    beat = BeatProcess(env, tmp_path)
    try:
        beat.start()
        done = wait_until(settled(app, [1, 3]), 30, message="the two most rated movies backfilled")
    finally:
        beat.stop()
    assert done[1].status == "ok" and done[3].title_zh == "肖申克的救赎"


def test_offline_opens_the_circuit_and_the_worker_says_why_it_waits(redis_setup, workers, fake, tmp_path):
    env, app = redis_setup
    fake.stop()  # Douban unreachable
    env = {**env, "DOUBAN_CIRCUIT_SECONDS": "60"}
    worker = workers(env)
    enqueue(app, [1])
    with app.app_context():
        gate = gate_for(app)
        circuit = wait_until(lambda: gate.circuit("douban").is_open and gate.circuit("douban"), 30,
                             message="the circuit to open")
    assert circuit.reason.startswith("offline: 3 connection failures in a row, the last ConnectionError")
    log = wait_until(lambda: "postponed" in worker.log_path.read_text() and worker.log_path.read_text(), 10,
                     message="the postponement in the log")
    assert "retried in" in log and "ConnectionError" in log  # each retry says why
    assert "postponed" in log and "offline: 3 connection failures" in log
    assert rows(app)[1].status == "pending" and rows(app)[1].last_error.startswith("ConnectionError")
