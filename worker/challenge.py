"""Douban's 2026 proof-of-work page on ``sec.douban.com``: read it and solve it (tests/fixtures/douban/NOTES.md, 2).

The page holds ``<form id="sec" action="/c">`` with ``tok``, ``cha``, ``sol`` and ``red``; the browser
finds ``nonce`` such that ``sha512(cha + nonce)`` in hex starts with ``difficulty`` zeros (4 unless the page
has a ``difficulty`` field) and posts the form back. Fields are read by ``name`` or, failing that, ``id``
(metashark's ``DoubanSecHandler`` reads both).
"""
from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

DIFFICULTY = 4
MAX_DIFFICULTY = 6
EXPECTED_WORK_FACTOR = 64  # give up after ~64 times the expected work rather than stall
MAX_TRIES = 1 << 24


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
    fields = {}
    for field in form.find_all("input"):
        key = field.get("name") or field.get("id")
        if key:
            fields[key] = field.get("value", "")
    if not fields.get("cha") or "tok" not in fields:
        return None
    return form.get("action") or "/c", fields


def difficulty_of(fields: dict[str, str]) -> int | None:
    """The number of leading zeros the form asks for (``DIFFICULTY`` without a field), ``None`` when the field
    is unreadable or beyond ``MAX_DIFFICULTY`` (not worth the work)."""
    raw = fields.get("difficulty", "").strip()
    if not raw:
        return DIFFICULTY
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_DIFFICULTY:
        return None
    return int(raw)


def solve(cha: str, difficulty: int = DIFFICULTY, max_tries: int | None = None) -> str | None:
    """The first nonce whose ``sha512(cha + nonce)`` hex digest starts with ``difficulty`` zeros, if found in time
    (``max_tries``: by default ~64 times the expected work, at most ``MAX_TRIES``)."""
    if max_tries is None:
        max_tries = min(EXPECTED_WORK_FACTOR * 16 ** difficulty, MAX_TRIES)
    prefix = "0" * difficulty
    base = hashlib.sha512(cha.encode())
    for nonce in range(max_tries):
        digest = base.copy()
        digest.update(str(nonce).encode())
        if digest.hexdigest().startswith(prefix):
            return str(nonce)
    return None
