"""The deployment's Redis (broker, rate-limit gate, sign-in limits) stopped for ten seconds and started again,
under load: pages keep answering, /healthz says the broker is down meanwhile, the worker reconnects and every
queued movie is fetched."""
from __future__ import annotations

import time

import pytest

from tests.worker.processes import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.reliability]
DOWN_SECONDS = 10


def test_redis_stopped_for_ten_seconds_under_load_loses_nothing(running):
    with running.load() as load:
        time.sleep(3)
        running.redis.stop()
        time.sleep(DOWN_SECONDS)
        running.redis.start()
        back = time.monotonic()
        wait_until(lambda: running.health()["status"] == "ok", 30, message="/healthz ok again")
        print(f"/healthz ok {time.monotonic() - back:.1f} s after Redis came back")
        time.sleep(2)
    degraded = [a for a in load.answers if a.path == "/healthz" and '"broker"' in a.body]
    assert degraded, "/healthz never said the broker was down"
    running.check(load)
