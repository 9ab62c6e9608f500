"""Browsing in headless Chromium as a visitor and a member: each sort order chosen in the form orders the
cards it says, the year-range and decade filters show only movies of those years, and the numbered pages
lead to page 3 and mark it."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.journey import STEP_TIMEOUT_MS, register
from tests.browser.site_db import catalogue
from webapp.services.catalog import PRIOR_MEAN, PRIOR_RATINGS

pytestmark = [pytest.mark.browser, pytest.mark.slow]
FOR_YOU = re.compile(r"(\d\.\d)★ for you")


def cards(page: Page) -> list[dict]:
    """The result cards as the visitor reads them: id, English title, year and the meta line."""
    return page.locator("#results article.movie-card").evaluate_all("""cards => cards.map(c => ({
        id: Number(c.dataset.movieId),
        title: c.querySelector('.title-en').textContent.trim(),
        year: Number(c.querySelector('.meta').textContent.trim().slice(0, 4)),
        meta: c.querySelector('.meta').textContent.trim()}))""")


def choose(page: Page, **fields: str) -> list[dict]:
    """Fill the filter form (`select` fields by value, the others typed) and press Show."""
    form = page.locator("#filters")
    for name, value in fields.items():
        control = form.locator(f"[name={name}]")
        if control.evaluate("el => el.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    form.locator("[type=submit]").click()
    page.wait_for_load_state()
    shown = cards(page)
    assert shown, f"no cards for {fields}"
    return shown


def liked(movie) -> float:
    """The shrunk mean "Best rated" ranks by (webapp.services.catalog.liked_score)."""
    return (movie.rating_mean * movie.rating_count + PRIOR_MEAN * PRIOR_RATINGS) / (movie.rating_count + PRIOR_RATINGS)


def non_increasing(values: list) -> bool:
    return all(a >= b for a, b in zip(values, values[1:]))


@pytest.fixture(scope="module")
def movies(site):
    return catalogue(site)


def test_each_sort_orders_the_cards_as_it_says(site, page, movies):
    page.set_default_timeout(STEP_TIMEOUT_MS)
    page.goto(f"{site.url}/movies")
    expect(page.locator("#sort option[value=for_me]")).to_have_count(0)  # visitors have no predictions
    orders = {}
    for sort in ("popular", "rating", "newest", "oldest", "title"):
        shown = choose(page, sort=sort)
        expect(page.locator("#sort")).to_have_value(sort)
        assert len(shown) == 24 and re.search(rf"[?&]sort={sort}\b", page.url)
        orders[sort] = [c["id"] for c in shown]
        years = [c["year"] for c in shown]
        if sort == "popular":  # the card shows no count of ratings: read it from the catalogue
            assert non_increasing([movies[c["id"]].rating_count for c in shown]), sort
        elif sort == "rating":
            assert non_increasing([liked(movies[c["id"]]) for c in shown]), sort
        elif sort == "newest":
            assert non_increasing(years) and years[0] == max(m.year for m in movies.values()), years
        elif sort == "oldest":
            assert non_increasing(years[::-1]) and years[0] == min(m.year for m in movies.values()), years
        else:
            titles = [c["title"].casefold() for c in shown]
            assert titles == sorted(titles), titles
    assert len({tuple(order) for order in orders.values()}) == len(orders), "two sorts showed the same order"


def test_a_member_sorts_by_predicted_stars(site, page, movies):
    page.set_default_timeout(STEP_TIMEOUT_MS)
    register(page, site.url, "sorter")
    page.goto(f"{site.url}/movies")
    shown = choose(page, sort="for_me")
    expect(page.locator("#sort")).to_have_value("for_me")
    stars = [float(FOR_YOU.search(c["meta"]).group(1)) for c in shown if FOR_YOU.search(c["meta"])]
    assert len(stars) == len(shown), f"cards without predicted stars: {[c['meta'] for c in shown]}"
    assert non_increasing(stars), stars
    assert [c["id"] for c in shown] != [c["id"] for c in choose(page, sort="rating")]


def test_year_range_and_decade_filters(site, page, movies):
    page.set_default_timeout(STEP_TIMEOUT_MS)
    page.goto(f"{site.url}/movies")
    for fields, (low, high) in (({"year_from": "1950", "year_to": "1964"}, (1950, 1964)),
                                ({"year_from": "", "year_to": "", "decade": "1980"}, (1980, 1989)),
                                ({"year_from": "1985", "decade": "1980"}, (1985, 1989))):
        shown = choose(page, **fields)
        assert all(low <= c["year"] <= high for c in shown), (fields, [c["year"] for c in shown])
        expected = sum(low <= m.year <= high for m in movies.values())
        expect(page.locator(".result-count")).to_have_text(f"{expected} movies")
        assert len(shown) == min(24, expected)


def test_numbered_pages_keep_the_sort(site, page):
    page.set_default_timeout(STEP_TIMEOUT_MS)
    page.goto(f"{site.url}/movies")
    first = choose(page, sort="title")
    pages = page.locator("nav.pagination")
    expect(pages.locator("[aria-current=page]")).to_have_text("1")
    pages.get_by_role("link", name="Page 3", exact=True).click()
    page.wait_for_url(re.compile(r"/movies\?sort=title&page=3$"))
    expect(pages.locator("[aria-current=page]")).to_have_text("3")
    expect(page.locator(".page-of")).to_have_text("Page 3 of 5")
    expect(page.locator("#sort")).to_have_value("title")
    third = cards(page)
    titles = [c["title"].casefold() for c in third]
    assert len(third) == 24 and titles == sorted(titles)
    assert titles[0] > first[-1]["title"].casefold(), "page 3 does not follow page 1 in title order"
    pages.locator("a[rel=prev]").click()
    page.wait_for_url(re.compile(r"/movies\?sort=title&page=2$"))
    expect(pages.locator("[aria-current=page]")).to_have_text("2")
