"""A member's first rating of a movie submitted ten times at once (a double-click, a retried request), across
gunicorn's two workers: every submission is saved (302), none is a 500, and one rating row holds the stars."""
from __future__ import annotations

import pytest
import requests

from tests.webapp.live.conftest import TIMEOUT, all_at_once, count_rows, form_token, server_errors

pytestmark = pytest.mark.slow
TRIALS = 3
MOVIE = 2


def member(site_url: str, name: str) -> requests.Session:
    session = requests.Session()
    data = {"csrf_token": form_token(session, f"{site_url}/register"), "username": name, "password": "long enough",
            "confirm": "long enough", "gender": "M", "age": "35", "occupation": "7"}
    assert session.post(f"{site_url}/register", data=data, allow_redirects=False, timeout=TIMEOUT).status_code == 302
    return session


@pytest.mark.parametrize("trial", range(TRIALS))
def test_ten_parallel_first_ratings_save_one_rating(live_site, trial):
    session = member(live_site.url, f"rater{trial}")
    token = form_token(session, f"{live_site.url}/movies/{MOVIE}")
    cookies = session.cookies.get_dict()

    def submit():
        return requests.post(f"{live_site.url}/movies/{MOVIE}/rate", data={"csrf_token": token, "stars": "4"},
                             cookies=cookies, allow_redirects=False, timeout=TIMEOUT)

    responses = all_at_once([submit] * 10)
    assert [r.status_code for r in responses] == [302] * 10
    assert all(r.headers["Location"] == f"/movies/{MOVIE}" for r in responses)
    rows = count_rows(live_site.env["DATABASE_URL"],
                      "SELECT count(*) FROM ratings JOIN users ON users.id = ratings.user_id "
                      "WHERE users.username = :name AND ratings.movie_id = :movie AND ratings.stars = 4",
                      name=f"rater{trial}", movie=MOVIE)
    assert rows == 1
    assert not server_errors(live_site), "\n".join(server_errors(live_site))
