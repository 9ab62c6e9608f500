"""The sign-in and registration limits as configured: registration is limited per address, addresses come from
trusted proxies only when `TRUSTED_PROXY_COUNT` says so, and an unreachable store falls back to per-process counting, logged once and reported by /healthz."""
from __future__ import annotations

import logging

import pytest

from tests.webapp.helpers import csrf_token, login, register

DOWN = "redis://127.0.0.1:1/0"  # nothing listens on port 1
PROXY = "10.0.0.254"


def sign_out(client) -> None:
    """Sign out if signed in (a refused registration signs nobody in)."""
    if client.get("/logout").status_code == 200:
        client.post("/logout", data={"csrf_token": csrf_token(client, "/logout")})


def test_registration_is_limited_per_address(make_app):
    app = make_app(REGISTER_LIMIT_PER_IP="3 per hour")
    client = app.test_client()
    assert [register_from(client, f"bulk{n}", "10.9.0.1").status_code for n in range(4)] == [302, 302, 302, 429]
    refused = register_from(client, "bulk9", "10.9.0.1")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 3000
    assert register_from(client, "elsewhere", "10.9.0.2").status_code == 302


def register_from(client, name: str, address: str, forwarded_for: str | None = None):
    """Register `name` from `address` (with an `X-Forwarded-For` if given), then sign out."""
    data = {"csrf_token": csrf_token(client, "/register"), "username": name, "password": "long enough",
            "confirm": "long enough", "gender": "F", "age": "25", "occupation": "1"}
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    response = client.post("/register", data=data, headers=headers, environ_base={"REMOTE_ADDR": address})
    sign_out(client)
    return response


def test_behind_a_trusted_proxy_each_visitor_has_their_own_limit(make_app):
    client = make_app(REGISTER_LIMIT_PER_IP="1 per hour", TRUSTED_PROXY_COUNT=1).test_client()
    codes = [register_from(client, f"visitor{n}", PROXY, f"198.51.100.{n}").status_code for n in range(3)]
    assert codes == [302, 302, 302]
    assert register_from(client, "visitor9", PROXY, "198.51.100.1").status_code == 429


def test_without_trusted_proxies_forwarded_addresses_are_ignored(make_app):
    client = make_app(REGISTER_LIMIT_PER_IP="1 per hour").test_client()
    codes = [register_from(client, f"spoofer{n}", PROXY, f"198.51.100.{n}").status_code for n in range(2)]
    assert codes == [302, 429]


@pytest.fixture
def limiter_recovers():
    """The limiter is one object per process (as in production, one app per process): put back its "store is
    down" state after the test, so the next test's app counts in its own store."""
    from webapp.extensions import limiter

    yield
    limiter._storage_dead = False


def test_an_unreachable_store_falls_back_to_per_process_limits_logged_once(make_app, caplog, limiter_recovers):
    app = make_app(LOGIN_LIMIT_PER_ACCOUNT="3 per minute", RATELIMIT_STORAGE_URI=DOWN,
                   RATELIMIT_STORAGE_OPTIONS={"socket_connect_timeout": 1, "socket_timeout": 1})
    client = app.test_client()
    register(client, "paula", "paula's password")
    sign_out(client)
    with caplog.at_level(logging.INFO, logger="flask-limiter"):
        codes = [login(client, "paula", "wrong").status_code for _ in range(5)]
        assert codes == [200, 200, 200, 429, 429]  # still limited, in this process's memory
    warnings = [r for r in caplog.records if r.name == "flask-limiter" and r.levelno >= logging.WARNING]
    assert [r.getMessage() for r in warnings] == ["Rate limit storage unreachable - falling back to in-memory storage"]
    assert all(r.exc_info is None for r in warnings)  # no traceback per attempt
    assert "limiter" in client.get("/healthz").get_json()["degraded"]
