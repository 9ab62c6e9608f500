"""Shared politeness state for Douban: request permissions (rate limit) and circuits, in Redis or the database.

Every worker process on every machine asks here for permission right before each request; a request is
allowed only when the bucket's previous one is at least a step old, so the spacing holds across all of them
(a process that was slow to use its permission cannot bunch up with the next one). A circuit is a named
"stop until" mark, opened when Douban blocks us. The worker writes this state; the admin page reads it,
which is why it lives on the web side (``webapp`` never imports ``worker``).

Redis is used when ``REDIS_URL`` is set; otherwise the ``scrape_gate`` table (``webapp.models.ScrapeGate``: the
embedded set-up, where the broker is Kombu's SQLAlchemy transport and there is no Redis).
"""
from __future__ import annotations

import random
import time
from dataclasses import dataclass

import redis
from flask import Flask
from sqlalchemy import case, func, select, update

from webapp.extensions import db, upsert_insert
from webapp.models import ScrapeGate

# Rate counters restart after this many seconds; the admin page shows the rate over the current window.
WINDOW_SECONDS = 60.0
REDIS_PREFIX = "movrec:douban:"
# The shortest wait a refusal reports: 0.0 means a permission was given, so a refusal never says 0.0.
MIN_WAIT = 0.001


@dataclass(frozen=True)
class Circuit:
    """A circuit's state: open for ``remaining`` more seconds because of ``reason``."""

    is_open: bool
    remaining: float = 0.0
    reason: str | None = None


@dataclass(frozen=True)
class Rate:
    """Requests counted in the current window of a bucket."""

    count: int
    seconds: float

    @property
    def per_minute(self) -> float:
        """Requests per minute, over at least 10 s (a window that just restarted says little)."""
        return 60.0 * self.count / max(self.seconds, 10.0)


# KEYS[1]: bucket hash. ARGV: step, window. Uses the Redis server's clock, shared by all machines.
# Returns {wait} when refused, {'0', server time} when granted.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local nxt = tonumber(redis.call('HGET', KEYS[1], 'next_at') or '0')
if now < nxt then return {tostring(nxt - now)} end
redis.call('HSET', KEYS[1], 'next_at', tostring(now + tonumber(ARGV[1])))
local ws = tonumber(redis.call('HGET', KEYS[1], 'window_start') or '0')
if now - ws > tonumber(ARGV[2]) then
  redis.call('HSET', KEYS[1], 'window_start', tostring(now), 'window_count', 1)
else
  redis.call('HINCRBY', KEYS[1], 'window_count', 1)
end
return {'0', tostring(now)}
"""


class RedisGate:
    """Permissions and circuits in Redis (``REDIS_URL``)."""

    def __init__(self, url: str, timeout: float = 2.0):
        self.redis = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout,
                                          decode_responses=True)
        self._acquire = self.redis.register_script(_ACQUIRE)
        self.granted_at: float | None = None  # Redis's clock at this object's last permission (Unix seconds)

    def try_acquire(self, bucket: str, step: float) -> float:
        """Permission for one request now (``0.0``; the next one is ``step`` s later), or the seconds to wait."""
        reply = self._acquire(keys=[REDIS_PREFIX + "bucket:" + bucket], args=[step, WINDOW_SECONDS])
        if reply[0] != "0":
            return float(reply[0])
        self.granted_at = float(reply[1])
        return 0.0

    def open_circuit(self, name: str, seconds: float, reason: str) -> None:
        """Stop all requests behind circuit ``name`` for ``seconds``."""
        self.redis.set(REDIS_PREFIX + "circuit:" + name, reason[:500], px=max(1, int(seconds * 1000)))

    def close_circuit(self, name: str) -> None:
        self.redis.delete(REDIS_PREFIX + "circuit:" + name)

    def circuit(self, name: str) -> Circuit:
        key = REDIS_PREFIX + "circuit:" + name
        with self.redis.pipeline() as pipe:
            reason, ttl = pipe.get(key).pttl(key).execute()
        return Circuit(True, ttl / 1000.0, reason) if reason is not None and ttl > 0 else Circuit(False)

    def rate(self, bucket: str) -> Rate:
        data = self.redis.hgetall(REDIS_PREFIX + "bucket:" + bucket)
        return _rate(float(data.get("window_start", 0)), int(data.get("window_count", 0)), self.redis.time())


class SqlGate:
    """Permissions and circuits in the ``scrape_gate`` table (no Redis); each call is its own short transaction."""

    def __init__(self, engine):
        self.engine = engine
        self.granted_at: float | None = None  # the database's clock at this object's last permission (Unix seconds)

    def try_acquire(self, bucket: str, step: float) -> float:
        with self.engine.begin() as conn:
            self._ensure(conn, bucket)
            now = _db_now(conn.dialect.name)  # read under the row lock, not before waiting for it
            fresh = ScrapeGate.window_start > now - WINDOW_SECONDS
            granted = conn.execute(
                update(ScrapeGate)
                .where(ScrapeGate.name == bucket, ScrapeGate.next_at <= now)
                .values(next_at=now + step,
                        window_count=case((fresh, ScrapeGate.window_count + 1), else_=1),
                        window_start=case((fresh, ScrapeGate.window_start), else_=now))
                .returning(ScrapeGate.next_at)
            ).scalar()
            if granted is not None:
                self.granted_at = granted - step
                return 0.0
            # Refused: another process had the slot. If this one stalled since, that slot may be over by now;
            # it is still a refusal, to be asked again at once, never a permission nobody recorded.
            return max(MIN_WAIT, conn.scalar(select(ScrapeGate.next_at - now).where(ScrapeGate.name == bucket)))

    def open_circuit(self, name: str, seconds: float, reason: str) -> None:
        with self.engine.begin() as conn:
            self._ensure(conn, "circuit:" + name)
            conn.execute(update(ScrapeGate).where(ScrapeGate.name == "circuit:" + name)
                         .values(open_until=time.time() + seconds, reason=reason[:500]))

    def close_circuit(self, name: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(ScrapeGate).where(ScrapeGate.name == "circuit:" + name).values(open_until=0.0))

    def circuit(self, name: str) -> Circuit:
        with self.engine.connect() as conn:
            row = conn.execute(select(ScrapeGate.open_until, ScrapeGate.reason)
                               .where(ScrapeGate.name == "circuit:" + name)).first()
        remaining = (row.open_until - time.time()) if row else 0.0
        return Circuit(True, remaining, row.reason) if remaining > 0 else Circuit(False)

    def rate(self, bucket: str) -> Rate:
        with self.engine.connect() as conn:
            row = conn.execute(select(ScrapeGate.window_start, ScrapeGate.window_count)
                               .where(ScrapeGate.name == bucket)).first()
        return _rate(row.window_start, row.window_count, None) if row else Rate(0, 0.0)

    @staticmethod
    def _ensure(conn, name: str) -> None:
        insert = upsert_insert(conn)
        conn.execute(insert(ScrapeGate).values(name=name, next_at=0.0, window_start=0.0, window_count=0,
                                               open_until=0.0).on_conflict_do_nothing())


def _db_now(dialect: str):
    """The database's clock in Unix seconds, as a SQL expression (PostgreSQL or SQLite)."""
    if dialect == "postgresql":
        return func.extract("epoch", func.clock_timestamp())
    return (func.julianday("now") - 2440587.5) * 86400.0


def _rate(window_start: float, count: int, server_time) -> Rate:
    now = server_time[0] + server_time[1] / 1e6 if server_time else time.time()
    age = now - window_start
    return Rate(count, age) if 0 <= age <= WINDOW_SECONDS else Rate(0, 0.0)


def acquire(gate: RedisGate | SqlGate, bucket: str, interval: float, jitter: float = 0.0,
            max_wait: float = 60.0) -> float:
    """Sleep until ``gate`` allows one request in ``bucket``, then return ``0.0`` (go now); or return the wait,
    without sleeping it, when that would exceed ``max_wait``. Gaps are ``interval`` stretched by up to ``jitter``.

    A permission that was slow to arrive (the process stalled) is not used, so its holder never sends right
    next to the following one; the slot is wasted instead.
    """
    late_limit = min(0.25, 0.1 * interval)
    waited = 0.0
    while True:
        started = time.monotonic()
        wait = gate.try_acquire(bucket, interval * (1 + random.uniform(0, jitter)))
        took = time.monotonic() - started
        waited += took
        if wait == 0.0 and took <= late_limit:
            return 0.0
        if wait == 0.0:
            continue
        if waited + wait > max_wait:
            return wait
        pause = wait + random.uniform(0, 0.02)  # waiters do not all wake at once
        time.sleep(pause)
        waited += pause


def gate_for(app: Flask) -> RedisGate | SqlGate:
    """The app's gate (made once): Redis when ``REDIS_URL`` is set, else the database."""
    gate = app.extensions.get("scrape_gate")
    if gate is None:
        url = app.config.get("REDIS_URL")
        gate = RedisGate(url) if url else SqlGate(db.engine)
        app.extensions["scrape_gate"] = gate
    return gate
