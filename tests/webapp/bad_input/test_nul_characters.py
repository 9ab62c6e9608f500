"""A NUL character in any query or form field is a 400 with the "could not be understood" page, on SQLite and
PostgreSQL alike (PostgreSQL refuses NUL in text, so a search or sign-in carrying one used to be a 500), and
nothing is written."""
from __future__ import annotations

import pytest

from tests.webapp.bad_input.conftest import REFUSED
from tests.webapp.helpers import csrf_token, register


@pytest.mark.parametrize("query", ["q=a%00b", "genre=Drama%00", "genre=%00", "year=1995%00", "page=%00",
                                   "q%00=x"])
def test_nul_in_a_query_parameter_is_a_400(client, query):
    response = client.get(f"/movies?{query}")
    assert response.status_code == 400 and REFUSED in response.get_data(as_text=True)


def test_nul_in_an_api_query_is_a_json_400(client):
    response = client.get("/api/movies/2/similar?k=5%00")
    assert response.status_code == 400 and response.is_json


def test_nul_in_a_sign_in_name_is_a_400_and_signs_nobody_in(client, stored):
    register(client, "nora", "nora's password")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/logout")})
    data = {"csrf_token": csrf_token(client, "/login"), "username": "no\x00ra", "password": "nora's password"}
    response = client.post("/login", data=data)
    assert response.status_code == 400 and REFUSED in response.get_data(as_text=True)
    assert client.get("/picks").status_code == 302  # still signed out
    assert stored() == (["nora"], [])


@pytest.mark.parametrize("field", ["username", "password", "gender"])
def test_nul_in_a_registration_field_is_a_400_and_makes_no_account(client, stored, field):
    data = {"csrf_token": csrf_token(client, "/register"), "username": "nadia", "password": "long enough",
            "confirm": "long enough", "gender": "F", "age": "25", "occupation": "1"}
    data[field] += "\x00"
    response = client.post("/register", data=data)
    assert response.status_code == 400 and REFUSED in response.get_data(as_text=True)
    assert stored() == ([], [])


def test_nul_in_a_rating_keeps_the_rating_there_was(client, stored):
    register(client, "nell")
    token = csrf_token(client, "/movies/2")
    assert client.post("/movies/2/rate", data={"csrf_token": token, "stars": "3"}).status_code == 302
    for data in ({"stars": "4\x00"}, {"stars": "4", "next": "/ratings\x00"}):
        response = client.post("/movies/2/rate", data={"csrf_token": token, **data})
        assert response.status_code == 400
    assert stored() == (["nell"], [("nell", 2, 3)])
