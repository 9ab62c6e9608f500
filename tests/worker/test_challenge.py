"""The proof-of-work page: its form read by ``name`` or ``id``, its difficulty honoured, the nonce found."""
from __future__ import annotations

import hashlib

from worker.challenge import DIFFICULTY, difficulty_of, read_form, solve


def form(attribute: str, extra: str = "") -> str:
    fields = {"tok": "t1", "cha": "c1", "sol": "", "red": "https://movie.douban.com/subject/1/"}
    inputs = "".join(f'<input type="hidden" {attribute}="{k}" value="{v}">' for k, v in fields.items())
    return f'<html><body><p>载入中 ...</p><form id="sec" method="POST" action="/c">{inputs}{extra}</form></body></html>'


def test_fields_are_read_by_name_or_by_id():
    for attribute in ("name", "id"):
        action, fields = read_form(form(attribute))
        assert action == "/c" and fields == {"tok": "t1", "cha": "c1", "sol": "", "red": "https://movie.douban.com/subject/1/"}
    assert read_form("<html><body><form id='other'></form></body></html>") is None
    assert read_form(form("name").replace('value="c1"', 'value=""')) is None


def test_the_difficulty_field_is_honoured_within_bounds():
    assert difficulty_of(read_form(form("name"))[1]) == DIFFICULTY == 4
    assert difficulty_of(read_form(form("id", '<input id="difficulty" value="5">'))[1]) == 5
    assert difficulty_of({"difficulty": "9"}) is None  # beyond MAX_DIFFICULTY: not worth the work
    assert difficulty_of({"difficulty": "x"}) is None


def test_solve_finds_a_nonce_with_as_many_zeros_as_asked():
    # "movrec-4" was chosen because its first 5-zero nonce is small (28213), so this stays fast.
    nonce = solve("movrec-4", 5)
    assert nonce == "28213"
    assert hashlib.sha512(f"movrec-4{nonce}".encode()).hexdigest().startswith("00000")
    easier = solve("movrec-4", 4)
    assert hashlib.sha512(f"movrec-4{easier}".encode()).hexdigest().startswith("0000") and int(easier) < 28213
    assert solve("movrec-4", 5, max_tries=1000) is None  # gives up rather than stall
