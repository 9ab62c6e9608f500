"""PageCache: served only at the version it was stored with, until it expires, least recently used out first."""
from __future__ import annotations

import time

from webapp.services.page_cache import PageCache


def test_entry_is_served_only_while_its_version_holds():
    cache = PageCache()
    cache.put("k", (1, 2), "v1", b"page")
    seen = []
    assert cache.get("k", lambda ids: seen.append(ids) or "v1") == b"page"
    assert seen == [(1, 2)]
    assert cache.get("k", lambda ids: "v2") is None
    assert cache.get("k", lambda ids: "v1") is None  # a stale entry is dropped


def test_entries_expire(monkeypatch):
    cache = PageCache(ttl=10)
    cache.put("k", (), "v", b"page")
    now = time.monotonic()
    monkeypatch.setattr(time, "monotonic", lambda: now + 11)
    assert cache.get("k", lambda ids: "v") is None


def test_least_recently_used_entry_goes_first():
    cache = PageCache(max_entries=2)
    cache.put("a", (), "v", b"a")
    cache.put("b", (), "v", b"b")
    assert cache.get("a", lambda ids: "v") == b"a"
    cache.put("c", (), "v", b"c")
    assert cache.get("b", lambda ids: "v") is None
    assert cache.get("a", lambda ids: "v") == b"a" and cache.get("c", lambda ids: "v") == b"c"
