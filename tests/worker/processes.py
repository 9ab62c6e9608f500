"""Real ``celery -A worker.make_celery worker`` processes for the integration tests, always stopped afterwards."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))
START_TIMEOUT = 30.0


def wait_until(predicate, timeout: float, interval: float = 0.1, message: str = "condition"):
    """Poll ``predicate`` until it returns something truthy (returned) or fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {message}")


class WorkerProcess:
    """One worker (its own process group, so the pool child dies with it); logs go to a file."""

    def __init__(self, env: dict, log_path: Path, name: str):
        self.env, self.log_path, self.name = env, log_path, name
        self.proc: subprocess.Popen | None = None

    def start(self) -> "WorkerProcess":
        command = [CELERY, "-A", "worker.make_celery", "worker", "-Q", "douban_interactive,douban_backfill", "-c", "1",
                   "--prefetch-multiplier", "1", "-n", f"{self.name}@%h", "-l", "info",
                   "--without-gossip", "--without-mingle", "--without-heartbeat"]
        env = {**os.environ, **self.env, "PYTHONUNBUFFERED": "1"}
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        wait_until(lambda: b" ready." in self.log_path.read_bytes() or self.proc.poll() is not None,
                   START_TIMEOUT, message=f"worker {self.name} to start")
        if self.proc.poll() is not None:
            raise AssertionError(f"worker {self.name} exited:\n{self.log_path.read_text()[-3000:]}")
        return self

    def kill(self) -> None:
        """SIGKILL the whole worker at once: nothing gets to acknowledge or clean up."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        """Warm shutdown, then SIGKILL if it takes too long."""
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()


class BeatProcess:
    """``celery -A worker.make_celery beat`` with its schedule file in ``tmp_path``."""

    def __init__(self, env: dict, tmp_path: Path):
        self.env, self.tmp_path = env, tmp_path
        self.proc: subprocess.Popen | None = None

    def start(self) -> "BeatProcess":
        command = [CELERY, "-A", "worker.make_celery", "beat", "-s", str(self.tmp_path / "celerybeat-schedule"),
                   "-l", "info"]
        with open(self.tmp_path / "beat.log", "ab") as log:
            self.proc = subprocess.Popen(command, cwd=REPO, env={**os.environ, **self.env}, stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
