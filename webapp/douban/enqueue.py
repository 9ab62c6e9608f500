"""Asking the worker for Douban info: ``request_info`` for pages (never blocks or raises), ``enqueue`` for the
``flask movrec scrape`` command and beat's backfill, which picks its movies with ``due_movie_ids``.

Tasks are sent by name through ``app.extensions["celery"]``; ``webapp`` never imports ``worker``.
A movie is claimed by setting ``movie_info.queued_at`` in the database, so repeated page views do not
queue it again while a fetch is pending, with or without Redis.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Iterable

from flask import current_app
from sqlalchemy import and_, or_, select, update

from webapp.douban.names import BACKFILL_QUEUE, FETCH_TASK, INTERACTIVE_QUEUE
from webapp.extensions import db, upsert_insert
from webapp.models import InfoStatus, Movie, MovieInfo, utcnow

log = logging.getLogger(__name__)

# After the broker failed, this process does not try it again for this long (pages stay fast).
BROKER_COOLDOWN_SECONDS = 30.0
# Sending must fail fast: no connection retries, and short socket timeouts on Redis.
SEND_TIMEOUT = 1.0
_BROKER_DOWN_UNTIL = "movrec_broker_down_until"  # key in app.extensions: this process's cooldown for this app


def request_info(movie_ids: Iterable[int], interactive: bool = True) -> list[int]:
    """Queue ``movrec.fetch_movie_info`` for those of ``movie_ids`` that are due a fetch and not queued yet.

    ``interactive`` movies (someone is looking at them) go to the high-priority queue. Never blocks and
    never raises: a broken broker or database is logged and the page renders without the info.
    Returns the ids actually sent.
    """
    if time.monotonic() < current_app.extensions.get(_BROKER_DOWN_UNTIL, 0.0):
        return []
    try:
        sent, error = enqueue(movie_ids, INTERACTIVE_QUEUE if interactive else BACKFILL_QUEUE)
    except Exception:
        log.exception("could not record Douban info requests")
        return []
    if error is not None:
        current_app.extensions[_BROKER_DOWN_UNTIL] = time.monotonic() + BROKER_COOLDOWN_SECONDS
        log.warning("broker unavailable (%s); Douban info requests dropped for now", error)
    return sent


def enqueue(movie_ids: Iterable[int], queue: str, force: bool = False) -> tuple[list[int], Exception | None]:
    """Claim the movies (see :func:`claim`) and send their tasks to ``queue`` without retrying the broker.

    Returns the ids sent and the broker error that stopped the sending, if any (unsent claims are released).
    """
    claimed = claim(sorted({int(m) for m in movie_ids}), force)
    if not claimed:
        return [], None
    celery = current_app.extensions["celery"]
    sent: list[int] = []
    try:
        with celery.connection_for_write(**_send_options(celery.conf.broker_url)) as connection:
            for movie_id in claimed:
                celery.send_task(FETCH_TASK, args=[movie_id], queue=queue, retry=False, connection=connection)
                sent.append(movie_id)
    except Exception as exc:
        _release(claimed[len(sent):])
        return sent, exc
    return sent, None


def _send_options(broker_url: str) -> dict:
    options = {"max_retries": 0}
    if broker_url.startswith(("redis://", "rediss://")):
        options.update(socket_timeout=SEND_TIMEOUT, socket_connect_timeout=SEND_TIMEOUT)
    return {"connect_timeout": SEND_TIMEOUT, "transport_options": options}


def claim(movie_ids: list[int], force: bool = False) -> list[int]:
    """Create missing rows (``pending``) and set ``queued_at`` on those due a fetch (all of them when ``force``),
    in a transaction of its own; returns the ids this call claimed."""
    if not movie_ids:
        return []
    now = utcnow()
    with db.engine.begin() as conn:
        insert = upsert_insert(conn)
        known = set(conn.scalars(select(Movie.id).where(Movie.id.in_(movie_ids))))
        rows = [{"movie_id": m, "status": InfoStatus.PENDING, "attempts": 0, "updated_at": now}
                for m in movie_ids if m in known]
        if not rows:
            return []
        conn.execute(insert(MovieInfo).values(rows).on_conflict_do_nothing())
        condition = MovieInfo.movie_id.in_(known)
        if not force:
            condition = and_(condition, MovieInfo.is_due(now))
        values = {"queued_at": now, **({"next_attempt_at": None} if force else {})}
        return sorted(conn.scalars(update(MovieInfo).where(condition).values(**values)
                                   .returning(MovieInfo.movie_id)))


def due_movie_ids(limit: int) -> list[int]:
    """Up to ``limit`` movies that need a fetch (no row yet, or a row whose next attempt has come), most rated first."""
    now = utcnow()
    query = (select(Movie.id).outerjoin(MovieInfo, MovieInfo.movie_id == Movie.id)
             .where(or_(MovieInfo.movie_id.is_(None), MovieInfo.is_due(now)))
             .order_by(Movie.rating_count.desc(), Movie.id).limit(limit))
    return list(db.session.scalars(query))


def _release(movie_ids: list[int]) -> None:
    try:
        with db.engine.begin() as conn:
            conn.execute(update(MovieInfo).where(MovieInfo.movie_id.in_(movie_ids)).values(queued_at=None))
    except Exception:
        log.exception("could not release Douban info claims")
