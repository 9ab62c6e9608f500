"""Douban's 2026 proof-of-work page on ``sec.douban.com``: read it and solve it (tests/fixtures/douban/NOTES.md, 2).

The page holds ``<form id="sec" action="/c">`` with ``tok``, ``cha``, ``sol`` and ``red``; the browser
finds ``nonce`` such that ``sha512(cha + nonce)`` in hex starts with ``0000`` and posts the form back.
"""
from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

DIFFICULTY = 4
MAX_TRIES = 1 << 22  # ~64 times the expected work at difficulty 4: give up rather than stall


def is_sec_url(url: str) -> bool:
    """True for Douban's security host (``sec.douban.com``) and its ``/b`` (block) and ``/c`` (challenge) pages."""
    parts = urlsplit(url)
    return parts.netloc.startswith("sec.") or (parts.path in ("/b", "/c") and "r=" in parts.query)


def is_challenge_url(url: str) -> bool:
    """True for the proof-of-work page (``/c``), as opposed to a plain block (``/b``)."""
    return is_sec_url(url) and urlsplit(url).path == "/c"


def read_form(html: str) -> tuple[str, dict[str, str]] | None:
    """``(action, fields)`` of the challenge form, or ``None`` when the page has none."""
    form = BeautifulSoup(html, "html.parser").find("form", id="sec")
    if form is None:
        return None
    fields = {i.get("name"): i.get("value", "") for i in form.find_all("input") if i.get("name")}
    if not fields.get("cha") or "tok" not in fields:
        return None
    return form.get("action") or "/c", fields


def solve(cha: str, difficulty: int = DIFFICULTY, max_tries: int = MAX_TRIES) -> str | None:
    """The first nonce whose ``sha512(cha + nonce)`` hex digest starts with ``difficulty`` zeros, if found in time."""
    prefix = "0" * difficulty
    base = hashlib.sha512(cha.encode())
    for nonce in range(max_tries):
        digest = base.copy()
        digest.update(str(nonce).encode())
        if digest.hexdigest().startswith(prefix):
            return str(nonce)
    return None
