"""No request makes an outbound network call: Python sockets may only reach loopback.

The guard covers everything that connects through Python's `socket` (HTTP clients, Redis, Kombu);
libpq opens PostgreSQL's socket in C, and that one is configured to 127.0.0.1 by the fixtures.
"""
from __future__ import annotations

import ipaddress
import socket

import pytest

from tests.webapp.helpers import rate, register

PAGES = ["/", "/movies", "/movies?genre=Comedy&page=2", "/movies?q=the", "/movies/2", "/movies/3", "/model",
         "/model/loss-curve.png", "/healthz", "/register", "/login", "/api/movies/2/similar",
         "/api/movies/2/also-liked", "/api/movies/cards?ids=1,2,3", "/posters/2", "/movies/999999"]
SIGNED_IN_PAGES = ["/", "/picks", "/ratings", "/welcome", "/movies/2", "/logout"]


def _is_loopback(address) -> bool:
    if isinstance(address, (str, bytes)) and not isinstance(address, tuple):
        return True  # a Unix socket path
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a name that would need resolving elsewhere


@pytest.fixture
def loopback_only(monkeypatch):
    """Make any socket connection to a non-loopback address fail the test."""
    attempts = []
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def guard(address):
        if not _is_loopback(address):
            attempts.append(address)
            raise OSError(f"outbound connection to {address!r} blocked by the test")

    def connect(sock, address):
        guard(address)
        return real_connect(sock, address)

    def connect_ex(sock, address):
        guard(address)
        return real_connect_ex(sock, address)

    def getaddrinfo(host, *args, **kwargs):
        guard((host if isinstance(host, str) else "", 0))
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return attempts


def test_the_guard_blocks_outbound_connections(loopback_only):
    with pytest.raises(OSError, match="blocked"):
        socket.create_connection(("192.0.2.1", 80), timeout=1)
    assert loopback_only


def test_no_page_reaches_outside(client, loopback_only):
    for url in PAGES:
        assert client.get(url).status_code in (200, 404), url
    register(client, "quinn")
    assert rate(client, 2, 5).status_code == 302
    for url in SIGNED_IN_PAGES:
        assert client.get(url).status_code == 200, url
    assert loopback_only == []
