"""The fake Douban answers 418 to everything for a while, then recovers: the circuit opens, tasks are postponed
(not failed), pages keep answering, and every queued movie is fetched once Douban answers again."""
from __future__ import annotations

import time

import pytest

from tests.reliability.deployment import FOUND_MOVIE
from tests.worker.processes import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.reliability]
BLOCKED_SECONDS = 30


def test_douban_418_for_thirty_seconds_under_load_loses_nothing(running):
    fake = running.fake
    fake.set_mode(status=418)
    with running.load() as load:
        time.sleep(BLOCKED_SECONDS)
        blocked_requests = len(fake.requests())
        fake.set_mode()
        recovered = time.monotonic()
        wait_until(lambda: running.sql("SELECT 1 FROM movie_info WHERE movie_id = %s AND status = 'ok'",
                                       FOUND_MOVIE), 30, message="the found movie fetched after the block")
        print(f"{blocked_requests} requests to Douban while it answered 418; "
              f"found movie fetched {time.monotonic() - recovered:.1f} s after it recovered")
    assert blocked_requests <= BLOCKED_SECONDS / 3 + 3  # the circuit (3 s) held: about one probe per opening
    running.check(load)
