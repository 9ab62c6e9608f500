"""The recorded Douban responses in tests/fixtures/douban (provenance: SOURCES.md there) and how to read them."""
from __future__ import annotations

from pathlib import Path

FIXTURE_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "douban"


def read(name: str) -> str:
    """One recorded response as text (UTF-8)."""
    return (FIXTURE_DIR / name).read_text(encoding="utf-8")


def names(pattern: str) -> list[str]:
    """Recorded file names matching a glob, sorted."""
    return sorted(p.name for p in FIXTURE_DIR.glob(pattern))
