"""Writing fetch outcomes to ``movie_info``: idempotent upserts and the retry schedule.

* ``ok``: the info, ``fetched_at``; refreshed after ``refresh_days`` (sooner when the poster is missing).
* ``not_found`` / ``error``: ``attempts`` grows, the next attempt is later each time (capped at ``refresh_days``).
  A failed refresh of an ``ok`` row keeps its info and status and only records the error.
Every terminal outcome clears ``queued_at``, so the movie may be queued again when it is due.
"""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import case

from webapp.extensions import db, upsert_insert
from webapp.models import InfoStatus, MovieInfo, utcnow
from worker.douban import DoubanRecord

ERROR_DELAY = timedelta(hours=1)
NOT_FOUND_DELAY = timedelta(days=1)
POSTER_RETRY_DELAY = timedelta(hours=6)
MAX_ERROR_LENGTH = 1000
MAX_TITLE_LENGTH = 300
# C0 control characters but tab and newline, and DEL: never part of a title or a reason; PostgreSQL refuses NUL.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def retry_delay(status: InfoStatus, attempts: int, refresh_days: float) -> timedelta:
    """Delay before the next attempt after ``attempts`` failures in a row: doubling from 1 h (error) or 1 day."""
    base = NOT_FOUND_DELAY if status == InfoStatus.NOT_FOUND else ERROR_DELAY
    return min(base * 2 ** min(max(attempts - 1, 0), 16), timedelta(days=refresh_days))


def record_ok(movie_id: int, record: DoubanRecord, poster_path: str | None, poster_error: str | None,
              refresh_days: float) -> None:
    """Store the found info; a missing poster is noted and retried sooner."""
    now = utcnow()
    values = {
        "status": InfoStatus.OK, "douban_id": record.douban_id,
        "title_zh": _clean(record.title)[:MAX_TITLE_LENGTH],
        "original_title": _clean(record.original_title)[:MAX_TITLE_LENGTH],
        "douban_rating": record.rating, "douban_votes": record.votes, "imdb_id": record.imdb_id,
        "attempts": 0, "last_error": _short(f"poster: {poster_error}") if poster_error else None,
        "next_attempt_at": now + (POSTER_RETRY_DELAY if poster_error else timedelta(days=refresh_days)),
        "queued_at": None, "fetched_at": now, "updated_at": now,
    }
    if poster_path is not None:
        values["poster_path"] = poster_path
    _upsert(movie_id, values, values)


def record_failure(movie_id: int, status: InfoStatus, error: str, refresh_days: float) -> None:
    """Record ``not_found`` or ``error``; the next attempt moves further out with each failure in a row."""
    now = utcnow()
    info = db.session.get(MovieInfo, movie_id, populate_existing=True)
    attempts = (info.attempts if info else 0) + 1
    values = {"status": status, "attempts": attempts, "last_error": _short(error),
              "next_attempt_at": now + retry_delay(status, attempts, refresh_days), "queued_at": None,
              "updated_at": now}
    on_conflict = {**values, "status": case((MovieInfo.status == InfoStatus.OK, InfoStatus.OK), else_=status)}
    _upsert(movie_id, values, on_conflict)


def record_attempt(movie_id: int, error: str) -> None:
    """Note a failed try that Celery will retry: count it, keep the row queued."""
    now = utcnow()
    values = {"status": InfoStatus.PENDING, "attempts": 1, "last_error": _short(error), "updated_at": now}
    _upsert(movie_id, values, {"attempts": MovieInfo.attempts + 1, "last_error": values["last_error"],
                               "updated_at": now})


def release(movie_id: int) -> None:
    """Clear the claim of a movie whose task ended without an outcome to record."""
    _upsert(movie_id, {"status": InfoStatus.PENDING, "attempts": 0, "queued_at": None, "updated_at": utcnow()},
            {"queued_at": None})


def _upsert(movie_id: int, insert_values: dict, update_values: dict) -> None:
    insert = upsert_insert(db.engine)
    statement = insert(MovieInfo).values(movie_id=movie_id, **insert_values).on_conflict_do_update(
        index_elements=[MovieInfo.movie_id], set_=update_values)
    db.session.execute(statement)
    db.session.commit()


def _clean(text: str) -> str:
    """Scraped text as stored: without control characters (a NUL would fail the write on PostgreSQL)."""
    return _CONTROL.sub("", text)


def _short(text: str) -> str:
    text = _clean(text)
    return text if len(text) <= MAX_ERROR_LENGTH else text[: MAX_ERROR_LENGTH - 1] + "…"
