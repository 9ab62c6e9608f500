"""The site's one way to ask the worker for Douban info: `request_info`, which never blocks or raises."""
import logging
from collections.abc import Iterable
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from webapp.extensions import db
from webapp.models import MovieInfo, utcnow

log = logging.getLogger(__name__)

FETCH_TASK = "movrec.fetch_movie_info"
INTERACTIVE_QUEUE = "douban_interactive"
BACKFILL_QUEUE = "douban_backfill"
# A claim older than this is considered lost (worker down, message dropped) and may be sent again.
REQUEUE_AFTER = timedelta(minutes=15)
FINAL_STATUSES = ("ok", "not_found")


def request_info(movie_ids: Iterable[int], interactive: bool = True) -> list[int]:
    """Enqueue `movrec.fetch_movie_info` for movies without info that are not already queued.

    Never blocks on and never raises into the caller: a broken broker or database is logged and
    the page renders without the info. Returns the ids actually enqueued.
    """
    try:
        claimed = _claim(sorted({int(m) for m in movie_ids}))
    except Exception:
        log.exception("could not record Douban info requests")
        return []
    queue = INTERACTIVE_QUEUE if interactive else BACKFILL_QUEUE
    celery = current_app.extensions["celery"]
    for index, movie_id in enumerate(claimed):
        try:
            celery.send_task(FETCH_TASK, args=[movie_id], queue=queue, retry=False)
        except Exception:
            log.warning("broker unavailable; Douban info for %d movies not requested", len(claimed) - index,
                        exc_info=True)
            _release(claimed[index:])
            return claimed[:index]
    return claimed


def _claim(movie_ids: list[int]) -> list[int]:
    """Create missing `movie_info` rows and set `queued_at` on those due a fetch, in a transaction of
    its own (the request's session is untouched); returns the ids this call claimed."""
    if not movie_ids:
        return []
    now = utcnow()
    with db.engine.begin() as conn:
        insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
        conn.execute(insert(MovieInfo).values([{"movie_id": m, "status": "pending", "attempts": 0, "updated_at": now}
                                                for m in movie_ids]).on_conflict_do_nothing())
        due = and_(MovieInfo.movie_id.in_(movie_ids), MovieInfo.status.not_in(FINAL_STATUSES),
                   or_(MovieInfo.queued_at.is_(None), MovieInfo.queued_at < now - REQUEUE_AFTER),
                   or_(MovieInfo.next_attempt_at.is_(None), MovieInfo.next_attempt_at <= now))
        claimed = conn.scalars(update(MovieInfo).where(due).values(queued_at=now).returning(MovieInfo.movie_id))
        return sorted(claimed)


def _release(movie_ids: list[int]) -> None:
    try:
        with db.engine.begin() as conn:
            conn.execute(update(MovieInfo).where(MovieInfo.movie_id.in_(movie_ids)).values(queued_at=None))
    except Exception:
        log.exception("could not release Douban info claims")
