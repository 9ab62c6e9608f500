"""The scraping admin page exists only for the accounts named in ADMIN_USERNAMES."""
from __future__ import annotations

from tests.webapp.helpers import register


def test_admin_page_is_404_for_visitors_and_other_accounts(client):
    assert client.get("/admin/scraping").status_code == 404
    register(client, "someone")
    assert client.get("/admin/scraping").status_code == 404


def test_admin_sees_the_douban_cache_status(client):
    register(client, "admin")
    client.get("/movies/2")  # asks for info: rows become pending
    response = client.get("/admin/scraping")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="scraping-status"' in html and 'data-status="pending"' in html
