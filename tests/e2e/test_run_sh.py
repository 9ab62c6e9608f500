"""The README's first command, end to end: ./run.sh brings up the site, its worker and beat.

Run twice: with the embedded defaults (SQLite, Celery over Kombu's SQLAlchemy transport; no server) and
with the machine's PostgreSQL (a throwaway database) and Redis (a dedicated database number). Each run
registers, rates, gets picks, waits for a poster the worker fetched from the local fake Douban, stops
the whole site the way Ctrl-C does, and checks that no process is left behind.
"""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
import yaml
from bs4 import BeautifulSoup

from tests.e2e.system import (TOKEN_VARIABLE, ProcessTree, clean_environment, free_port, port_is_closed, tail,
                              wait_for_http)
from tests.services import private_redis, throwaway_postgres

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SHAWSHANK = 2  # "Shawshank Redemption, The (1994)" in tests/factory.py, a film the fake Douban knows


@pytest.fixture
def tree():
    processes = ProcessTree()
    yield processes
    processes.kill()


@pytest.fixture
def douban(tmp_path):
    """The worker's Douban settings, pointed at a fake Douban on a free port, with a tiny rate interval."""
    fake = ProcessTree()  # apart from the site's processes, which must all be gone while this one still runs
    port = free_port()
    log = tmp_path / "fake_douban.log"
    proc = fake.start([sys.executable, "-m", "tests.worker.fake_douban", "--port", str(port)],
                      clean_environment(), log, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{base}/j/subject_suggest?q=1", proc, log, timeout=20)
        yield {"DOUBAN_SEARCH_URL": f"{base}/search", "DOUBAN_SUGGEST_URL": f"{base}/j/subject_suggest",
               "DOUBAN_SUBJECT_URL": f"{base}/subject/", "DOUBAN_MIN_INTERVAL": "0.05",
               "DOUBAN_IMAGE_MIN_INTERVAL": "0.05", "DOUBAN_IMAGE_HOSTS": "doubanio.com,127.0.0.1"}
    finally:
        fake.kill()


@pytest.fixture
def postgres_url():
    """A database of its own on the machine's PostgreSQL, dropped afterwards."""
    with throwaway_postgres("movrec_e2e") as url:
        yield url


@pytest.fixture
def redis_url():
    """The machine's Redis, on this test's own database number, emptied before and after."""
    with private_redis() as url:
        yield url


def test_embedded_defaults_train_once_then_serve(tree, tmp_path, tiny_dataset_dir, douban):
    """No server at all; the artifacts folder starts empty, so run.sh trains the model first."""
    state = tmp_path / "state"
    env = {
        **douban,
        "MOVREC_DATA_DIR": str(tiny_dataset_dir),
        "MOVREC_ARTIFACTS": str(tmp_path / "artifacts"),
        # The embedded defaults (SQLite, SQLAlchemy broker on SQLite), placed in this test's folder:
        "INSTANCE_DIR": str(state),
        "DATABASE_URL": f"sqlite:///{state}/movrec.sqlite",
        "CELERY_BROKER_URL": f"sqla+sqlite:///{state}/celery-broker.sqlite",
        "POSTER_DIR": str(state / "posters"),
    }
    log = run_site_and_exercise(tree, tmp_path, env)
    assert "training once" in log and "test RMSE" in log
    assert "Celery broker: SQLite through the Kombu SQLAlchemy transport" in log
    assert (tmp_path / "artifacts" / "vectors.npz").is_file()
    assert (state / "secret_key").stat().st_mode & 0o077 == 0, "the generated secret is private"


def test_postgresql_and_redis_reuse_trained_artifacts(tree, tmp_path, tiny_dataset_dir, tiny_artifacts_dir,
                                                      douban, postgres_url, redis_url):
    env = {
        **douban,
        "MOVREC_DATA_DIR": str(tiny_dataset_dir),
        "MOVREC_ARTIFACTS": str(tiny_artifacts_dir),
        "INSTANCE_DIR": str(tmp_path / "state"),
        "DATABASE_URL": postgres_url,
        "REDIS_URL": redis_url,
        "POSTER_DIR": str(tmp_path / "state" / "posters"),
    }
    log = run_site_and_exercise(tree, tmp_path, env, while_up=compose_worker_health_check_passes)
    assert "reusing the trained model" in log and "training once" not in log
    assert "Celery broker: Redis at REDIS_URL" in log


def compose_worker_health_check_passes(env: dict[str, str]) -> None:
    """docker-compose.yml's worker health check, run as written, finds this worker over Redis."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    kind, command = compose["services"]["worker"]["healthcheck"]["test"]
    assert kind == "CMD-SHELL"
    command = command.replace("$$", "$")  # compose's escape for a literal $
    env = {**env, "HOSTNAME": socket.gethostname(), "PATH": f"{Path(sys.executable).parent}:{env['PATH']}"}
    done = subprocess.run(["/bin/sh", "-c", command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "pong" in done.stdout, (done.stdout, done.stderr)


def run_site_and_exercise(tree: ProcessTree, tmp_path: Path, settings: dict[str, str],
                          while_up: Callable[[dict[str, str]], None] | None = None) -> str:
    """Start ./run.sh, use the site, stop it like Ctrl-C, check nothing is left; return its log."""
    port = free_port()
    log = tmp_path / "run.log"
    env = clean_environment(PORT=str(port), WEB_CONCURRENCY="2", WORKER_CONCURRENCY="1", STOP_TIMEOUT="20",
                            **settings)
    site = tree.start([str(ROOT / "run.sh")], env, log, cwd=tmp_path)
    base = f"http://127.0.0.1:{port}"
    health = wait_for_http(f"{base}/healthz", site, log, timeout=150)
    assert health.json()["status"] == "ok"

    use_the_site(base, log)
    # The visit queues dozens of movies, a dozen of them before this one; on a loaded machine a fetch takes seconds.
    wait_for_poster(base, SHAWSHANK, site, log, timeout=240)
    if while_up is not None:
        while_up({**env, TOKEN_VARIABLE: tree.token})  # whatever it starts is tracked too

    started = time.monotonic()
    os.killpg(site.pid, signal.SIGINT)  # what the terminal sends on Ctrl-C
    try:
        status = site.wait(timeout=45)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"still running 45 s after Ctrl-C\n{tail(log)}") from None
    text = log.read_text(errors="replace")
    assert status == 0, f"run.sh exited {status}\n{tail(log)}"
    assert time.monotonic() - started < 30
    for name in ("web", "worker", "beat"):
        assert re.search(rf"stopped: .*\b{name} (0|-15)\b", text), f"{name} did not stop cleanly\n{tail(log)}"
    left = tree.wait_all_gone(timeout=5)
    assert not left, f"left behind: {[(p.pid, p.cmdline()) for p in left]}"
    assert port_is_closed(port)
    return text


def csrf_token(html: str) -> str:
    field = BeautifulSoup(html, "html.parser").find("input", attrs={"name": "csrf_token"})
    assert field is not None, "no csrf_token in the form"
    return field["value"]


def picks(session: requests.Session, base: str) -> list[int]:
    page = session.get(f"{base}/picks", timeout=10)
    assert page.status_code == 200, page.status_code
    grid = BeautifulSoup(page.text, "html.parser").find(id="picks")
    assert grid is not None, "no #picks on /picks"
    return [int(card["data-movie-id"]) for card in grid.find_all(attrs={"data-movie-id": True})]


def use_the_site(base: str, log: Path) -> None:
    """Register, get picks at once, rate three movies, and get picks that take the ratings into account."""
    s = requests.Session()
    form = s.get(f"{base}/register", timeout=10)
    assert form.status_code == 200, tail(log)
    registered = s.post(f"{base}/register", allow_redirects=False, timeout=10, data={
        "csrf_token": csrf_token(form.text), "username": "e2e-user", "password": "correct horse battery",
        "confirm": "correct horse battery", "gender": "F", "age": "25", "occupation": "4"})
    assert registered.status_code == 302 and registered.headers["Location"].endswith("/welcome"), registered.text
    before = picks(s, base)
    assert len(before) >= 5, before

    for movie_id, stars in ((SHAWSHANK, 5), (before[0], 1), (before[1], 1)):
        page = s.get(f"{base}/movies/{movie_id}", timeout=10)
        assert page.status_code == 200
        rated = s.post(f"{base}/movies/{movie_id}/rate", allow_redirects=False, timeout=10,
                       data={"csrf_token": csrf_token(page.text), "stars": str(stars)})
        assert rated.status_code == 302, (rated.status_code, rated.text[:500])

    after = picks(s, base)
    assert len(after) >= 5 and after != before
    assert not {SHAWSHANK, before[0], before[1]} & set(after), "rated movies are not picked again"


def wait_for_poster(base: str, movie_id: int, site: subprocess.Popen, log: Path, timeout: float) -> None:
    """The movie page asked the worker for Douban info; wait until the site serves the fetched poster."""
    deadline = time.monotonic() + timeout
    status = None
    while time.monotonic() < deadline:
        if site.poll() is not None:
            raise AssertionError(f"run.sh exited with {site.returncode} while waiting for a poster\n{tail(log)}")
        poster = requests.get(f"{base}/posters/{movie_id}", timeout=10)
        status = poster.status_code
        if status == 200:
            assert poster.headers["Content-Type"].startswith("image/"), poster.headers
            assert poster.content[:3] == b"\xff\xd8\xff", "a JPEG"
            page = requests.get(f"{base}/movies/{movie_id}", timeout=10).text
            assert f"/posters/{movie_id}" in page, "the movie page shows the stored poster"
            return
        time.sleep(1)
    raise AssertionError(f"/posters/{movie_id}: still {status} after {timeout:.0f} s\n{tail(log, 120)}")
