"""The home page and the registration form in headless Chromium: one sentence says what the site is, there is
exactly one search box (for visitors and members), the dataset's members are described as they are in the
data; registering offers no age until one is chosen, and refuses the form without one, saying so."""
from __future__ import annotations

import re
import secrets
from statistics import mean

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from tests.browser.journey import PASSWORD, STEP_TIMEOUT_MS, register
from tests.browser.site_db import catalogue
from webapp.services.demo_profiles import FAVOURITE_MIN_RATINGS
from webapp.site.i18n import AGE_LABELS, GENDER_LABELS, OCCUPATION_LABELS

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ONE_SENTENCE = re.compile(r"^[^.!?]+[.!?]$")
PROFILE = re.compile(r"^(.+), (.+), (.+) rated (\d+) movies · favourite genre: (.+)$")
# In Chinese: "rated N movies" (not "N people rated", the movie page's phrase), then the favourite genre.
PROFILE_ZH = re.compile(r"^.+，.+，.+ 评过 (\d+) 部电影 · 最爱类型：.+$")
DEMO_PROFILES = 8


def search_boxes(page: Page) -> int:
    return page.locator("input[type=search]:visible").count()


def users_in_dataset(dataset_dir) -> dict[int, tuple[str, int, int]]:
    """users.dat: id -> (gender, age bracket, occupation)."""
    rows = (line.split("::") for line in (dataset_dir / "users.dat").read_text(encoding="latin-1").splitlines())
    return {int(u): (g, int(a), int(o)) for u, g, a, o, _zip in rows}


def trained_ratings(artifacts_dir) -> dict[int, dict[int, int]]:
    """The ratings the served model holds (ratings.npz): user id -> {movie id: stars}."""
    vectors, ratings = np.load(artifacts_dir / "vectors.npz"), np.load(artifacts_dir / "ratings.npz")
    movie_ids, indptr = vectors["movie_ids"], ratings["indptr"]
    return {int(user): dict(zip(movie_ids[ratings["movie_rows"][indptr[row]:indptr[row + 1]]].tolist(),
                                ratings["stars"][indptr[row]:indptr[row + 1]].tolist()))
            for row, user in enumerate(vectors["user_ids"])}


def best_liked_genres(ratings: dict[int, int], genres: dict[int, str]) -> set[str]:
    """The genres with the highest mean stars among those the member rated often enough."""
    by_genre: dict[str, list[int]] = {}
    for movie_id, stars in ratings.items():
        for genre in genres[movie_id].split("|"):
            by_genre.setdefault(genre, []).append(stars)
    means = {genre: mean(stars) for genre, stars in by_genre.items() if len(stars) >= FAVOURITE_MIN_RATINGS}
    return {genre for genre, value in means.items() if value == max(means.values())}


def test_home_says_what_the_site_is_with_one_search_box(site, new_page):
    visitor = new_page()
    visitor.set_default_timeout(STEP_TIMEOUT_MS)
    visitor.goto(f"{site.url}/")
    about = visitor.locator("#about-site")
    expect(about).to_be_visible()
    assert ONE_SENTENCE.match(about.inner_text().strip()), about.inner_text()
    assert "MovieLens" in about.inner_text() and "Douban" in about.inner_text()
    assert search_boxes(visitor) == 1
    expect(visitor.get_by_role("search")).to_have_count(1)
    member = new_page()
    member.set_default_timeout(STEP_TIMEOUT_MS)
    register(member, site.url, "home")
    member.goto(f"{site.url}/")
    expect(member.locator("#picks article.movie-card").first).to_be_visible()
    assert search_boxes(member) == 1
    member.goto(f"{site.url}/movies")  # other pages keep the header's search box
    assert search_boxes(member) == 2  # the header's and the filter form's title field


def demo_profiles(page: Page) -> list[dict]:
    """The home page's demo members: user id (from the link) and the item's text."""
    return page.locator("#demo-profiles li").evaluate_all("""items => items.map(li => ({
        user: Number(new URL(li.querySelector('a').href).pathname.split('/').pop()),
        text: li.innerText.replace(/\\s+/g, ' ').trim()}))""")


def test_home_describes_the_demo_profiles(site, page, tiny_dataset_dir, tiny_artifacts_dir):
    page.set_default_timeout(STEP_TIMEOUT_MS)
    page.goto(f"{site.url}/")
    profiles = demo_profiles(page)
    assert len(profiles) == DEMO_PROFILES
    users, ratings = users_in_dataset(tiny_dataset_dir), trained_ratings(tiny_artifacts_dir)
    genres = {movie_id: movie.genres for movie_id, movie in catalogue(site).items()}
    for profile in profiles:
        described = PROFILE.match(profile["text"])
        assert described, profile
        gender, age, occupation = users[profile["user"]]
        assert described.groups()[:3] == (str(GENDER_LABELS[gender]), str(AGE_LABELS[age]),
                                          str(OCCUPATION_LABELS[occupation])), profile
        assert int(described[4]) == len(ratings[profile["user"]]), profile
        assert described[5] in best_liked_genres(ratings[profile["user"]], genres), profile
    page.click("#language-switch a[lang=zh]")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    for profile in demo_profiles(page):
        described = PROFILE_ZH.match(profile["text"])
        assert described and int(described[1]) == len(ratings[profile["user"]]), profile


def test_registering_needs_an_age_chosen(site, page):
    page.set_default_timeout(STEP_TIMEOUT_MS)
    page.goto(f"{site.url}/register")
    age = page.locator("select[name=age]")
    expect(age).to_have_value("")
    expect(age.locator("option:checked")).to_have_text("Choose your age")
    username = f"ageless_{secrets.token_hex(3)}"
    page.fill("input[name=username]", username)
    for name in ("password", "confirm"):
        page.fill(f"input[name={name}]", PASSWORD)
    page.select_option("select[name=gender]", "M")
    page.select_option("select[name=occupation]", "12")
    page.click("#register-form [type=submit]")
    page.wait_for_load_state()
    assert page.url == f"{site.url}/register", "the form was accepted without an age"
    field = page.locator(".field:has(select[name=age])")
    expect(field.locator(".field-error")).to_have_text("Choose your age.")
    expect(age).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#login-link")).to_be_visible()  # still a visitor
    expect(page.locator("input[name=username]")).to_have_value(username)
    for name in ("password", "confirm"):
        page.fill(f"input[name={name}]", PASSWORD)
    age.select_option("35")
    page.click("#register-form [type=submit]")
    page.wait_for_url(re.compile(r"/welcome$"))
    expect(page.locator(".account-nav .username")).to_have_text(username)
