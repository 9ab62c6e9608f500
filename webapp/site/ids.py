"""Ids as written in URLs and query strings: ASCII digits, no sign, no leading zero, at most `MAX_ID`. Any
other spelling ("01", "٣", "+3", "9" * 20) is no id, so one movie has one URL and nothing overflows."""
from __future__ import annotations

import re

MAX_ID = 2**31 - 1  # PostgreSQL INTEGER; SQLite would overflow only past 2**63 - 1
ID_PATTERN = r"[1-9][0-9]{0,9}"
_ID = re.compile(ID_PATTERN)


def parse_id(raw: str | None, maximum: int = MAX_ID) -> int | None:
    """`raw` as an id from 1 to `maximum`, or None when it is not one written the one way."""
    if raw is None or not _ID.fullmatch(raw):
        return None
    value = int(raw)
    return value if value <= maximum else None
