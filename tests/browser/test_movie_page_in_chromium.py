"""A movie page in headless Chromium: once Douban info is cached, its rating and votes, the Chinese and
original titles and the links out to Douban and IMDb (and none of them before); the MovieLens rating and its
histogram by stars; for a member, the predicted stars and, once rated, their own rating."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.journey import STEP_TIMEOUT_MS, register, star
from tests.browser.site_db import cache_info, catalogue

pytestmark = [pytest.mark.browser, pytest.mark.slow]
LOST_CHILDREN = 1  # "City of Lost Children, The (Cité des enfants perdus, La) (1995)" (tests/factory.py)
UNFETCHED = 5  # "Everything at Once (1999)": no test stores Douban info for it
INFO = dict(title_zh="童梦失魂夜", original_title="La Cité des enfants perdus", douban_id="1292321",
            imdb_id="tt0112682", douban_rating=8.1, douban_votes=123456)


def histogram(page: Page) -> dict[int, int]:
    """Stars -> count, as the histogram's table shows them."""
    rows = page.locator("#star-histogram tbody tr").evaluate_all(
        "rows => rows.map(r => [Number(r.dataset.stars), r.querySelector('.count').textContent])")
    return {stars: int(count.replace(",", "")) for stars, count in rows}


def test_cached_douban_info_and_the_movielens_histogram(site, page):
    page.set_default_timeout(STEP_TIMEOUT_MS)
    cache_info(site, LOST_CHILDREN, **INFO)
    movie = catalogue(site)[LOST_CHILDREN]
    page.goto(f"{site.url}/movies/{LOST_CHILDREN}")
    expect(page.locator("#movie h1 .title-zh")).to_have_text(INFO["title_zh"])
    expect(page.locator("#movie h1 .title-en")).to_have_text(movie.title)
    expect(page.locator("#douban-rating dd")).to_have_text("8.1 / 10 · 123,456 votes")
    known = page.locator("#also-known-as")
    expect(known.locator("div:has(dt:text-is('Chinese title')) dd")).to_have_text(INFO["title_zh"])
    expect(known.locator("div:has(dt:text-is('Original title')) dd")).to_have_text(INFO["original_title"])
    expect(page.locator("#douban-link")).to_have_attribute("href", "https://movie.douban.com/subject/1292321/")
    expect(page.locator("#imdb-link")).to_have_attribute("href", "https://www.imdb.com/title/tt0112682/")
    expect(page.locator("#movielens-rating dd")).to_have_text(
        f"{movie.rating_mean:.2f} / 5 · {movie.rating_count} ratings")
    counts = histogram(page)
    assert counts == dict(zip(range(1, 6), movie.star_histogram))
    assert sum(counts.values()) == movie.rating_count
    expect(page.locator("#star-histogram caption")).to_have_text("MovieLens ratings by stars")


def test_nothing_from_douban_before_it_is_fetched(site, page):
    page.set_default_timeout(STEP_TIMEOUT_MS)
    page.goto(f"{site.url}/movies/{UNFETCHED}")
    expect(page.locator("#movielens-rating")).to_be_visible()
    expect(page.locator("#star-histogram")).to_be_visible()
    for absent in ("#douban-rating", "#also-known-as", "#links-out", "#predicted-stars", "#your-rating"):
        expect(page.locator(absent)).to_have_count(0)
    expect(page.locator("#movie h1 .title-zh")).to_be_hidden()
    expect(page.locator(".sign-in-to-rate")).to_have_text("Sign in to rate this movie")


def test_a_member_sees_predicted_stars_and_their_own_rating(site, page):
    page.set_default_timeout(STEP_TIMEOUT_MS)
    register(page, site.url, "viewer")
    page.goto(f"{site.url}/movies/{UNFETCHED}")
    expect(page.locator("#predicted-stars dd")).to_have_text(re.compile(r"^[1-5]\.\d / 5$"))
    expect(page.locator("#your-rating")).to_have_count(0)
    star(page, UNFETCHED, 4).click()
    expect(page.locator("#rating-form .save-status")).to_have_text("Rating saved. Your picks are updated.")
    page.reload()
    expect(page.locator("#your-rating dd")).to_have_text("4 stars")
    expect(page.locator("#predicted-stars dd")).to_have_text(re.compile(r"^[1-5]\.\d / 5$"))
