"""gunicorn restarted with HUP under load: new workers take over, old ones finish their requests."""
from __future__ import annotations

import os
import signal
import time

import pytest

from tests.worker.processes import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.reliability]


def test_gunicorn_hup_under_load_loses_nothing(running):
    old = set(running.site.worker_pids())
    with running.load() as load:
        time.sleep(3)
        os.kill(running.site.master.pid, signal.SIGHUP)
        hup = time.monotonic()
        wait_until(lambda: len(set(running.site.worker_pids()) - old) == 2
                   and not old & set(running.site.worker_pids()), 30, message="two new gunicorn workers")
        print(f"new workers in {time.monotonic() - hup:.1f} s")
        time.sleep(3)
    running.check(load)
