"""The test helpers' claim on Redis database numbers: two tests (or two test runs) never share one."""
from __future__ import annotations

import redis

from tests.services import REDIS_CLAIM_KEY, private_redis


def test_claims_at_the_same_time_get_different_empty_databases():
    with private_redis() as first, private_redis() as second:
        assert first != second
        one = redis.Redis.from_url(first)
        assert one.keys() == [REDIS_CLAIM_KEY.encode()]
        one.set("left-behind", "x")
    assert one.get("left-behind") is None  # released: emptied
