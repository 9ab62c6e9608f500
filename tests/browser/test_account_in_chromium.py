"""The account page in headless Chromium: the downloaded CSV holds exactly what the member rated; after a
password change the new password signs in and the old one does not; deleting the account needs the password
and the box ticked, and afterwards the account cannot sign in."""
from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.journey import PASSWORD, STEP_TIMEOUT_MS, register, sign_in, star
from tests.browser.site_db import catalogue

pytestmark = [pytest.mark.browser, pytest.mark.slow]
NEW_PASSWORD = "another long enough password"
WRONG = "Wrong username or password."


def rate(page: Page, base_url: str, movie_id: int, stars: int) -> None:
    page.goto(f"{base_url}/movies/{movie_id}")
    star(page, movie_id, stars).click()
    expect(page.locator("#rating-form .save-status")).to_have_text("Rating saved. Your picks are updated.")


def sign_out(page: Page) -> None:
    page.click("#logout-button")
    expect(page.locator("#login-link")).to_be_visible()


def signs_in(page: Page, base_url: str, username: str, password: str) -> bool:
    """Try the sign-in form; True when it signed in, False when it said the password is wrong."""
    sign_in(page, base_url, username, password)
    if page.locator(".account-nav .username").count():
        expect(page.locator(".account-nav .username")).to_have_text(username)
        return True
    expect(page.locator("#login-form .field-error")).to_have_text(WRONG)
    return False


def test_download_my_ratings(site, page):
    page.set_default_timeout(STEP_TIMEOUT_MS)
    register(page, site.url, "csv")
    movies = catalogue(site)
    rated = {3: 5, 6: 2, 40: 4}
    for movie_id, stars in rated.items():
        rate(page, site.url, movie_id, stars)
    page.goto(f"{site.url}/account")
    expect(page.locator("#account-summary")).to_contain_text("You rated 3 movies")
    with page.expect_download() as download:
        page.click("#download-ratings")
    assert download.value.suggested_filename == "movrec-ratings.csv"
    rows = list(csv.DictReader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
    assert {int(r["movie_id"]): int(r["stars"]) for r in rows} == rated
    for row in rows:
        movie = movies[int(row["movie_id"])]
        assert (row["title"], row["year"]) == (movie.title, str(movie.year)), row
        assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", row["rated_at"]), row


def test_change_password(site, page):
    page.set_default_timeout(STEP_TIMEOUT_MS)
    username = register(page, site.url, "newpass")
    page.goto(f"{site.url}/account")
    form = page.locator("#password-form")
    form.locator("input[name=current]").fill("not my password")
    form.locator("input[name=password]").fill(NEW_PASSWORD)
    form.locator("input[name=confirm]").fill(NEW_PASSWORD)
    form.locator("[type=submit]").click()
    expect(form.locator(".field-error")).to_have_text("Wrong password.")
    form.locator("input[name=current]").fill(PASSWORD)
    form.locator("input[name=password]").fill(NEW_PASSWORD)
    form.locator("input[name=confirm]").fill(NEW_PASSWORD)
    form.locator("[type=submit]").click()
    expect(page.locator(".flash")).to_have_text("Your password is changed. Your other sessions are signed out.")
    expect(page.locator(".account-nav .username")).to_have_text(username)  # this session carries on
    sign_out(page)
    assert not signs_in(page, site.url, username, PASSWORD)
    assert signs_in(page, site.url, username, NEW_PASSWORD)


def test_delete_my_account(site, page):
    page.set_default_timeout(STEP_TIMEOUT_MS)
    username = register(page, site.url, "leaver")
    rate(page, site.url, 3, 4)
    page.goto(f"{site.url}/account")
    form = page.locator("#delete-account-form")
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("[type=submit]").click()  # the box is not ticked
    expect(form.locator(".checkbox .field-error")).to_have_text("Tick this box to delete your account.")
    expect(page.locator(".account-nav .username")).to_have_text(username)
    form.locator("input[name=password]").fill("not my password")
    form.locator("input[name=sure]").check()
    form.locator("[type=submit]").click()
    expect(form.locator(".field-error")).to_have_text("Wrong password.")
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("input[name=sure]").check()
    form.locator("[type=submit]").click()
    page.wait_for_url(f"{site.url}/")
    expect(page.locator(".flash")).to_have_text("Your account and everything in it is deleted.")
    expect(page.locator("#login-link")).to_be_visible()
    assert not signs_in(page, site.url, username, PASSWORD)
