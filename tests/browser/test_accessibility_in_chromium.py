"""axe-core over the main pages, for a visitor and a member: no serious or critical violation. Every page
has one h1 and a skip link."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import AXE_VERSION, AxeUnavailable, axe_script, serious_violations
from tests.browser.journey import STEP_TIMEOUT_MS, register

pytestmark = [pytest.mark.browser, pytest.mark.slow]
VISITOR_PAGES = ("/", "/movies", "/movies?sort=title&year_from=1950&year_to=1990&page=2", "/movies?q=没有",
                 "/register", "/login")
MEMBER_PAGES = ("/", "/movies", "/movies?sort=for_me&decade=1990", "/movies/{movie}", "/picks", "/picks?page=2",
                "/ratings", "/watchlist", "/account", "/welcome")


@pytest.fixture(scope="session")
def axe() -> str:
    try:
        return str(axe_script())
    except AxeUnavailable as why:
        pytest.skip(f"axe-core {AXE_VERSION} unavailable: {why}")


def check(page: Page, url: str, axe: str) -> list[str]:
    page.goto(url)
    problems = []
    if page.locator("h1").count() != 1:
        problems.append(f"{url}: {page.locator('h1').count()} h1 elements")
    if page.locator("a.skip-link[href='#content']").count() != 1:
        problems.append(f"{url}: no skip link")
    page.add_script_tag(path=axe)
    return problems + [f"{url}: {v}" for v in serious_violations(page)]


def test_no_serious_violation_on_the_main_pages(site, new_page, axe):
    visitor = new_page(bypass_csp=True)  # axe is injected as an inline script, which the site's CSP forbids
    visitor.set_default_timeout(STEP_TIMEOUT_MS)
    problems = [p for path in VISITOR_PAGES for p in check(visitor, site.url + path, axe)]
    member = new_page(bypass_csp=True)
    member.set_default_timeout(STEP_TIMEOUT_MS)
    register(member, site.url, "axe")
    member.goto(f"{site.url}/picks")
    movie = member.locator("#picks article.movie-card").first.get_attribute("data-movie-id")
    first = member.locator("#picks article.movie-card").first
    first.locator(".mark-watchlist").click()
    expect(first.locator(".mark-watchlist")).to_have_attribute("aria-pressed", "true")
    first.locator(".stars label").nth(3).click()
    expect(first.locator(".stars")).to_have_attribute("data-saved", "4")
    problems += [p for path in MEMBER_PAGES for p in check(member, site.url + path.format(movie=movie), axe)]
    assert problems == [], "\n".join(problems)
