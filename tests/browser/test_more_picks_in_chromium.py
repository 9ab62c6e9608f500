""""More picks" in headless Chromium: the link on a member's picks leads to page 2, which shows other movies
and links back to the first page."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.journey import STEP_TIMEOUT_MS, card_ids, register

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_more_picks_shows_the_next_page(site, page):
    page.set_default_timeout(STEP_TIMEOUT_MS)
    register(page, site.url, "more")
    page.goto(f"{site.url}/picks")
    first = card_ids(page, "#picks")
    expect(page.locator("nav.pagination a[rel=prev]")).to_have_count(0)
    page.click("#more-picks")
    page.wait_for_url(re.compile(r"/picks\?page=2$"))
    expect(page.locator("h1")).to_have_text("My picks page 2")
    second = card_ids(page, "#picks")
    assert len(first) == len(second) == 12
    assert not set(first) & set(second), "page 2 repeats movies of page 1"
    page.click("nav.pagination a[rel=prev]")
    page.wait_for_url(re.compile(r"/picks$"))
    assert card_ids(page, "#picks") == first
