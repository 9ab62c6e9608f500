"""Forms with fields left out or too long re-render with a message on the field (registration) or on the form
(sign-in), in the visitor's language, and write nothing."""
from __future__ import annotations

import re

import pytest

from tests.webapp.helpers import csrf_token, login, register

REGISTRATION = {"username": "carol", "password": "long enough", "confirm": "long enough", "gender": "F",
                "age": "35", "occupation": "3"}


def field_errors(html: str) -> list[str]:
    return re.findall(r'<p class="field-error">([^<]*)</p>', html)


@pytest.mark.parametrize("missing", list(REGISTRATION))
def test_a_missing_registration_field_is_named_and_nothing_is_written(client, stored, missing):
    data = {"csrf_token": csrf_token(client, "/register"),
            **{name: value for name, value in REGISTRATION.items() if name != missing}}
    response = client.post("/register", data=data)
    assert response.status_code == 200
    expected = "Choose your age." if missing == "age" else "This field is required."
    assert expected in field_errors(response.get_data(as_text=True))
    assert stored() == ([], [])


def test_an_empty_registration_names_every_field(client, stored):
    response = client.post("/register", data={"csrf_token": csrf_token(client, "/register")})
    assert response.status_code == 200
    errors = field_errors(response.get_data(as_text=True))
    assert errors.count("This field is required.") == 5 and errors.count("Choose your age.") == 1
    assert stored() == ([], [])


@pytest.mark.parametrize("fields, message", [
    ({"username": "u" * 41}, "Field must be between 3 and 40 characters long."),
    ({"username": "u" * 100_000}, "Field must be between 3 and 40 characters long."),
    ({"password": "p" * 129, "confirm": "p" * 129}, "Field must be between 8 and 128 characters long."),
    ({"username": "ab"}, "Field must be between 3 and 40 characters long."),
])
def test_an_overlong_or_short_registration_field_is_refused(client, stored, fields, message):
    response = client.post("/register", data={"csrf_token": csrf_token(client, "/register"), **REGISTRATION,
                                              **fields})
    assert response.status_code == 200 and message in field_errors(response.get_data(as_text=True))
    assert stored() == ([], [])


@pytest.mark.parametrize("fields, message", [
    ({"username": ""}, "This field is required."),
    ({"password": ""}, "This field is required."),
    ({"username": "u" * 41}, "Field cannot be longer than 40 characters."),
    ({"password": "p" * 129}, "Field cannot be longer than 128 characters."),
])
def test_a_missing_or_overlong_sign_in_field_is_refused(client, fields, message):
    register(client, "carol", "long enough")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/logout")})
    response = client.post("/login", data={"csrf_token": csrf_token(client, "/login"), "username": "carol",
                                           "password": "long enough", **fields})
    assert response.status_code == 200 and message in field_errors(response.get_data(as_text=True))
    assert client.get("/picks").status_code == 302  # not signed in
    assert login(client, "carol", "long enough").status_code == 302  # and the account is intact


def test_a_missing_field_is_named_in_chinese(client):
    client.get("/language/zh")
    response = client.post("/register", data={"csrf_token": csrf_token(client, "/register"), "username": "kim"})
    assert response.status_code == 200
    assert "该字段是必填字段。" in field_errors(response.get_data(as_text=True))
    assert "This field is required." not in response.get_data(as_text=True)
