"""The machine's PostgreSQL and Redis for tests: throwaway databases and private Redis db numbers.

Both are real servers (127.0.0.1:5432 with trust authentication, 127.0.0.1:6379); `.ci/run` starts them
when they are not running. When one is unreachable the test is skipped, saying so.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

PG_ADMIN_URL = "postgresql://root@127.0.0.1:5432/test"


def pg_url(database: str) -> str:
    """SQLAlchemy URL of a database on the local PostgreSQL (psycopg 3)."""
    return f"postgresql+psycopg://root@127.0.0.1:5432/{database}"


@contextmanager
def throwaway_postgres(prefix: str) -> Iterator[str]:
    """A new, empty database named `<prefix>_<random>`, yielded as a SQLAlchemy URL and dropped on exit."""
    import psycopg

    name = f"{prefix}_{secrets.token_hex(6)}"
    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL at {PG_ADMIN_URL} is not reachable ({exc}); .ci/run starts it")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield pg_url(name)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def private_redis(db: int) -> Iterator[str]:
    """The local Redis on database number `db` (owned by one test suite), emptied before and after."""
    import redis

    url = f"redis://127.0.0.1:6379/{db}"
    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    try:
        client.flushdb()
    except redis.RedisError as exc:
        pytest.skip(f"Redis at {url} is not reachable ({exc}); .ci/run starts it")
    try:
        yield url
    finally:
        client.flushdb()
        client.close()
