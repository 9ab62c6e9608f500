"""Each gunicorn worker moves what it loaded before serving out of the garbage collector's reach
(`gunicorn.conf.py`'s `post_worker_init`), so a full collection does not pause it for tens of milliseconds."""
from __future__ import annotations

import re
import time

FROZE = re.compile(r"pid=(\d+) froze (\d+) objects loaded before serving")
LOADING = 60  # seconds a worker may take to load the app: the site answers as soon as one worker has


def test_every_worker_froze_the_app_it_loaded(live_site):
    workers, deadline = set(live_site.worker_pids()), time.monotonic() + LOADING
    while True:
        frozen = {int(pid): int(n) for pid, n in FROZE.findall(live_site.log.read_text(errors="replace"))}
        if workers <= set(frozen) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert workers and workers <= set(frozen), f"workers {workers}, froze: {frozen}\n{live_site.log_tail()}"
    assert all(frozen[pid] > 10_000 for pid in workers), frozen  # the app and its libraries, not a handful
