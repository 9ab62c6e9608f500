"""One account per name however it is written: names are keyed by NFKC + case folding in Python (so SQLite and
PostgreSQL agree), the key is unique in the database, and look-alike names of other scripts are refused."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.webapp.helpers import csrf_token, login, register
from webapp.extensions import db
from webapp.models import User


def sign_out(client) -> None:
    client.post("/logout", data={"csrf_token": csrf_token(client, "/logout")})


def accounts(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(User.username).order_by(User.id)))


def test_a_non_ascii_name_signs_in_again_in_any_case(app, client):
    assert register(client, "Äbc", "Äbc's password").status_code == 302
    sign_out(client)
    for spelling in ("Äbc", "äbc", "ÄBC"):
        assert login(client, spelling, "Äbc's password").status_code == 302, spelling
        sign_out(client)
    assert accounts(app) == ["Äbc"]


@pytest.mark.parametrize("second", ["äbc", "ÄBC", "Äbc", " äbc "])
def test_another_case_of_a_non_ascii_name_is_taken(app, client, second):
    register(client, "Äbc")
    sign_out(client)
    response = register(client, second, "another password")
    assert response.status_code == 200 and "This username is taken." in response.get_data(as_text=True)
    assert accounts(app) == ["Äbc"]


def test_a_full_width_spelling_is_the_same_name(app, client):
    register(client, "admin1")
    sign_out(client)
    response = register(client, "ａｄｍｉｎ１", "another password")  # full-width letters and digit
    assert "This username is taken." in response.get_data(as_text=True)
    assert accounts(app) == ["admin1"]


def test_full_width_names_are_stored_in_their_plain_form(app, client):
    register(client, "ｋｅｉ１")
    assert accounts(app) == ["kei1"]


@pytest.mark.parametrize("name", ["аdmin1", "pаypal", "admіn"])  # a Cyrillic а or і among Latin letters
def test_names_mixing_scripts_are_refused(app, client, name):
    response = register(client, name)
    assert response.status_code == 200 and "Use letters of one alphabet only." in response.get_data(as_text=True)
    assert accounts(app) == []


@pytest.mark.parametrize("name", ["张伟明", "さくら桜", "Ünal", "Σωκράτης", "иван_1"])
def test_names_in_one_script_are_accepted(app, client, name):
    assert register(client, name).status_code == 302
    assert accounts(app) == [name]


@pytest.mark.parametrize("name", ["a٣b", "ab c", "ab@c", "ab\u200bc"])  # non-ASCII digit, space, @, zero width
def test_names_with_other_characters_are_refused(app, client, name):
    response = register(client, name)
    assert response.status_code == 200 and "Use letters, digits" in response.get_data(as_text=True)
    assert accounts(app) == []


def test_the_database_refuses_a_second_account_with_the_same_key(app):
    from sqlalchemy.exc import IntegrityError

    with app.app_context():
        db.session.add(User(username="Twin0", password_hash="x", gender="F", age=25, occupation=1))
        db.session.commit()
        db.session.add(User(username="tWIN0", password_hash="x", gender="F", age=25, occupation=1))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
