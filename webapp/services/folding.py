"""Text folded in Python, so SQLite and PostgreSQL compare it alike: account names (one key per name however it
is written) and movie titles for search (case and accents ignored)."""
from __future__ import annotations

import unicodedata

USERNAME_PUNCTUATION = frozenset("._-")
# Scripts that are written together: Chinese with Japanese kana.
SCRIPT_GROUPS = {"HIRAGANA": "CJK", "KATAKANA": "CJK", "KATAKANA-HIRAGANA": "CJK"}


def display_username(name: str) -> str:
    """The name as stored and shown: trimmed and NFKC-normalised (full-width "ａｂｃ１" is "abc1")."""
    return unicodedata.normalize("NFKC", name.strip())


def username_key(name: str) -> str:
    """The key two names share when they are the same name: NFKC, case-folded ("Äbc", "äBC", "ÄBC" agree)."""
    return unicodedata.normalize("NFKC", display_username(name).casefold())


def username_problem(name: str) -> str | None:
    """Why `name` (as `display_username` gives it) cannot be a username, or None: only letters, marks, ASCII
    digits and "._-", and letters of one script, so "аdmin" with a Cyrillic "а" cannot pass for "admin"."""
    scripts = set()
    for char in name:
        category = unicodedata.category(char)
        if category.startswith("L"):
            script = unicodedata.name(char, "?").split(" ")[0]
            scripts.add(SCRIPT_GROUPS.get(script, script))
        elif not (category.startswith("M") or char.isascii() and char.isdigit() or char in USERNAME_PUNCTUATION):
            return "characters"
    return "scripts" if len(scripts) > 1 else None


def search_key(text: str) -> str:
    """`text` for search: accents dropped, case folded ("MISÉRABLES" and "misérables" are "miserables")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))
