"""A member's controls in headless Chromium: stars saved on click and cleared, with and without JavaScript;
the star widget on the keyboard; the phone layout; the watchlist and "not interested"."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.journey import STEP_TIMEOUT_MS, register, star

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PHONE = {"width": 390, "height": 844}
MIN_TARGET_PX = 24


def first_movie(page: Page, base_url: str) -> int:
    """The id of the first movie of the browse page."""
    page.goto(f"{base_url}/movies")
    return int(page.locator("article.movie-card").first.get_attribute("data-movie-id"))


def checked_stars(page: Page, movie_id: int) -> list[int]:
    return [n for n in range(1, 6) if page.locator(f"#stars-{movie_id}-{n}").is_checked()]


def focused_id(page: Page) -> str:
    return page.evaluate("document.activeElement.id")


def test_a_click_saves_the_rating_and_clear_removes_it(site, page):
    page.set_default_timeout(STEP_TIMEOUT_MS)
    register(page, site.url, "clicker")
    movie_id = first_movie(page, site.url)
    page.goto(f"{site.url}/movies/{movie_id}")
    form = page.locator("#rating-form")
    expect(form.locator(".save-rating")).to_be_hidden()  # the script saves; no button needed
    expect(form.locator(".clear-rating")).to_be_hidden()
    star(page, movie_id, 4).click()
    expect(form.locator(".save-status")).to_have_text("Rating saved. Your picks are updated.")
    assert focused_id(page) == f"stars-{movie_id}-4", "focus left the star widget"
    expect(form.locator(".clear-rating")).to_be_visible()
    page.reload()
    assert checked_stars(page, movie_id) == [4]
    form.locator(".clear-rating").click()
    expect(form.locator(".save-status")).to_have_text("Rating removed.")
    assert checked_stars(page, movie_id) == []
    page.reload()
    assert checked_stars(page, movie_id) == []
    page.goto(f"{site.url}/ratings")
    expect(page.locator("#my-ratings")).to_contain_text("You have not rated any movie yet.")


def test_the_forms_work_without_javascript(site, new_page):
    page = new_page(javascript=False)
    page.set_default_timeout(STEP_TIMEOUT_MS)
    register(page, site.url, "nojs")
    movie_id = first_movie(page, site.url)
    page.goto(f"{site.url}/movies/{movie_id}")
    star(page, movie_id, 3).click()
    page.click("#rating-form .save-rating")
    page.wait_for_url(re.compile(rf"/movies/{movie_id}$"))
    expect(page.locator(".flash")).to_have_text("Rating saved. Your picks are updated.")
    assert checked_stars(page, movie_id) == [3]
    page.click("#rating-form .clear-rating")
    page.wait_for_url(re.compile(rf"/movies/{movie_id}$"))
    expect(page.locator(".flash")).to_have_text("Rating removed.")
    assert checked_stars(page, movie_id) == []
    page.click("#movie .mark-watchlist")
    page.wait_for_url(re.compile(rf"/movies/{movie_id}$"))
    expect(page.locator("#movie .mark-watchlist")).to_have_attribute("aria-pressed", "true")
    page.goto(f"{site.url}/watchlist")
    assert page.locator("#watchlist article.movie-card").evaluate_all(
        "cards => cards.map(c => Number(c.dataset.movieId))") == [movie_id]


def test_the_star_widget_on_the_keyboard(site, page):
    page.set_default_timeout(STEP_TIMEOUT_MS)
    register(page, site.url, "keys")
    movie_id = first_movie(page, site.url)
    page.goto(f"{site.url}/movies/{movie_id}")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"
    status = page.locator("#rating-form .save-status")
    page.focus(f"#stars-{movie_id}-1")
    steps = [("End", 5), ("ArrowRight", 5), ("ArrowUp", 5), ("ArrowLeft", 4), ("ArrowDown", 3), ("ArrowUp", 4),
             ("Home", 1), ("ArrowLeft", 1), ("ArrowDown", 1), ("ArrowRight", 2)]
    for key, expected in steps:
        page.keyboard.press(key)
        assert checked_stars(page, movie_id) == [expected], f"{key} gave {checked_stars(page, movie_id)}"
        assert focused_id(page) == f"stars-{movie_id}-{expected}", f"focus after {key}: {focused_id(page)}"
    expect(status).to_have_text("Rating saved. Your picks are updated.")
    # Saves go one at a time in key order; the widget records the stars of the last one answered.
    expect(page.locator("#rating-form .stars")).to_have_attribute("data-saved", "2")
    page.reload()
    assert checked_stars(page, movie_id) == [2], "the last key's rating was not the one saved"


def boxes_outside(page: Page, item: str, inner: str) -> list[str]:
    """For every `item` on the page, the `inner` elements not wholly inside it, or smaller than 24x24."""
    return page.locator(item).evaluate_all("""(items, [inner, minPx]) => items.flatMap(item => {
        const box = item.getBoundingClientRect();
        return Array.from(item.querySelectorAll(inner)).filter(el => {
            const r = el.getBoundingClientRect();
            return r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5
                || r.bottom > box.bottom + 0.5 || r.width < minPx || r.height < minPx;
        }).map(el => `${item.dataset.movieId}: ${el.textContent.trim()} ${JSON.stringify(el.getBoundingClientRect())}`);
    })""", [inner, MIN_TARGET_PX])


def test_phone_layout_clips_no_control(site, new_page):
    page = new_page(viewport=PHONE)
    page.set_default_timeout(STEP_TIMEOUT_MS)
    register(page, site.url, "phone")
    assert page.locator("fieldset.onboarding-card").count() >= 3
    assert boxes_outside(page, "fieldset.onboarding-card", ".stars label") == []
    for url in ("/picks", "/movies"):
        page.goto(f"{site.url}{url}")
        assert page.locator("article.movie-card .stars label").count() >= 5
        assert boxes_outside(page, "article.movie-card", ".stars label") == [], url
        assert boxes_outside(page, "article.movie-card", ".mark-button") == [], url
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], f"{url} scrolls sideways"
    movie_id = first_movie(page, site.url)
    page.goto(f"{site.url}/movies/{movie_id}")
    last = page.locator(f"label:has(> #stars-{movie_id}-5)").bounding_box()
    assert last["x"] + last["width"] <= PHONE["width"] and last["width"] >= MIN_TARGET_PX


def picks(page: Page) -> list[int]:
    return page.locator("#picks article.movie-card").evaluate_all(
        "cards => cards.map(c => Number(c.dataset.movieId))")


def test_watchlist_and_not_interested_from_the_cards(site, page):
    page.set_default_timeout(STEP_TIMEOUT_MS)
    register(page, site.url, "lists")
    page.goto(f"{site.url}/picks")
    before = picks(page)
    assert len(before) >= 3
    wanted, unwanted = before[0], before[1]
    want = page.locator(f"#picks article[data-movie-id='{wanted}'] .mark-watchlist")
    want.click()
    expect(want).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#member-status")).to_have_text("Added to your watchlist.")
    hide = page.locator(f"#picks article[data-movie-id='{unwanted}'] .mark-hide")
    hide.click()
    expect(hide).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#member-status")).to_have_text("Hidden: it will not appear in your picks.")
    page.reload()
    after = picks(page)
    assert unwanted not in after and wanted in after
    page.goto(f"{site.url}/")
    assert unwanted not in picks(page)
    page.goto(f"{site.url}/watchlist")
    assert page.locator("#watchlist article.movie-card").evaluate_all(
        "cards => cards.map(c => Number(c.dataset.movieId))") == [wanted]
    # Taking the movie off the watchlist from its card there.
    off = page.locator(f"#watchlist article[data-movie-id='{wanted}'] .mark-watchlist")
    off.click()
    expect(off).to_have_attribute("aria-pressed", "false")
    page.reload()
    expect(page.locator("#watchlist")).to_contain_text("Your watchlist is empty.")
