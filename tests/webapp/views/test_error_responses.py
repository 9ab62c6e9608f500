"""Error answers say what happened: `Allow` on a 405, a 413 page that says the request was too large, a 429
with `Retry-After`, and an error page that renders for a signed-in member after a failed database statement."""
from __future__ import annotations

import html
import re

from sqlalchemy import text

from tests.webapp.helpers import csrf_token, login, register
from webapp.extensions import db


def allowed(response) -> set[str]:
    return {method.strip() for method in response.headers["Allow"].split(",")}


def test_405_names_the_allowed_methods(client):
    response = client.get("/movies/2/rate")
    assert response.status_code == 405 and allowed(response) == {"OPTIONS", "POST"}
    assert allowed(client.put("/login")) == {"GET", "HEAD", "OPTIONS", "POST"}
    assert allowed(client.post("/api/movies/2/similar")) == {"GET", "HEAD", "OPTIONS"}


def test_413_says_the_request_was_too_large(client):
    response = client.post("/login", data={"username": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "The request was too large." in page and "Something went wrong" not in page


def test_429_says_when_to_try_again(make_app):
    app = make_app(LOGIN_LIMIT_PER_ACCOUNT="2 per minute")
    client = app.test_client()
    codes = [login(client, "nobody", "wrong").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    blocked = login(client, "nobody", "wrong")
    assert blocked.status_code == 429 and 1 <= int(blocked.headers["Retry-After"]) <= 60


def test_rating_while_signed_out_returns_to_the_movie_after_sign_in(client):
    register(client, "mia", "mia's password")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/logout")})
    attempt = client.post("/movies/2/rate", data={"csrf_token": csrf_token(client, "/login"), "stars": "4"})
    assert attempt.status_code == 302 and attempt.headers["Location"] == "/login?next=/movies/2"
    form = client.get(attempt.headers["Location"]).get_data(as_text=True)  # the sign-in form keeps `next`
    action = re.search(r'<form method="post" action="([^"]+)" id="login-form"', form).group(1)
    signed_in = client.post(html.unescape(action), data={"csrf_token": csrf_token(client, "/login"),
                                                         "username": "mia", "password": "mia's password"})
    assert signed_in.headers["Location"] == "/movies/2"
    assert client.get("/movies/2").status_code == 200


def test_error_page_renders_for_a_member_after_a_failed_flush(make_app):
    """A write the database refuses (here a rating of 9 stars, against its check constraint) fails the flush and
    leaves the session needing a rollback; the 500 page still renders with the member's name."""
    from flask_login import current_user

    from webapp.models import Rating

    app = make_app(TESTING=False)  # unhandled exceptions become the 500 page, as in production

    def refused_write():
        db.session.add(Rating(user_id=current_user.id, movie_id=2, stars=9))
        db.session.commit()

    app.add_url_rule("/refused-write", view_func=refused_write)
    client = app.test_client()
    register(client, "nina", "nina's password")
    response = client.get("/refused-write")
    page = response.get_data(as_text=True)
    assert response.status_code == 500 and 'id="error"' in page and "nina" in page


def test_error_page_renders_for_a_member_after_a_failed_query(make_app):
    app = make_app(TESTING=False)
    client = app.test_client()
    register(client, "olga", "olga's password")
    with app.app_context():
        db.session.execute(text("ALTER TABLE ratings RENAME TO ratings_away"))
        db.session.commit()
    try:
        response = client.get("/ratings")  # its query fails: no such table
    finally:
        with app.app_context():
            db.session.execute(text("ALTER TABLE ratings_away RENAME TO ratings"))
            db.session.commit()
    page = response.get_data(as_text=True)
    assert response.status_code == 500 and 'id="error"' in page and "olga" in page
