"""Start processes for an end-to-end test and make sure none outlives it.

Every process a test starts carries `MOVREC_E2E_TOKEN=<random>` in its environment, and so does every
process those start (gunicorn workers, Celery's pool, shells): the token finds them all, even in other
sessions or process groups, whatever they were reparented to.
"""
from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import time
from pathlib import Path

import psutil
import requests

TOKEN_VARIABLE = "MOVREC_E2E_TOKEN"
# Settings a developer's shell may hold that would point a test run at the wrong place.
LEAKY_PREFIXES = ("MOVREC_", "DOUBAN_", "FLASK_", "CELERY_")
LEAKY_NAMES = {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "POSTER_DIR", "INSTANCE_DIR", "PORT", "HOST",
               "WEB_CONCURRENCY", "WORKER_CONCURRENCY"}


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def clean_environment(**settings: str) -> dict[str, str]:
    """This process's environment without the project's settings, plus `settings`."""
    env = {k: v for k, v in os.environ.items()
           if k not in LEAKY_NAMES and not k.startswith(LEAKY_PREFIXES)}
    return {**env, **settings}


class ProcessTree:
    """Processes started with one token; `kill()` ends every one of them, wherever it went."""

    def __init__(self) -> None:
        self.token = secrets.token_hex(8)
        self.started: list[subprocess.Popen] = []

    def start(self, argv: list[str], env: dict[str, str], log: Path, cwd: Path) -> subprocess.Popen:
        """Start `argv` as the leader of a new session, output to `log`."""
        with open(log, "wb") as out:
            proc = subprocess.Popen(argv, env={**env, TOKEN_VARIABLE: self.token}, cwd=cwd,
                                    stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        self.started.append(proc)
        return proc

    def alive(self) -> list[psutil.Process]:
        """Every running process that carries the token (zombies excluded: they are already gone)."""
        found = []
        for proc in psutil.process_iter(["pid"]):
            try:
                if proc.environ().get(TOKEN_VARIABLE) == self.token and proc.status() != psutil.STATUS_ZOMBIE:
                    found.append(proc)
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                continue
        return found

    def wait_all_gone(self, timeout: float) -> list[psutil.Process]:
        """Wait until no process carries the token; return those still alive after `timeout`."""
        deadline = time.monotonic() + timeout
        while (left := self.alive()) and time.monotonic() < deadline:
            time.sleep(0.2)
        return left

    def kill(self) -> None:
        """SIGKILL every process with the token, and reap the ones this test started."""
        for proc in self.started:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        for proc in self.alive():
            try:
                proc.kill()
            except psutil.NoSuchProcess:
                pass
        for proc in self.started:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass


def wait_for_http(url: str, proc: subprocess.Popen, log: Path, timeout: float) -> requests.Response:
    """GET `url` until it answers 200; fail early, with the log's end, if `proc` exits first."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"exited with {proc.returncode} before {url} answered\n{tail(log)}")
        try:
            response = requests.get(url, timeout=5)
            if response.status_code == 200:
                return response
            last = f"HTTP {response.status_code}"
        except requests.RequestException as exc:
            last = type(exc).__name__
        time.sleep(0.5)
    raise AssertionError(f"{url}: {last} after {timeout:.0f} s\n{tail(log)}")


def tail(log: Path, lines: int = 60) -> str:
    """The end of a log file, for failure messages."""
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return f"({log} not written)"


def port_is_closed(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0
