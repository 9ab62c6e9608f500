"""``movie_info`` bookkeeping (upserts, retry schedule) and the tasks' outcomes, on SQLite and PostgreSQL."""
from __future__ import annotations

import dataclasses
import logging
from datetime import timedelta

import redis
from sqlalchemy import select

from tests.worker_setup import RECORD, app_from_env, info, worker_env
from webapp.douban.gate import gate_for
from webapp.extensions import db
from webapp.models import MovieInfo, as_utc, utcnow
from worker import cache


def test_failures_back_off_with_growing_delays(worker_app):
    gaps = []
    for _ in range(3):
        before = utcnow()
        cache.record_failure(1, "error", "HTTP 500", refresh_days=30)
        gaps.append(as_utc(info(1).next_attempt_at) - before)
    assert info(1).attempts == 3 and info(1).status == "error" and info(1).last_error == "HTTP 500"
    assert [round(g / timedelta(hours=1)) for g in gaps] == [1, 2, 4]
    cache.record_failure(2, "not_found", "no match", refresh_days=30)
    cache.record_failure(2, "not_found", "no match", refresh_days=30)
    assert round((as_utc(info(2).next_attempt_at) - utcnow()) / timedelta(days=1)) == 2
    assert cache.retry_delay("not_found", 40, refresh_days=30) == timedelta(days=30)  # capped


def test_scraped_text_is_stored_without_control_characters(worker_app):
    """A NUL in a scraped title or error reason (which PostgreSQL refuses in text) is dropped, not a failed write;
    markup is kept as text, for the pages to escape."""
    record = dataclasses.replace(RECORD, title="玩具\x00总动员<script>x</script>", original_title="Toy\x07 Story\x00")
    cache.record_ok(1, record, None, None, refresh_days=30)
    assert (info(1).status, info(1).title_zh, info(1).original_title) == \
        ("ok", "玩具总动员<script>x</script>", "Toy Story")
    cache.record_failure(2, "error", "ParseError: unexpected \x00 in 'a\x1bb'", refresh_days=30)
    assert (info(2).status, info(2).last_error) == ("error", "ParseError: unexpected  in 'ab'")


def test_ok_upsert_is_idempotent_and_a_failed_refresh_keeps_the_info(worker_app):
    cache.record_failure(1, "error", "HTTP 500", refresh_days=30)
    cache.record_ok(1, RECORD, "1.jpg", None, refresh_days=30)
    first = info(1)
    assert (first.status, first.title_zh, first.douban_votes, first.poster_path, first.attempts) == \
        ("ok", "玩具总动员", 10, "1.jpg", 0)
    assert round((as_utc(first.next_attempt_at) - utcnow()) / timedelta(days=1)) == 30
    cache.record_ok(1, RECORD, None, "Blocked: HTTP 418", refresh_days=30)  # poster failed this time
    again = info(1)
    assert again.poster_path == "1.jpg" and again.last_error.startswith("poster:")
    assert as_utc(again.next_attempt_at) - utcnow() < timedelta(hours=7)  # the poster is retried sooner
    cache.record_failure(1, "not_found", "no match", refresh_days=30)
    kept = info(1)
    assert (kept.status, kept.title_zh, kept.attempts, kept.last_error) == ("ok", "玩具总动员", 1, "no match")
    assert db.session.scalars(select(MovieInfo.movie_id)).all() == [1]


def test_the_imdb_id_of_the_subject_page_is_stored_and_none_is_never_invented(worker_app):
    from dataclasses import replace

    cache.record_ok(1, RECORD, None, None, refresh_days=30)
    assert info(1).imdb_id is None
    cache.record_ok(1, replace(RECORD, imdb_id="tt0114709"), None, None, refresh_days=30)
    assert info(1).imdb_id == "tt0114709"


def test_backfill_queues_a_few_and_skips_while_the_circuit_is_open(fake, tmp_path, redis_url, pg_url):
    from worker.tasks import backfill_movie_info

    app = app_from_env(worker_env(pg_url, fake, tmp_path, redis_url, DOUBAN_BACKFILL_PER_RUN="2"), tmp_path)
    broker = redis.Redis.from_url(redis_url)
    with app.app_context():
        gate_for(app).open_circuit("douban", 30, "test")
        assert backfill_movie_info.run() == 0
        gate_for(app).close_circuit("douban")
        assert backfill_movie_info.run() == 2
        assert broker.llen("douban_backfill") == 2 and broker.llen("douban_interactive") == 0
        assert sorted(m for m, q in db.session.execute(select(MovieInfo.movie_id, MovieInfo.queued_at)) if q) == [1, 3]
        db.engine.dispose()


def test_server_errors_end_as_error_once_the_retries_are_spent(fake, tmp_path, redis_url, pg_url):
    """Run eagerly (Celery then retries at once, without the countdowns) to go through every retry quickly."""
    from worker.tasks import MAX_RETRIES, fetch_movie_info

    app = app_from_env(worker_env(pg_url, fake, tmp_path, redis_url), tmp_path)
    fake.set_mode(status=500, paths=["/search"])
    with app.app_context():
        fetch_movie_info.apply(args=[1])
        row = info(1)
        assert (row.status, row.attempts) == ("error", MAX_RETRIES + 1)
        assert row.last_error == f"gave up after {MAX_RETRIES} retries: HTTP 500 from {fake.url}/search"
        assert row.queued_at is None and as_utc(row.next_attempt_at) > utcnow()
        db.session.remove()
        db.engine.dispose()
    assert len(fake.requests("/search")) == MAX_RETRIES + 1


def test_an_unexpected_failure_is_an_error_with_its_reason_never_a_silent_pending(fake, tmp_path, redis_url, pg_url):
    """A real fault outside the Douban errors: POSTER_DIR is a file, so storing the poster raises FileExistsError."""
    from worker.tasks import fetch_movie_info

    poster_dir = tmp_path / "not-a-directory"
    poster_dir.write_text("")
    app = app_from_env(worker_env(pg_url, fake, tmp_path, redis_url, POSTER_DIR=str(poster_dir)), tmp_path)
    with app.app_context():
        assert fetch_movie_info.apply(args=[1]).get() == "error"
        row = info(1)
        assert row.status == "error" and row.last_error.startswith("unexpected FileExistsError")
        assert row.attempts == 1 and row.queued_at is None and as_utc(row.next_attempt_at) > utcnow()
        db.session.remove()
        db.engine.dispose()


def test_a_poster_bomb_is_recorded_with_its_reason_and_retried_sooner(fake, tmp_path, redis_url, pg_url):
    from tests.worker.test_posters import png_header_only
    from worker.tasks import fetch_movie_info

    fake.poster = png_header_only(20000, 20000)
    app = app_from_env(worker_env(pg_url, fake, tmp_path, redis_url), tmp_path)
    with app.app_context():
        assert fetch_movie_info.apply(args=[1]).get() == "ok"
        row = info(1)
        assert row.status == "ok" and row.poster_path is None
        assert row.last_error.startswith("poster: NotAnImage: decompression bomb")
        assert as_utc(row.next_attempt_at) - utcnow() < timedelta(hours=7)
        db.session.remove()
        db.engine.dispose()


def test_retries_and_postponements_are_logged_with_their_reason(fake, tmp_path, redis_url, pg_url, caplog):
    from worker.tasks import fetch_movie_info

    app = app_from_env(worker_env(pg_url, fake, tmp_path, redis_url), tmp_path)
    logger = logging.getLogger("worker.tasks")  # after the migrations: Alembic's logging set-up resets the root's
    logger.addHandler(caplog.handler)
    caplog.set_level(logging.INFO, logger="worker.tasks")
    with app.app_context():
        fake.set_mode(status=500, times=1, paths=["/search"])
        assert fetch_movie_info.apply(args=[1]).get() == "ok"
        fake.set_mode(status=403, times=1, paths=["/search"])
        assert fetch_movie_info.apply(args=[3]).get() == "postponed"
        db.session.remove()
        db.engine.dispose()
    logger.removeHandler(caplog.handler)
    messages = [r.getMessage() for r in caplog.records if r.name == "worker.tasks"]
    assert any(m.startswith("movie 1 retried in ") and f"(retry 1 of 5): HTTP 500 from {fake.url}/search" in m
               for m in messages), messages
    assert any(m.startswith("movie [3] postponed ") and "blocked: HTTP 403 from" in m for m in messages), messages


def test_a_database_connection_cut_mid_task_is_retried_not_an_error(fake, tmp_path, redis_url, pg_url):
    """Every backend of the database is terminated while the task waits for Douban's search (its session holds a
    connection): the task is retried on a new connection and ends ``ok``, not ``error`` for an hour."""
    import threading

    import psycopg

    from tests.worker.processes import wait_until
    from worker.tasks import fetch_movie_info

    app = app_from_env(worker_env(pg_url, fake, tmp_path, redis_url), tmp_path)
    fake.set_mode(delay=1.5, times=1, paths=["/search"])

    def terminate_during_the_search():
        wait_until(lambda: fake.requests("/search"), 10, message="the search")
        with psycopg.connect(pg_url.replace("+psycopg", ""), autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = current_database() AND pid <> pg_backend_pid()")

    killer = threading.Thread(target=terminate_during_the_search)
    killer.start()
    with app.app_context():
        assert fetch_movie_info.apply(args=[1]).get() == "ok"
        killer.join()
        row = info(1)
        assert (row.status, row.attempts, row.last_error) == ("ok", 0, None)
        db.session.remove()
        db.engine.dispose()
    assert len(fake.requests("/search")) == 2  # the first try's search, and the retry's
