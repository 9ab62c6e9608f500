"""The Celery tasks: fetch one movie's Douban info, and beat's slow backfill of the catalogue.

Tasks are idempotent (a repeated delivery finds the row fresh and stops; upserts are keyed by movie id),
so late acknowledgement can redeliver freely. Outcomes:

* found -> ``ok``; nothing matches -> ``not_found``; unreadable pages -> ``error`` (all with a next attempt time);
* 5xx and timeouts -> Celery retry with exponential backoff, then ``error``;
* blocked, offline, circuit open, or no request slot soon -> the task is sent again for later (postponed,
  not failed);
* a database connection lost mid-task (a restart, a terminated backend) or Redis unreachable -> Celery retry
  a second later (redelivered instead when the broker is down too);
* anything unexpected (a bug, a poster Pillow chokes on) -> ``error`` with the exception as the reason, so the
  movie is retried later like any error and never stays ``pending``.
Each retry and postponement is logged with its reason.
"""
from __future__ import annotations

import logging
import random

import redis

from celery import shared_task
from celery.exceptions import Retry
from celery.utils.time import get_exponential_backoff_interval
from flask import current_app
from sqlalchemy.exc import DBAPIError
from movrec.dataset import parse_title

from webapp.douban.enqueue import due_movie_ids, request_info
from webapp.douban.gate import gate_for
from webapp.douban.names import BACKFILL_TASK, DOUBAN_CIRCUIT, FETCH_TASK, INTERACTIVE_QUEUE
from webapp.extensions import db
from webapp.models import InfoStatus, Movie, utcnow
from worker import cache
from worker.client import DoubanClient, Postpone, Transient
from worker.douban import Blocked, DoubanError
from worker.lookup import fetch_poster, find

log = logging.getLogger(__name__)
MAX_RETRIES = 5
MAX_BACKOFF_SECONDS = 3600
SERVICE_RETRY_SECONDS = 1.0
_clients: dict[tuple, DoubanClient] = {}


def douban_client() -> DoubanClient:
    """This process's client for the current app's settings and gate (made after the fork, kept between tasks)."""
    settings = current_app.config["DOUBAN"]
    gate = gate_for(current_app._get_current_object())
    key = (settings, id(gate))
    if key not in _clients:
        _clients[key] = DoubanClient(settings, gate)
    return _clients[key]


@shared_task(name=FETCH_TASK, bind=True, max_retries=MAX_RETRIES, acks_late=True)
def fetch_movie_info(self, movie_id: int) -> str:
    """Look the movie up on Douban and record the outcome on its ``movie_info`` row; returns the outcome."""
    try:
        return _fetch(self, movie_id)
    except Retry:
        raise
    except Exception as exc:
        db.session.rollback()
        if _service_lost(exc) and self.request.retries < MAX_RETRIES:
            # The database connection was cut, or Redis (the gate) is restarting: not the movie's fault, try again.
            # If the broker is down too, the retry cannot be sent and the unacknowledged task is redelivered.
            log.warning("movie %s: %s lost (%s); retried in %.0f s", movie_id,
                        "database connection" if isinstance(exc, DBAPIError) else "Redis", exc, SERVICE_RETRY_SECONDS)
            raise self.retry(countdown=SERVICE_RETRY_SECONDS, exc=exc)
        log.exception("movie %s: unexpected failure", movie_id)
        cache.record_failure(movie_id, InfoStatus.ERROR, f"unexpected {exc.__class__.__name__}: {exc}",
                             current_app.config["DOUBAN"].refresh_days)
        return InfoStatus.ERROR


def _service_lost(exc: Exception) -> bool:
    """A lost database connection or an unreachable Redis: the task may succeed once it is back."""
    if isinstance(exc, DBAPIError):
        return exc.connection_invalidated
    return isinstance(exc, (redis.ConnectionError, redis.TimeoutError))


def _fetch(task, movie_id: int) -> str:
    movie = db.session.get(Movie, movie_id)
    if movie is None:
        return "unknown movie"
    if movie.info is not None and movie.info.is_fresh(utcnow()):
        cache.release(movie_id)
        return "fresh"
    client = douban_client()
    settings = client.settings
    try:
        record = find(client, parse_title(movie.raw_title, movie.year))
    except Postpone as exc:
        return _postpone(task, exc.seconds, str(exc))
    except Blocked as exc:
        return _postpone(task, settings.circuit_seconds, f"blocked: {exc}")
    except Transient as exc:
        if task.request.retries >= MAX_RETRIES:
            cache.record_failure(movie_id, InfoStatus.ERROR, f"gave up after {MAX_RETRIES} retries: {exc}",
                                 settings.refresh_days)
            return InfoStatus.ERROR
        cache.record_attempt(movie_id, str(exc))
        countdown = get_exponential_backoff_interval(settings.min_interval, task.request.retries,
                                                     MAX_BACKOFF_SECONDS, full_jitter=False)
        countdown *= random.uniform(1.0, 1.25)
        log.info("movie %s retried in %.0f s (retry %d of %d): %s", movie_id, countdown,
                 task.request.retries + 1, MAX_RETRIES, exc)
        raise task.retry(countdown=countdown, exc=exc)
    except DoubanError as exc:
        cache.record_failure(movie_id, InfoStatus.ERROR, f"{exc.__class__.__name__}: {exc}", settings.refresh_days)
        return InfoStatus.ERROR
    if record is None:
        cache.record_failure(movie_id, InfoStatus.NOT_FOUND, "no matching Douban subject", settings.refresh_days)
        return InfoStatus.NOT_FOUND
    poster_path, poster_error = fetch_poster(client, current_app.config["POSTER_DIR"], movie_id, record)
    cache.record_ok(movie_id, record, poster_path, poster_error, settings.refresh_days)
    return InfoStatus.OK


def _postpone(task, seconds: float, why: str) -> str:
    """Send the same task again ``seconds`` from now, on the queue it came from; this delivery ends."""
    queue = (task.request.delivery_info or {}).get("routing_key") or INTERACTIVE_QUEUE
    countdown = max(1.0, seconds) * random.uniform(1.0, 1.1)
    task.apply_async(args=task.request.args, kwargs=task.request.kwargs, queue=queue, countdown=countdown)
    log.info("movie %s postponed %.0f s: %s", task.request.args, countdown, why)
    return "postponed"


@shared_task(name=BACKFILL_TASK, acks_late=True)
def backfill_movie_info() -> int:
    """Queue the next few movies that need info (beat runs this every ``DOUBAN_BACKFILL_EVERY`` seconds)."""
    if gate_for(current_app._get_current_object()).circuit(DOUBAN_CIRCUIT).is_open:
        return 0
    return len(request_info(due_movie_ids(current_app.config["DOUBAN"].backfill_per_run), interactive=False))
