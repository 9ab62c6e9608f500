"""The deployment every fault test starts: tiny generated catalogue and model, PostgreSQL, its own Redis,
gunicorn, one Celery worker and the fake Douban (see deployment.py)."""
from __future__ import annotations

import pytest

from tests.reliability.deployment import FOUND_MOVIE, deployment

# The movies the load visits: the one the fake Douban knows, and a few it does not (their similar-movie cards
# queue more). Few enough that the worker fetches every queued one within seconds.
LOAD_MOVIES = [FOUND_MOVIE, 1, 3, 4, 5, 6, 7, 8]


@pytest.fixture
def reliability_run() -> int:
    """Which of the repeated runs this is (`--reliability-runs`); 1 when the tests run once."""
    return 1


@pytest.fixture
def running(reliability_run, tmp_path, tiny_artifacts_dir, tiny_dataset_dir):
    """The whole deployment, stopped after the test whatever happened."""
    with deployment(tmp_path, tiny_artifacts_dir, tiny_dataset_dir, LOAD_MOVIES) as running:
        yield running
