"""A Celery worker SIGKILLed while the fake Douban is slow to answer its search: the task is delivered again to
the worker that replaces it (late acknowledgement, Redis's visibility timeout), and the movie's row ends right."""
from __future__ import annotations

import time

import pytest

from tests.reliability.deployment import FOUND_MOVIE
from tests.worker.processes import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.reliability]


def test_worker_killed_mid_fetch_under_load_loses_nothing(running):
    fake = running.fake
    fake.set_mode(delay=20, paths=["/search"], times=1)  # the first search hangs: the worker is mid-fetch
    with running.load() as load:
        wait_until(lambda: fake.requests("/search"), 20, message="the worker's first search")
        running.workers[-1].kill()
        killed = time.monotonic()
        running.start_worker("heir")
        wait_until(lambda: running.sql("SELECT 1 FROM movie_info WHERE movie_id = %s AND status = 'ok'",
                                       FOUND_MOVIE), 30, message="the heir to fetch the found movie")
        print(f"killed mid-fetch; found movie fetched {time.monotonic() - killed:.1f} s later")
        time.sleep(2)
    running.check(load)
