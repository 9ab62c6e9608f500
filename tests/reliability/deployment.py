"""The whole deployment on one machine, for fault tests: gunicorn as production runs it (tests/browser/site.py),
a Celery worker, a PostgreSQL database of the test's own, a Redis server of the test's own (so stopping it
disturbs nobody else), and the fake Douban on loopback; and the checks that nothing was lost or doubled.
"""
from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
import requests

from tests.browser.site import Site, start_site
from tests.e2e.system import free_port, tail
from tests.services import throwaway_postgres
from tests.worker.fake_douban import FakeDouban
from tests.worker.processes import WorkerProcess, wait_until
from tests.reliability.load import SteadyLoad

REDIS_SERVER = "redis-server"
FOUND_MOVIE, FOUND_TITLE = 2, "肖申克的救赎"  # tests/factory.py's movie 2 is The Shawshank Redemption; the fake knows it
SETTLE_TIMEOUT = 30.0


class OwnRedis:
    """A redis-server on a free port with its append-only file in `directory` (as docker-compose.yml runs
    Redis), that a test may stop and start again."""

    def __init__(self, directory: Path):
        self.directory, self.port = directory, free_port()
        self.proc: subprocess.Popen | None = None
        directory.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "OwnRedis":
        if shutil.which(REDIS_SERVER) is None:
            pytest.skip(f"{REDIS_SERVER} is not installed (Debian's redis-server package): the fault tests run their own")
        argv = [REDIS_SERVER, "--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(self.directory),
                "--appendonly", "yes", "--save", "", "--logfile", str(self.directory / "redis.log")]
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        wait_until(lambda: self._ping() or self.proc.poll() is not None, 10, message="redis-server to answer")
        if self.proc.poll() is not None:
            raise AssertionError(f"redis-server exited:\n{tail(self.directory / 'redis.log')}")
        return self

    def stop(self) -> None:
        """SIGTERM, as a service manager stops it: Redis writes its append-only file and exits."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)

    def _ping(self) -> bool:
        import redis

        try:
            return redis.Redis.from_url(self.url, socket_connect_timeout=0.5).ping()
        except redis.RedisError:
            return False


@dataclass
class Deployment:
    """The running parts; `workers` lists every worker started (the live one last)."""

    site: Site
    redis: OwnRedis
    fake: FakeDouban
    database: str
    movie_ids: list[int]
    workdir: Path
    workers: list[WorkerProcess] = field(default_factory=list)

    @property
    def env(self) -> dict[str, str]:
        return self.site.env

    def start_worker(self, name: str) -> WorkerProcess:
        worker = WorkerProcess(self.env, self.workdir / f"{name}.log", name)
        self.workers.append(worker)
        return worker.start()

    def load(self) -> SteadyLoad:
        return SteadyLoad(self.site.url, self.movie_ids)

    def sql(self, query: str, *params) -> list[tuple]:
        with psycopg.connect(self.database, autocommit=True) as conn:
            return conn.execute(query, params).fetchall()

    def health(self) -> dict:
        return requests.get(f"{self.site.url}/healthz", timeout=10).json()

    # ---- the checks after a fault ------------------------------------------------------------------
    def check(self, load: SteadyLoad) -> None:
        """Every request answered, no 5xx (but /healthz's 503 while the database is unreachable), every rating
        answered 302 stored exactly once with its stars, no account doubled, every queued movie settled right."""
        print(load.summary())
        assert not load.unanswered(), "requests without an answer:\n" + "\n".join(
            f"{a.method} {a.path}: {a.error}" for a in load.unanswered()[:20])
        assert not load.server_errors(), "server errors:\n" + "\n".join(
            f"{a.method} {a.path}: {a.status} {a.body[:300]}" for a in load.server_errors()[:20])
        assert load.ratings and load.accounts, "the load saved nothing: " + load.summary()
        self.check_ratings(load)
        self.check_accounts(load)
        self.check_movie_rows()

    def check_ratings(self, load: SteadyLoad) -> None:
        stored = {(name, movie): (stars, copies) for name, movie, stars, copies in self.sql(
            "SELECT u.username, r.movie_id, min(r.stars), count(*) FROM ratings r JOIN users u ON u.id = r.user_id "
            "WHERE u.username = ANY(%s) GROUP BY u.username, r.movie_id", load.attempted_accounts)}
        for name, movie, stars in load.ratings:
            assert stored.get((name, movie)) == (stars, 1), f"{name} rated {movie} {stars}: stored {stored.get((name, movie))}"

    def check_accounts(self, load: SteadyLoad) -> None:
        counts = dict(self.sql("SELECT username_key, count(*) FROM users WHERE username_key = ANY(%s) "
                               "GROUP BY username_key", [n.lower() for n in load.attempted_accounts]))
        assert all(n == 1 for n in counts.values()), f"accounts doubled: {counts}"
        missing = [name for name in load.accounts if counts.get(name.lower()) != 1]
        assert not missing, f"accounts answered 302 but not stored: {missing}"

    def check_movie_rows(self) -> None:
        """Every movie the site queued ends `ok` (the one the fake Douban knows, with its poster) or `not_found`,
        and none is left queued."""
        query = "SELECT movie_id, status, title_zh, poster_path, queued_at, last_error FROM movie_info"
        wait_until(lambda: not [r for r in self.sql(query) if r[4] is not None], SETTLE_TIMEOUT,
                   message="every queued movie to be fetched:\n" + self.worker_log_tail())
        rows = self.sql(query)
        assert rows, "no movie was queued"
        for movie_id, status, title_zh, poster, _queued, error in rows:
            if movie_id == FOUND_MOVIE:
                assert (status, title_zh) == ("ok", FOUND_TITLE), (movie_id, status, error)
                assert (Path(self.env["POSTER_DIR"]) / poster).read_bytes()[:3] == b"\xff\xd8\xff"
            else:
                assert status in ("not_found", "pending"), (movie_id, status, error)

    def worker_log_tail(self) -> str:
        return "\n".join(f"---- {w.name}\n{tail(w.log_path, 30)}" for w in self.workers)


def site_env(redis: OwnRedis, fake: FakeDouban) -> dict[str, str]:
    """Production settings with the fault tests' short intervals: Redis as broker, gate and limit store; the
    fake Douban; a short visibility timeout and circuit so recovery fits in a test."""
    return {
        "REDIS_URL": redis.url,
        "CELERY_BROKER_URL": redis.url,
        "DOUBAN_SEARCH_URL": f"{fake.url}/search",
        "DOUBAN_SUGGEST_URL": f"{fake.url}/j/subject_suggest",
        "DOUBAN_SUBJECT_URL": f"{fake.url}/subject/",
        "DOUBAN_IMAGE_HOSTS": "doubanio.com,127.0.0.1",
        "DOUBAN_MIN_INTERVAL": "0.05",
        "DOUBAN_IMAGE_MIN_INTERVAL": "0.05",
        "DOUBAN_JITTER": "0.01",
        "DOUBAN_CIRCUIT_SECONDS": "3",
        "DOUBAN_TIMEOUT": "5",
        "CELERY_VISIBILITY_TIMEOUT": "4",
        "REGISTER_LIMIT_PER_IP": "100000 per hour",
        "LOG_LEVEL": "info",
    }


@contextmanager
def deployment(workdir: Path, artifacts: Path, dataset: Path, movie_ids: list[int]) -> Iterator[Deployment]:
    """Start everything; on exit stop everything and print the logs' ends."""
    redis = OwnRedis(workdir / "redis").start()
    fake = FakeDouban().start()
    site = None
    running = None
    try:
        with throwaway_postgres("movrec_rel") as url:
            site = start_site(workdir, url, artifacts, dataset, **site_env(redis, fake))
            running = Deployment(site, redis, fake, url.replace("postgresql+psycopg://", "postgresql://"),
                                 movie_ids, workdir)
            running.start_worker("w1")
            try:
                yield running
            finally:
                for worker in running.workers:
                    worker.stop()
                site.stop()
    finally:
        if running is not None:
            print(running.worker_log_tail())
        if site is not None:
            print(f"---- gunicorn\n{site.log_tail(40)}")
        fake.stop()
        redis.stop()
