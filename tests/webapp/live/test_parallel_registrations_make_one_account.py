"""Ten registrations of case and width variants of one name, sent at once to gunicorn's two workers, make exactly
one account: the database's unique key on the folded name decides, and the others are told "taken"."""
from __future__ import annotations

import pytest
import requests

from tests.webapp.live.conftest import TIMEOUT, all_at_once, count_rows, form_token, server_errors

pytestmark = pytest.mark.slow
TRIALS = 3


def variants(trial: int) -> list[str]:
    """Ten spellings of one name: eight mixes of case and two of full-width letters."""
    cases = ["".join(c.upper() if mask >> i & 1 else c for i, c in enumerate("twin")) for mask in range(8)]
    return [f"{word}{trial}" for word in [*cases, "ＴＷＩＮ", "Ｔｗin"]]


def registration(site_url: str, name: str):
    session = requests.Session()
    data = {"csrf_token": form_token(session, f"{site_url}/register"), "username": name,
            "password": "twin's password", "confirm": "twin's password", "gender": "F", "age": "25",
            "occupation": "1"}
    return lambda: session.post(f"{site_url}/register", data=data, allow_redirects=False, timeout=TIMEOUT)


@pytest.mark.parametrize("trial", range(TRIALS))
def test_ten_parallel_registrations_of_one_name_make_one_account(live_site, trial):
    names = variants(trial)
    assert len(set(names)) == 10
    responses = all_at_once([registration(live_site.url, name) for name in names])
    codes = sorted(r.status_code for r in responses)
    assert codes == [200] * 9 + [302], codes
    assert all("This username is taken." in r.text for r in responses if r.status_code == 200)
    key = f"twin{trial}"
    assert count_rows(live_site.env["DATABASE_URL"], "SELECT count(*) FROM users WHERE username_key = :key",
                      key=key) == 1
    assert not server_errors(live_site), "\n".join(server_errors(live_site))
