"""The sign-in and registration limits' counts in a SQLite file, for a deployment without Redis: every web
process of the machine shares them, and they survive restarts. `movrec-sqlite:///<path>` selects it as
Flask-Limiter's storage (`RATELIMIT_STORAGE_URI`); it serves the moving-window strategy and fixed windows."""
from __future__ import annotations

import os
import sqlite3
import threading
import time

from limits.storage import MovingWindowSupport, Storage

SCHEME = "movrec-sqlite"
BUSY_TIMEOUT = 5.0  # seconds a process waits for another's write before giving up
SCHEMA = """
CREATE TABLE IF NOT EXISTS hits (key TEXT NOT NULL, at REAL NOT NULL, expires REAL NOT NULL);
CREATE INDEX IF NOT EXISTS hits_key_at ON hits (key, at);
CREATE INDEX IF NOT EXISTS hits_expires ON hits (expires);
CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, count INTEGER NOT NULL, expires REAL NOT NULL);
"""


class SqliteLimitStorage(Storage, MovingWindowSupport):
    """Rate-limit entries as rows of a SQLite file: one row per hit (moving window) or per key (fixed window).
    A hit is checked and written in one write transaction, so processes never both take the last slot."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = uri.removeprefix(f"{SCHEME}://")
        self._local = threading.local()

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection (a new one after a fork: a connection never crosses processes)."""
        held = getattr(self._local, "held", None)
        if held is None or held[0] != os.getpid():
            connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.executescript(SCHEMA)
            held = self._local.held = (os.getpid(), connection)
        return held[1]

    def _write(self, work):
        """Run `work(connection, now)` in one write transaction (BEGIN IMMEDIATE: one writer at a time)."""
        connection = self._connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            now = time.time()
            connection.execute("DELETE FROM hits WHERE expires <= ?", (now,))
            result = work(connection, now)
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
        return result

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        def acquire(connection, now):
            (count,), = connection.execute("SELECT count(*) FROM hits WHERE key = ? AND at > ?",
                                           (key, now - expiry))
            if count + amount > limit:
                return False
            connection.executemany("INSERT INTO hits (key, at, expires) VALUES (?, ?, ?)",
                                   [(key, now, now + expiry)] * amount)
            return True

        return amount <= limit and self._write(acquire)

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        now = time.time()
        (oldest, count), = self._connection().execute(
            "SELECT min(at), count(*) FROM hits WHERE key = ? AND at > ?", (key, now - expiry))
        return (oldest if count else now), count

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        def increment(connection, now):
            connection.execute("DELETE FROM counters WHERE key = ? AND expires <= ?", (key, now))
            connection.execute("INSERT INTO counters (key, count, expires) VALUES (?, ?, ?) "
                               "ON CONFLICT (key) DO UPDATE SET count = count + excluded.count",
                               (key, amount, now + expiry))
            (count,), = connection.execute("SELECT count FROM counters WHERE key = ?", (key,))
            return count

        return self._write(increment)

    def get(self, key: str) -> int:
        row = self._connection().execute("SELECT count FROM counters WHERE key = ? AND expires > ?",
                                         (key, time.time())).fetchone()
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._connection().execute("SELECT expires FROM counters WHERE key = ?", (key,)).fetchone()
        return row[0] if row else time.time()

    def check(self) -> bool:
        try:
            self._connection().execute("SELECT count(*) FROM hits").fetchone()
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        def delete_all(connection, _now):
            return (connection.execute("DELETE FROM hits").rowcount
                    + connection.execute("DELETE FROM counters").rowcount)

        return self._write(delete_all)

    def clear(self, key: str) -> None:
        def delete_key(connection, _now):
            connection.execute("DELETE FROM hits WHERE key = ?", (key,))
            connection.execute("DELETE FROM counters WHERE key = ?", (key,))

        self._write(delete_key)
