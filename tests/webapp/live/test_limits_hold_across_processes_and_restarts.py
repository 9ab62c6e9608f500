"""The sign-in and registration limits are the stated numbers for a whole deployment: two sites of two gunicorn
workers each, on one database and one limit store (the SQLite file when there is no Redis, else Redis), share
their counts, and the counts survive stopping every process and starting again."""
from __future__ import annotations

import pytest
import requests

from tests.webapp.live.conftest import TIMEOUT, database, form_token, running_site, server_errors

pytestmark = pytest.mark.slow
LIMITS = {"LOGIN_LIMIT_PER_ACCOUNT": "5 per 10 minutes", "LOGIN_LIMIT_PER_IP": "100 per 10 minutes",
          "REGISTER_LIMIT_PER_IP": "3 per hour"}


def failed_sign_in(site_url: str) -> int:
    session = requests.Session()
    data = {"csrf_token": form_token(session, f"{site_url}/login"), "username": "target", "password": "wrong"}
    return session.post(f"{site_url}/login", data=data, allow_redirects=False, timeout=TIMEOUT).status_code


def registration(site_url: str, name: str) -> int:
    session = requests.Session()
    data = {"csrf_token": form_token(session, f"{site_url}/register"), "username": name, "password": "long enough",
            "confirm": "long enough", "gender": "F", "age": "25", "occupation": "1"}
    return session.post(f"{site_url}/register", data=data, allow_redirects=False, timeout=TIMEOUT).status_code


@pytest.mark.parametrize("store", ["sqlite", "redis"])
def test_limits_are_shared_by_every_process_and_survive_restarts(store, request, tmp_path, tiny_artifacts_dir,
                                                                 tiny_dataset_dir):
    env = dict(LIMITS, SECRET_KEY="one key for the deployment", INSTANCE_DIR=str(tmp_path))
    if store == "redis":
        env["REDIS_URL"] = request.getfixturevalue("redis_url")
    with database("sqlite", tmp_path) as url:
        args = (url, tiny_artifacts_dir, tiny_dataset_dir)
        with running_site(tmp_path / "a", *args, **env) as a, running_site(tmp_path / "b", *args, **env) as b:
            sites = [a.url, b.url] * 4
            assert [failed_sign_in(site) for site in sites[:7]] == [200] * 5 + [429] * 2
            assert [registration(site, f"new{n}") for n, site in enumerate(sites[:4])] == [302] * 3 + [429]
            assert not server_errors(a) and not server_errors(b)
        with running_site(tmp_path / "a", *args, **env) as again:  # every process stopped, one started anew
            assert failed_sign_in(again.url) == 429
            assert registration(again.url, "new9") == 429
    if store == "sqlite":
        assert (tmp_path / "ratelimits.sqlite").is_file()
