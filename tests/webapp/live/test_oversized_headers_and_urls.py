"""Oversized headers and URLs sent to the site under gunicorn are refused by gunicorn before the app sees them:
a header line over 8 KB or more than 100 header fields is a 431, a request line over 4 KB a 414; nothing is
logged as an error and the next request is served."""
from __future__ import annotations

import pytest
import requests

from tests.webapp.live.conftest import TIMEOUT, server_errors

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("headers, status", [
    ({"Cookie": "session=" + "x" * 16_000}, 431),
    ({"Accept-Language": "zh," * 5_000}, 431),
    ({f"X-Filler-{n}": "1" for n in range(150)}, 431),
], ids=["16 KB cookie", "15 KB Accept-Language", "150 header fields"])
def test_oversized_headers_are_a_431_and_the_site_keeps_serving(live_site, headers, status):
    response = requests.get(f"{live_site.url}/movies/2", headers=headers, timeout=TIMEOUT)
    assert response.status_code == status and "Request Header Fields Too Large" in response.reason
    assert requests.get(f"{live_site.url}/movies/2", timeout=TIMEOUT).status_code == 200
    assert not server_errors(live_site), "\n".join(server_errors(live_site))


def test_an_overlong_url_is_a_414_and_the_site_keeps_serving(live_site):
    response = requests.get(f"{live_site.url}/movies?q={'x' * 10_000}", timeout=TIMEOUT)
    assert response.status_code == 414
    assert requests.get(f"{live_site.url}/movies?q={'x' * 2_000}", timeout=TIMEOUT).status_code == 200
    assert not server_errors(live_site), "\n".join(server_errors(live_site))
