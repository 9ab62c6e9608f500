"""Every PostgreSQL backend of the site's database terminated (pg_terminate_backend), three times, under load:
the pools reconnect (pre-ping), requests are answered, nothing is lost or doubled."""
from __future__ import annotations

import time

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.reliability]
TERMINATE = ("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
             "WHERE datname = current_database() AND pid <> pg_backend_pid()")


def test_terminated_database_backends_under_load_lose_nothing(running):
    terminated = []
    with running.load() as load:
        for _ in range(3):
            time.sleep(3)
            terminated.append(running.sql(TERMINATE)[0][0])
        time.sleep(3)
    print(f"backends terminated: {terminated}")
    assert all(terminated), terminated
    running.check(load)
