"""Searching in Chinese in headless Chromium: a query typed in the home page's search box finds a movie by its
cached Chinese title, and a query that matches nothing says Chinese titles are still being fetched, with how
many are, in English and in Chinese."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from tests.browser.journey import STEP_TIMEOUT_MS, card_ids
from tests.browser.site_db import cache_info, site_session
from webapp.models import Movie, MovieInfo

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SHAWSHANK = 2  # "Shawshank Redemption, The (1994)" in the generated catalogue (tests/factory.py)
TITLE_ZH = "肖申克的救赎"


def search_from_home(page: Page, base_url: str, query: str) -> list[int]:
    """Type `query` in the home page's search box, press Enter; the ids of the result cards."""
    page.goto(f"{base_url}/")
    page.locator("#search input[name=q]").fill(query)
    page.locator("#search input[name=q]").press("Enter")
    page.wait_for_url(re.compile(r"/movies\?q="))
    return card_ids(page, "#results")


def fetched_so_far(site) -> tuple[int, int]:
    """Movies with a cached Chinese title, and all movies, in the site's database."""
    with site_session(site) as session:
        done = session.scalar(select(func.count()).select_from(MovieInfo)
                              .where(MovieInfo.status == "ok", MovieInfo.title_zh.is_not(None)))
        return done, session.scalar(select(func.count()).select_from(Movie))


def test_a_chinese_query_finds_the_cached_chinese_title(site, page):
    page.set_default_timeout(STEP_TIMEOUT_MS)
    cache_info(site, SHAWSHANK, title_zh=TITLE_ZH, original_title="The Shawshank Redemption")
    assert search_from_home(page, site.url, "肖申克") == [SHAWSHANK]
    card = page.locator(f"#results article[data-movie-id='{SHAWSHANK}']")
    expect(card.locator(".title-zh")).to_have_text(TITLE_ZH)
    expect(card.locator(".title-en")).to_have_text("The Shawshank Redemption")
    expect(page.locator("#filters input[name=q]")).to_have_value("肖申克")
    expect(page.locator(".result-count")).to_have_text("1 movie")


def test_a_chinese_query_without_a_match_says_titles_are_still_being_fetched(site, page):
    page.set_default_timeout(STEP_TIMEOUT_MS)
    assert search_from_home(page, site.url, "没有这部电影") == []
    expect(page.locator("#results .empty")).to_have_text("No movie matches.")
    done, total = fetched_so_far(site)
    expect(page.locator("#zh-progress")).to_have_text(
        f"Chinese titles match once they are fetched from Douban: {done} of {total} fetched so far.")
    page.click("#language-switch a[lang=zh]")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator("#results .empty")).to_be_visible()
    expect(page.locator("#zh-progress")).to_have_text(f"中文片名从豆瓣获取后才能搜到：目前已获取 {total} 部中的 {done} 部。")
