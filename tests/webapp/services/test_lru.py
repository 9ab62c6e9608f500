"""The least-recently-used map behind the per-process caches."""
from webapp.services.lru import LruMap


def test_the_least_recently_used_entry_goes_first():
    cache = LruMap(max_entries=2)
    cache.put("a", "A")
    cache.put("b", "B")
    assert cache.get("a") == "A"  # read: now the most recent
    cache.put("c", "C")
    assert cache.get("b") is None and cache.get("a") == "A" and cache.get("c") == "C"


def test_writing_a_key_again_makes_it_the_most_recent():
    cache = LruMap(max_entries=2)
    cache.put("a", "A")
    cache.put("b", "B")
    cache.put("a", "A2")
    cache.put("c", "C")
    assert cache.get("b") is None and cache.get("a") == "A2"


def test_a_popped_key_is_gone_and_popping_a_missing_one_is_harmless():
    cache = LruMap(max_entries=2)
    cache.put("a", "A")
    cache.pop("a")
    cache.pop("never there")
    assert cache.get("a") is None
