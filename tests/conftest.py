"""Fixtures several test folders need: a generated dataset and artifacts trained on it, the genuine
MovieLens copies, the machine's PostgreSQL and Redis, the local fake Douban, and an app configured like a
worker process on either database."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.factory import write_ml1m
from tests.services import private_redis, throwaway_postgres
from tests.worker.fake_douban import FakeDouban
from tests.worker_setup import app_from_env, worker_env
from webapp.extensions import db

def pytest_addoption(parser):
    parser.addoption("--reliability-runs", type=int, default=1, metavar="N",
                     help="run each test marked `reliability` N times in a row (CI: `make test-reliability`, N=5)")


def pytest_generate_tests(metafunc):
    """With --reliability-runs N, each fault test runs N times, as `test[run1]` ... `test[runN]`."""
    runs = metafunc.config.getoption("reliability_runs")
    if runs > 1 and metafunc.definition.get_closest_marker("reliability") and "reliability_run" in metafunc.fixturenames:
        metafunc.parametrize("reliability_run", range(1, runs + 1), ids=[f"run{n}" for n in range(1, runs + 1)])


SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SHARED_DATA = SHARED / "data"


@pytest.fixture(scope="session")
def tiny_dataset_dir(tmp_path_factory) -> Path:
    """A generated ML-1M-format directory: 120 movies, 80 users, 4,000 ratings."""
    return write_ml1m(tmp_path_factory.mktemp("ml-tiny"))


@pytest.fixture(scope="session")
def tiny_artifacts_dir(tmp_path_factory, tiny_dataset_dir) -> Path:
    """Artifacts of the default model trained on the tiny dataset (a few seconds)."""
    from movrec.dataset import load
    from movrec.train import TrainConfig, train

    out = tmp_path_factory.mktemp("artifacts")
    train(load(tiny_dataset_dir), out, TrainConfig(epochs=40, batch_size=8))
    return out


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The genuine MovieLens copies beside the repository (skipped, saying why, when absent)."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"genuine MovieLens data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(autouse=True)
def _no_dataset_env(monkeypatch):
    """Tests never pick up a developer's MOVREC_DATA_DIR by accident."""
    if "MOVREC_DATA_DIR" in os.environ:
        monkeypatch.delenv("MOVREC_DATA_DIR")


@pytest.fixture
def redis_url():
    """A Redis database of this test's own, empty."""
    with private_redis() as url:
        yield url


@pytest.fixture
def pg_url():
    """A throwaway PostgreSQL database, dropped afterwards."""
    with throwaway_postgres("movrec_worker") as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path):
    """A SQLite file of this test's own."""
    return f"sqlite:///{tmp_path / 'movrec.sqlite'}"


@pytest.fixture
def fake():
    """A fresh fake Douban on a loopback port, replaying tests/fixtures/douban."""
    server = FakeDouban().start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def worker_app(request, fake, tmp_path):
    """An app configured like a worker process (``tests.worker_setup``) on SQLite, then on PostgreSQL,
    inside its app context."""
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    app = app_from_env(worker_env(url, fake, tmp_path, None), tmp_path)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
