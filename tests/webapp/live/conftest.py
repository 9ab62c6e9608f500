"""The site under gunicorn (2 workers, settings from the environment, `tests.browser.site`) on SQLite and on
PostgreSQL, and what the tests of concurrent requests against it use."""
from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text

from tests.browser.site import Site, start_site
from tests.services import throwaway_postgres

pytestmark = pytest.mark.slow
CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
TIMEOUT = 30


@contextmanager
def database(backend: str, workdir: Path) -> Iterator[str]:
    """A SQLite file in `workdir`, or a throwaway PostgreSQL database."""
    if backend == "sqlite":
        yield f"sqlite:///{workdir / 'movrec.sqlite'}"
        return
    with throwaway_postgres("movrec_live") as url:
        yield url


@contextmanager
def running_site(workdir: Path, database_url: str, artifacts: Path, data_dir: Path, **env: str) -> Iterator[Site]:
    """A site started by `start_site`, every process of it gone afterwards."""
    site = start_site(workdir, database_url, artifacts, data_dir, **env)
    try:
        yield site
    finally:
        site.stop()
        assert not site.tree.wait_all_gone(timeout=10), "site processes outlived the test"


@pytest.fixture(scope="package", params=["sqlite", "postgresql"])
def live_site(request, tmp_path_factory, tiny_artifacts_dir, tiny_dataset_dir) -> Iterator[Site]:
    """The tiny-data site under gunicorn with 2 workers, on SQLite then PostgreSQL; registration not limited
    (these tests register many accounts from one address)."""
    workdir = tmp_path_factory.mktemp(f"live-{request.param}")
    with database(request.param, workdir) as url, \
            running_site(workdir, url, tiny_artifacts_dir, tiny_dataset_dir, REGISTER_LIMIT_PER_IP="1000 per hour",
                         LOG_LEVEL="info") as site:
        yield site


def form_token(session: requests.Session, url: str) -> str:
    """The CSRF token of the form at `url` (the session keeps the cookie it belongs to)."""
    response = session.get(url, timeout=TIMEOUT)
    match = CSRF_INPUT.search(response.text)
    assert match, f"no csrf_token in the form at {url} ({response.status_code})"
    return match.group(1)


def all_at_once(calls: list[Callable[[], requests.Response]]) -> list[requests.Response]:
    """Run every call in its own thread, released together by a barrier; their responses in order."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait(timeout=TIMEOUT)
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def count_rows(database_url: str, sql: str, **params) -> int:
    """The single number `sql` selects, read straight from the site's database."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(sql), params).scalar_one()
    finally:
        engine.dispose()


def server_errors(site: Site) -> list[str]:
    """Tracebacks, ERROR lines and 5xx answers in the site's log."""
    return [line for line in site.log.read_text(errors="replace").splitlines()
            if "Traceback" in line or "level=ERROR" in line or "status=5" in line]
