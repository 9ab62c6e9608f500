"""The machine's PostgreSQL and Redis for tests: throwaway databases and private Redis db numbers.

Both are real servers (127.0.0.1:5432 with trust authentication, 127.0.0.1:6379); `.ci/run` starts them
when they are not running. When one is unreachable the test is skipped, saying so. Several test runs may
share them (developers on one machine): each PostgreSQL database has a random name, and each Redis
database number is claimed by one test at a time.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

# Redis database numbers the tests may claim and empty. Left alone: 0 (a developer's own site, by default) and
# 5 and 13, which older test code still flushes without a claim (branches made before the claims existed).
REDIS_TEST_DBS = range(6, 13)
REDIS_CLAIM_KEY = "movrec-test:claim"
REDIS_CLAIM_SECONDS = 3600  # a claim left by a killed run frees itself after this long
# Atomically: take the number if nobody holds it, and empty it, keeping only the claim.
_CLAIM = """
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then return 0 end
redis.call('FLUSHDB')
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1
"""
# Empty the database (the claim too) only if this claim still holds it.
_RELEASE = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('FLUSHDB')
return 1
"""

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
def private_redis() -> Iterator[str]:
    """A database of the local Redis that no other test (of this run or another) is using, yielded as a URL.

    The first free number of ``REDIS_TEST_DBS`` is claimed with a key in it and emptied; on exit it is
    emptied again and so released.
    """
    import redis

    token = secrets.token_hex(8)
    for db in REDIS_TEST_DBS:
        url = f"redis://127.0.0.1:6379/{db}"
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
        try:
            claimed = client.eval(_CLAIM, 1, REDIS_CLAIM_KEY, token, REDIS_CLAIM_SECONDS)
        except redis.RedisError as exc:
            pytest.skip(f"Redis at {url} is not reachable ({exc}); .ci/run starts it")
        if claimed:
            break
        client.close()
    else:
        pytest.fail(f"every Redis database {REDIS_TEST_DBS.start}-{REDIS_TEST_DBS.stop - 1} is claimed by other "
                    f"tests (key {REDIS_CLAIM_KEY}); claims expire after {REDIS_CLAIM_SECONDS} s")
    try:
        yield url
    finally:
        client.eval(_RELEASE, 1, REDIS_CLAIM_KEY, token)
        client.close()
