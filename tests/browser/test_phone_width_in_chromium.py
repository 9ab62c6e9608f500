"""On a phone (390 px wide) in headless Chromium, no page of a visitor or a member scrolls sideways: rows of
cards scroll inside themselves, and nothing in them (hidden labels included) widens the page."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.journey import STEP_TIMEOUT_MS, register

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PHONE = {"width": 390, "height": 844}
VISITOR_PAGES = ("/", "/movies", "/movies/1", "/register", "/login")
MEMBER_PAGES = ("/", "/movies?sort=for_me", "/movies/1", "/picks", "/watchlist", "/ratings", "/account", "/welcome")


def sideways(page: Page, url: str) -> str | None:
    """How far `url` scrolls sideways, or None when it does not."""
    page.goto(url)
    width = page.evaluate("document.documentElement.scrollWidth")
    page.evaluate("window.scrollTo(10000, 0)")
    shifted = page.evaluate("window.scrollX")
    return None if width <= PHONE["width"] and shifted == 0 else f"{url}: {width} px wide, scrolls {shifted} px"


def test_no_page_scrolls_sideways_on_a_phone(site, new_page):
    visitor = new_page(viewport=PHONE)
    visitor.set_default_timeout(STEP_TIMEOUT_MS)
    problems = [sideways(visitor, site.url + path) for path in VISITOR_PAGES]
    member = new_page(viewport=PHONE)
    member.set_default_timeout(STEP_TIMEOUT_MS)
    register(member, site.url, "narrow")
    problems += [sideways(member, site.url + path) for path in MEMBER_PAGES]
    assert [p for p in problems if p] == []
