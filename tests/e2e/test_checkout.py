"""A checkout that converts line endings (Windows' core.autocrlf) still gives the scripts LF endings."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUN_IN_LINUX = ["run.sh", "scripts/prepare.sh", "scripts/python.sh", ".ci/run", "Procfile", "Dockerfile",
                "docker-compose.yml", "Makefile"]


def test_a_crlf_checkout_keeps_lf_in_what_runs_in_linux(tmp_path):
    if shutil.which("git") is None or subprocess.run(["git", "-C", str(ROOT), "rev-parse"],
                                                     capture_output=True).returncode != 0:
        pytest.skip("not a git checkout: nothing to clone")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", "-c", "core.autocrlf=true", str(ROOT), str(clone)], check=True,
                   timeout=120)
    crlf = [name for name in RUN_IN_LINUX if b"\r\n" in (clone / name).read_bytes()]
    assert not crlf, f"checked out with CRLF: {crlf}"
    recorded = clone / "tests/fixtures/douban/subject_3541415.html"
    assert recorded.read_bytes() == (ROOT / "tests/fixtures/douban/subject_3541415.html").read_bytes()
