"""Signing out ends the session for good: a copy of the cookie taken before no longer signs anyone in (the
account's session version moves on), and the CSRF token changes at sign-in and at sign-out."""
from __future__ import annotations

from tests.webapp.helpers import csrf_token, login, register


def test_a_cookie_copied_before_sign_out_is_signed_out_after_it(app, client):
    register(client, "ivan", "ivan's password")
    copied = client.get_cookie("session").value
    assert client.get("/picks").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(client, "/logout")})
    thief = app.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/picks")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_signing_in_again_works_after_sign_out(client):
    register(client, "judy", "judy's password")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/logout")})
    assert login(client, "judy", "judy's password").status_code == 302
    assert client.get("/picks").status_code == 200


def test_csrf_token_is_new_after_sign_in_and_after_sign_out(client):
    register(client, "kate", "kate's password")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/logout")})
    visitor_token = csrf_token(client, "/login")
    login(client, "kate", "kate's password")
    member_token = csrf_token(client, "/logout")
    assert member_token != visitor_token
    client.post("/logout", data={"csrf_token": member_token})
    assert csrf_token(client, "/login") != member_token
    # the old token no longer posts anything
    refused = client.post("/login", data={"csrf_token": member_token, "username": "kate",
                                          "password": "kate's password"})
    assert refused.status_code == 400


def test_registering_starts_with_a_new_csrf_token(client):
    visitor_token = csrf_token(client, "/register")
    register(client, "liam", "liam's password")
    assert csrf_token(client, "/logout") != visitor_token
