"""scripts/supervise.py: runs a Procfile's processes together and leaves none behind when it stops."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[2]
SUPERVISE = [sys.executable, str(ROOT / "scripts" / "supervise.py")]

POLITE = ("python3 -c \"import signal, sys, time; print('up', flush=True); "
          "signal.signal(signal.SIGTERM, lambda *a: (print('bye', flush=True), sys.exit(0))); time.sleep(60)\"")


def environment(tmp_path: Path, **settings: str) -> dict[str, str]:
    """The environment without a secret key, the local state (where a key would be kept) in ``tmp_path``."""
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    return {**env, "INSTANCE_DIR": str(tmp_path / "state"), **settings}


def start(tmp_path: Path, procfile: str, *args: str) -> subprocess.Popen:
    (tmp_path / "Procfile").write_text(procfile)
    return subprocess.Popen([*SUPERVISE, "--procfile", str(tmp_path / "Procfile"), *args], env=environment(tmp_path),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)


def descendants_after(proc: subprocess.Popen, seconds: float) -> list[psutil.Process]:
    """Wait until every process has started, then list the supervisor's descendants."""
    time.sleep(seconds)
    return psutil.Process(proc.pid).children(recursive=True)


def assert_all_gone(processes: list[psutil.Process]) -> None:
    gone, alive = psutil.wait_procs(processes, timeout=3)
    assert not alive, f"left behind: {alive}"


@pytest.fixture
def reap():
    started: list[subprocess.Popen] = []
    yield started.append
    for proc in started:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_ctrl_c_stops_every_process_and_their_children(tmp_path, reap):
    proc = start(tmp_path, f"polite: {POLITE}\nshell: sleep 60 & sleep ${{NAP:-60}}\n")
    reap(proc)
    children = descendants_after(proc, 1.5)
    assert len(children) >= 3  # polite, the shell, and the shell's background sleep
    os.killpg(proc.pid, signal.SIGINT)  # what the terminal does on Ctrl-C
    out, _ = proc.communicate(timeout=15)
    assert proc.returncode == 0, out
    assert "polite | up" in out and "polite | bye" in out
    assert_all_gone(children)


def test_stopping_still_works_when_the_output_reader_is_gone(tmp_path, reap):
    """`./run.sh | tee log` and Ctrl-C: tee dies first, and the supervisor must not die of a broken pipe."""
    proc = start(tmp_path, f"polite: {POLITE}\n")
    reap(proc)
    children = descendants_after(proc, 1.0)
    proc.stdout.close()
    os.killpg(proc.pid, signal.SIGINT)
    assert proc.wait(timeout=15) == 0
    assert_all_gone(children)


def test_one_process_exiting_stops_the_others_with_failure(tmp_path, reap):
    proc = start(tmp_path, f"polite: {POLITE}\nbroken: python3 -c \"import sys, time; time.sleep(1); sys.exit(3)\"\n")
    reap(proc)
    children = descendants_after(proc, 0.5)
    out, _ = proc.communicate(timeout=15)
    assert proc.returncode == 1
    assert "broken exited with status 3" in out and "polite | bye" in out
    assert_all_gone(children)


def test_a_process_ignoring_sigterm_is_killed_after_the_timeout(tmp_path, reap):
    stubborn = "python3 -c \"import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)\""
    proc = start(tmp_path, f"stubborn: {stubborn}\n", "--stop-timeout", "1")
    reap(proc)
    children = descendants_after(proc, 1.0)
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=15)
    assert 0.9 < time.monotonic() - started < 8
    assert "killing stubborn" in out and proc.returncode == 1
    assert_all_gone(children)


def test_exec_runs_one_entry_in_place_with_the_shell_expanding_variables(tmp_path):
    (tmp_path / "Procfile").write_text("# comment\n\nhello: echo \"hi ${WHO:-there}\"\nother: false\n")
    done = subprocess.run([*SUPERVISE, "--procfile", str(tmp_path / "Procfile"), "--exec", "hello"],
                          capture_output=True, text=True, timeout=10, env=environment(tmp_path, WHO="you"))
    assert (done.returncode, done.stdout) == (0, "hi you\n")
    missing = subprocess.run([*SUPERVISE, "--procfile", str(tmp_path / "Procfile"), "--exec", "nope"],
                             capture_output=True, text=True, timeout=10, env=environment(tmp_path))
    assert missing.returncode != 0 and "no entry 'nope'" in missing.stderr


def test_the_project_procfile_runs_web_worker_and_beat():
    sys.path.insert(0, str(ROOT / "scripts"))
    from supervise import read_procfile

    entries = read_procfile(ROOT / "Procfile")
    assert set(entries) == {"web", "worker", "beat"}
    assert entries["web"].startswith("gunicorn --config gunicorn.conf.py")
    assert "douban_interactive" in entries["worker"] and "douban_backfill" in entries["worker"]


def test_without_a_secret_key_the_processes_share_one_made_on_the_first_start(tmp_path):
    (tmp_path / "Procfile").write_text("key: echo \"$SECRET_KEY\"\n")
    command = [*SUPERVISE, "--procfile", str(tmp_path / "Procfile"), "--exec", "key"]
    together = [subprocess.Popen(command, env=environment(tmp_path), stdout=subprocess.PIPE, text=True)
                for _ in range(4)]  # containers starting at once
    keys = {proc.communicate(timeout=20)[0].strip() for proc in together}
    assert len(keys) == 1 and len(keys.pop()) == 64
    kept = tmp_path / "state" / "secret_key"
    assert kept.stat().st_mode & 0o077 == 0, "readable by this user only"
    assert sorted(p.name for p in kept.parent.iterdir()) == ["secret_key"]
    again = subprocess.run(command, env=environment(tmp_path), capture_output=True, text=True, timeout=10)
    assert again.stdout.strip() == kept.read_text().strip()
    given = subprocess.run(command, env=environment(tmp_path, SECRET_KEY="given"), capture_output=True, text=True,
                           timeout=10)
    assert given.stdout == "given\n"
