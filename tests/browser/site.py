"""Start the real site the way production does, from the environment only, and stop every process after.

`start_site` applies the migrations (`flask --app webapp db upgrade`), imports the catalogue
(`flask --app webapp movrec import`) and starts `gunicorn --config gunicorn.conf.py 'webapp:create_app()'`
on a free port. The browser test and the benchmarks in bench/ use it.
"""
from __future__ import annotations

import secrets
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from tests.e2e.system import ProcessTree, clean_environment, free_port, tail, wait_for_http

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PREPARE_TIMEOUT = 300  # seconds for `db upgrade` and `movrec import` (ML-1M's import takes a few)


@dataclass
class Site:
    """A running site: its URL, environment, the gunicorn master and the processes to kill."""

    url: str
    env: dict[str, str]
    master: subprocess.Popen
    log: Path
    tree: ProcessTree = field(repr=False)

    def worker_pids(self) -> list[int]:
        """The gunicorn worker processes (children of the master)."""
        return [child.pid for child in psutil.Process(self.master.pid).children()]

    def log_tail(self, lines: int = 60) -> str:
        return tail(self.log, lines)

    def stop(self) -> None:
        """Kill gunicorn and everything it started (idempotent)."""
        self.tree.kill()


def site_environment(workdir: Path, database_url: str, artifacts: Path, data_dir: Path, port: int,
                     **extra: str) -> dict[str, str]:
    """The production environment of a throwaway site: nothing from the developer's shell leaks in.

    REDIS_URL stays unset (the sign-in limits count in a SQLite file in `workdir`), and the Celery broker is a
    SQLite file in `workdir`, so a page that asks for Douban info never touches a shared Redis or ./instance.
    `extra` adds settings or replaces these.
    """
    defaults = dict(
        DATABASE_URL=database_url,
        MOVREC_ARTIFACTS=str(artifacts),
        MOVREC_DATA_DIR=str(data_dir),
        SECRET_KEY=secrets.token_hex(32),
        POSTER_DIR=str(workdir / "posters"),
        INSTANCE_DIR=str(workdir),
        CELERY_BROKER_URL=f"sqla+sqlite:///{workdir / 'celery-broker.sqlite'}",
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY="2",
        LOG_LEVEL="warning",
    )
    return clean_environment(**{**defaults, **extra})


def prepare_database(env: dict[str, str], workdir: Path) -> None:
    """Migrate to head and import the catalogue, with the same commands as scripts/prepare.sh."""
    for name, argv in (("db-upgrade", ["db", "upgrade"]), ("import", ["movrec", "import"])):
        log = workdir / f"{name}.log"
        with open(log, "wb") as out:
            done = subprocess.run([str(BIN / "flask"), "--app", "webapp", *argv], env=env, cwd=ROOT,
                                  stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                  timeout=PREPARE_TIMEOUT)
        if done.returncode != 0:
            raise RuntimeError(f"flask --app webapp {' '.join(argv)} failed ({done.returncode}):\n{tail(log)}")


def start_site(workdir: Path, database_url: str, artifacts: Path, data_dir: Path, startup_timeout: float = 120,
               **extra_env: str) -> Site:
    """Prepare the database and start gunicorn; returns once `/healthz` answers 200.

    The caller must call `Site.stop()` (in a finalizer): the processes run in their own session.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = site_environment(workdir, database_url, artifacts, data_dir, port, **extra_env)
    prepare_database(env, workdir)
    tree = ProcessTree()
    log = workdir / "gunicorn.log"
    master = tree.start([str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "webapp:create_app()"],
                        env=env, log=log, cwd=ROOT)
    site = Site(url=f"http://127.0.0.1:{port}", env=env, master=master, log=log, tree=tree)
    try:
        wait_for_http(f"{site.url}/healthz", master, log, timeout=startup_timeout)
    except BaseException:
        site.stop()
        raise
    return site
