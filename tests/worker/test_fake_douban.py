"""The fake Douban runs on its own too (``python -m tests.worker.fake_douban``) and is steered over HTTP."""
from __future__ import annotations

import socket
import subprocess
import sys

import pytest
import requests

from tests.worker.processes import REPO
from worker.douban import parse_search, parse_suggest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_standalone_fake_replays_and_misbehaves_on_request():
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "tests.worker.fake_douban", "--port", str(port)], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        assert "fake Douban on" in proc.stdout.readline()
        assert [r.douban_id for r in parse_search(requests.get(f"{base}/search", params={"q": "逃避可耻却有用"},
                                                               timeout=5).text)] == ["26816519", "35211578", "35071038"]
        assert requests.post(f"{base}/_fake/mode", json={"status": 418, "times": 1}, timeout=5).ok
        assert requests.get(f"{base}/j/subject_suggest", params={"q": "1"}, timeout=5).status_code == 418
        suggested = parse_suggest(requests.get(f"{base}/j/subject_suggest", params={"q": "1"}, timeout=5).text)
        assert [r.title for r in suggested] == ["请回答1988", "十二怒汉", "127小时"]
        log = requests.get(f"{base}/_fake/log", timeout=5).json()
        assert [r["path"] for r in log] == ["/search", "/j/subject_suggest", "/j/subject_suggest"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
