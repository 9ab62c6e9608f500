"""Registering, onboarding, signing in and out: CSRF, hashing, validation, safe redirects, rate limits."""
from __future__ import annotations

import re
import secrets

import pytest
from sqlalchemy import func, select

from tests.webapp.helpers import csrf_token, login, register
from webapp.extensions import db
from webapp.models import Rating, User


def users_named(app, username: str) -> list[User]:
    with app.app_context():
        return list(db.session.scalars(select(User).where(func.lower(User.username) == username.lower())))


def test_register_creates_a_hashed_account_signs_in_and_goes_to_onboarding(app, client):
    response = register(client, "alice", "correct horse", gender="F", age=18, occupation=12)
    assert response.status_code == 302 and response.headers["Location"] == "/welcome"
    user, = users_named(app, "alice")
    assert (user.gender, user.age, user.occupation) == ("F", 18, 12)
    assert user.password_hash.startswith("scrypt:") and "correct horse" not in user.password_hash
    assert 'id="onboarding"' in client.get("/welcome").get_data(as_text=True)


def test_register_form_lists_the_movielens_categories(client):
    html = client.get("/register").get_data(as_text=True)
    for value, label in [("F", "Female"), ("1", "Under 18"), ("56", "56+"), ("0", "other or not specified"),
                         ("20", "writer"), ("10", "K-12 student")]:
        assert f'<option value="{value}">{label}</option>' in html


def test_forms_without_csrf_token_are_rejected(app, client):
    response = client.post("/register", data={"username": "mallory", "password": "x" * 10, "confirm": "x" * 10,
                                              "gender": "M", "age": "25", "occupation": "1"})
    assert response.status_code == 400
    assert users_named(app, "mallory") == []
    assert client.post("/login", data={"username": "a", "password": "b"}).status_code == 400


def test_oversized_requests_are_refused(client):
    assert client.post("/login", data={"username": "x" * (2 * 1024 * 1024)}).status_code == 413


def test_duplicate_username_is_a_form_error(app, client):
    register(client, "bob")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/logout")})
    response = register(client, "BOB", "another password")
    assert response.status_code == 200
    assert "This username is taken." in response.get_data(as_text=True)
    assert len(users_named(app, "bob")) == 1


@pytest.mark.parametrize("fields, message", [
    ({"password": "short", "confirm": "short"}, "Field must be between 8 and 128 characters long."),
    ({"confirm": "something else"}, "The passwords do not match."),
    ({"username": "no spaces"}, "Use letters, digits"),
    ({"gender": "X"}, "Not a valid choice"),
    ({"age": "30"}, "Not a valid choice"),
    ({"occupation": "21"}, "Not a valid choice"),
    ({"occupation": "abc"}, "Invalid Choice"),
])
def test_invalid_registration_rerenders_with_a_message_and_writes_nothing(app, client, fields, message):
    data = {"csrf_token": csrf_token(client, "/register"), "username": "carol", "password": "long enough",
            "confirm": "long enough", "gender": "F", "age": "35", "occupation": "3", **fields}
    response = client.post("/register", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'class="field-error"' in html and message.lower() in html.lower()
    assert users_named(app, data["username"]) == []


def test_sign_in_and_out(client):
    register(client, "dave", "dave's password")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/logout")})
    assert client.get("/picks").status_code == 302
    wrong = login(client, "dave", "not it")
    assert wrong.status_code == 200 and "Wrong username or password." in wrong.get_data(as_text=True)
    assert login(client, "Dave", "dave's password").headers["Location"] == "/"
    assert client.get("/picks").status_code == 200
    confirm = client.get("/logout")
    assert 'id="logout-form"' in confirm.get_data(as_text=True)
    assert client.get("/picks").status_code == 200  # GET only asks
    assert 'id="logout-button"' in client.get("/").get_data(as_text=True)  # one click from every page
    assert client.post("/logout").status_code == 400  # no CSRF token
    client.post("/logout", data={"csrf_token": csrf_token(client, "/logout")})
    assert client.get("/picks").status_code == 302


@pytest.mark.parametrize("target, expected", [
    ("/picks", "/picks"), ("/movies/2?x=1", "/movies/2?x=1"),
    ("https://evil.example/", "/"), ("//evil.example/", "/"), ("/\\evil.example", "/"), ("javascript:alert(1)", "/"),
])
def test_sign_in_redirects_only_within_the_site(client, target, expected):
    register(client, "erin", "erin's password")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/logout")})
    response = login(client, "erin", "erin's password", next_url=target)
    assert response.headers["Location"] == expected


def test_session_cookie_is_httponly_and_samesite(client):
    register(client, "frank", "frank's password")
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"


@pytest.mark.parametrize("storage", ["memory", "sqlite", "redis"])
def test_failed_sign_ins_are_limited_per_account_and_per_ip(make_app, storage, request, tmp_path):
    storage_uri = {"memory": "memory://", "sqlite": f"movrec-sqlite:///{tmp_path / 'limits.sqlite'}"}.get(storage) \
        or request.getfixturevalue("redis_url")
    app = make_app(LOGIN_LIMIT_PER_ACCOUNT="3 per minute", LOGIN_LIMIT_PER_IP="5 per minute",
                   RATELIMIT_STORAGE_URI=storage_uri)
    client = app.test_client()
    run = secrets.token_hex(3)  # names and addresses of this run only: Redis outlives the test
    net = ".".join(str(int(run[i:i + 2], 16)) for i in (0, 2))
    grace, heidi = f"grace{run}", f"heidi{run}"
    for name in (grace, heidi):
        register(client, name, "the right password")
        client.post("/logout", data={"csrf_token": csrf_token(client, "/logout")})
    # one account, a different address each time: the account limit stops the fourth try
    codes = [login(client, grace, "wrong", REMOTE_ADDR=f"10.{net}.{i}").status_code for i in range(4)]
    assert codes == [200, 200, 200, 429]
    blocked = login(client, grace, "the right password", REMOTE_ADDR=f"10.{net}.100")
    assert blocked.status_code == 429 and "Too many attempts" in blocked.get_data(as_text=True)
    # one address, a different account each time: the address limit stops the sixth try
    codes = [login(client, f"nobody{run}{i}", "wrong", REMOTE_ADDR=f"10.{net}.101").status_code for i in range(6)]
    assert codes == [200] * 5 + [429]
    # successful sign-ins do not count
    assert [login(client, heidi, "the right password", REMOTE_ADDR=f"10.{net}.102").status_code
            for _ in range(7)] == [302] * 7


def test_onboarding_offers_well_known_movies_and_saves_ratings_in_one_submit(app, client, recommender):
    register(client, "ivy")
    html = client.get("/welcome").get_data(as_text=True)
    offered = [int(i) for i in re.findall(r'class="movie-card onboarding-card" data-movie-id="(\d+)"', html)]
    assert offered == recommender.onboarding(k=30)
    assert '<button type="submit" name="skip" value="1" id="skip-onboarding"' in html  # Skip saves too
    data = {"csrf_token": csrf_token(client, "/welcome"), f"stars-{offered[0]}": "5", f"stars-{offered[1]}": "2",
            f"stars-{offered[2]}": ""}
    response = client.post("/welcome", data=data)
    assert response.headers["Location"] == "/picks"
    with app.app_context():
        saved = dict(db.session.execute(select(Rating.movie_id, Rating.stars)).all())
    assert saved == {offered[0]: 5, offered[1]: 2}


def test_onboarding_with_an_invalid_value_saves_nothing(app, client, recommender):
    register(client, "jack")
    first, second = recommender.onboarding(k=30)[:2]
    data = {"csrf_token": csrf_token(client, "/welcome"), f"stars-{first}": "4", f"stars-{second}": "9"}
    assert client.post("/welcome", data=data).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Rating)) == 0


def test_language_follows_accept_language_and_the_remembered_switch(client):
    assert "相似电影" in client.get("/movies/2", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).get_data(as_text=True)
    assert "Similar movies" in client.get("/movies/2", headers={"Accept-Language": "en-US"}).get_data(as_text=True)
    response = client.get("/language/zh?next=/movies/2")
    assert response.headers["Location"] == "/movies/2"
    html = client.get("/movies/2", headers={"Accept-Language": "en-US"}).get_data(as_text=True)
    assert '<html lang="zh-Hans">' in html and "相似电影" in html and "剧情" in html  # genre label too
    assert {"Accept-Language", "Cookie"} <= set(client.get("/movies/2").vary)
    assert client.get("/language/fr").status_code == 404
    assert client.get("/language/en?next=https://evil.example/").headers["Location"] == "/"


def test_form_errors_are_translated(client):
    client.get("/language/zh")
    data = {"csrf_token": csrf_token(client, "/register"), "username": "kim", "password": "long enough",
            "confirm": "different", "gender": "F", "age": "35", "occupation": "3"}
    html = client.post("/register", data=data).get_data(as_text=True)
    assert "两次输入的密码不一致。" in html
