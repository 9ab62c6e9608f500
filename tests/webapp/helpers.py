"""Helpers for the web tests: CSRF tokens from rendered forms, registering and signing in."""
from __future__ import annotations

import re
from pathlib import Path

CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def web_config(database_url: str, workdir: Path, artifacts: Path, data_dir: Path, **overrides) -> dict:
    """Test configuration; the Celery broker is Kombu's SQLAlchemy transport on a SQLite file."""
    config = {
        "MOVREC_ENV": "testing",
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "MOVREC_ARTIFACTS": str(artifacts),
        "MOVREC_DATA_DIR": str(data_dir),
        "POSTER_DIR": str(workdir / "posters"),
        "CELERY": {"broker_url": f"sqla+sqlite:///{workdir / 'broker.sqlite'}", "task_ignore_result": True},
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    config.update(overrides)
    return config


def csrf_token(client, url: str) -> str:
    """The CSRF token of the form on the page at `url`."""
    response = client.get(url)
    match = CSRF_INPUT.search(response.get_data(as_text=True))
    assert match, f"no csrf_token in the form at {url}"
    return match.group(1)


def register(client, username: str = "alice", password: str = "correct horse", gender: str = "F",
             age: int = 25, occupation: int = 4, **extra):
    """Submit the registration form (with its CSRF token); returns the response."""
    data = {"csrf_token": csrf_token(client, "/register"), "username": username, "password": password,
            "confirm": password, "gender": gender, "age": str(age), "occupation": str(occupation)}
    data.update(extra)
    return client.post("/register", data=data)


def login(client, username: str, password: str, next_url: str | None = None, **environ):
    """Submit the sign-in form; `environ` may set REMOTE_ADDR."""
    data = {"csrf_token": csrf_token(client, "/login"), "username": username, "password": password}
    url = "/login" if next_url is None else f"/login?next={next_url}"
    return client.post(url, data=data, environ_base=environ)


def rate(client, movie_id: int, stars, **extra):
    """Post a rating for `movie_id` with the CSRF token of its movie page."""
    data = {"csrf_token": csrf_token(client, f"/movies/{movie_id}"), "stars": str(stars)}
    data.update(extra)
    return client.post(f"/movies/{movie_id}/rate", data=data)


def grant_admin(app, username: str, by: str = "owner"):
    """Run `flask movrec admin grant` for `username`; returns the CLI result."""
    result = app.test_cli_runner().invoke(args=["movrec", "admin", "grant", username, "--by", by])
    assert result.exit_code == 0, result.output
    return result
