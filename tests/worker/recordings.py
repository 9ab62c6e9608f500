"""Where the recorded Douban responses live (beside the repository, in ../shared) and how to read them."""
from __future__ import annotations

from pathlib import Path

import pytest

FIXTURE_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures" / "douban"


def fixture_dir() -> Path:
    """The recordings folder; skips the calling test, saying why, when it is absent."""
    if not FIXTURE_DIR.is_dir():
        pytest.skip(f"recorded Douban responses not found at {FIXTURE_DIR.resolve()}")
    return FIXTURE_DIR


def read(name: str) -> str:
    """One recorded response as text (UTF-8)."""
    return (fixture_dir() / name).read_text(encoding="utf-8")


def names(pattern: str) -> list[str]:
    """Recorded file names matching a glob, sorted; empty when the folder is absent."""
    return sorted(p.name for p in FIXTURE_DIR.glob(pattern)) if FIXTURE_DIR.is_dir() else []
