"""A new visitor's walk through the site in a real browser, checked at each step and photographed.

`walk_the_site` is run by the browser test (tiny data, screenshots in a temporary folder) and by
bench/screenshots.py (MovieLens 1M, screenshots committed in docs/screenshots).
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Page, expect

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
STEP_TIMEOUT_MS = 15_000  # every wait of a step is bounded
MOVIE_PATH = re.compile(r"^/movies/\d+$")
# Interface text of the Chinese translation (webapp/translations/zh) checked after switching language.
ZH_SIMILAR = "相似电影"
ZH_ALSO_LIKED = "喜欢这部电影的人也喜欢"
ZH_MY_PICKS = "我的推荐"
ONBOARDING_STARS = (5, 5, 1)
PASSWORD = "a long enough password"  # two loved, one disliked: enough for the fold-in to move the picks


@dataclass
class Walk:
    """What the walk saw: pick ids before and after rating, the rated movies, the movie page opened."""

    picks_before: list[int] = field(default_factory=list)
    picks_after: list[int] = field(default_factory=list)
    rated: dict[int, int] = field(default_factory=dict)
    movie_id: int | None = None
    screenshots: list[Path] = field(default_factory=list)


def card_ids(page: Page, container: str) -> list[int]:
    """Movie ids of the cards in `container`, in page order."""
    return [int(v) for v in page.locator(f"{container} article.movie-card").evaluate_all(
        "cards => cards.map(c => c.dataset.movieId)")]


def card_hrefs(page: Page, container: str) -> list[str]:
    """Paths the cards in `container` link to."""
    return page.locator(f"{container} article.movie-card a.movie-card-link").evaluate_all(
        "links => links.map(a => new URL(a.href).pathname)")


def _shot(page: Page, walk: Walk, shots: Path, name: str) -> None:
    path = shots / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    walk.screenshots.append(path)


def _path(page: Page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url).split("?")[0]


def register(page: Page, base_url: str | None = None, prefix: str = "walker") -> str:
    """Fill the registration form (opened at `base_url`/register when given) and land on onboarding;
    returns the new account's name (its password is `PASSWORD`)."""
    if base_url is not None:
        page.goto(f"{base_url}/register")
    username = f"{prefix}_{secrets.token_hex(4)}"
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=confirm]", PASSWORD)
    page.select_option("select[name=gender]", "F")
    page.select_option("select[name=age]", "25")
    page.select_option("select[name=occupation]", "4")
    page.click("#register-form [type=submit]")
    page.wait_for_url(re.compile(r"/welcome$"))
    return username


def sign_in(page: Page, base_url: str, username: str, password: str = PASSWORD) -> None:
    """Fill the sign-in form and submit it (the caller checks where it leads)."""
    page.goto(f"{base_url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("#login-form [type=submit]")
    page.wait_for_load_state()


def star(page: Page, movie_id: int, stars: int):
    """The clickable star (the label around the radio button) of a full-size rating widget."""
    return page.locator(f"label:has(> #stars-{movie_id}-{stars})")


def walk_the_site(page: Page, base_url: str, shots: Path) -> Walk:
    """Register, onboard with three ratings, compare picks, open a movie page, switch to Chinese."""
    page.set_default_timeout(STEP_TIMEOUT_MS)
    shots.mkdir(parents=True, exist_ok=True)
    walk = Walk()

    # Home page of a visitor.
    page.goto(f"{base_url}/")
    expect(page.locator("article.movie-card").first).to_be_visible()
    _shot(page, walk, shots, "home")

    # Register through the form; the site signs the account in and opens onboarding.
    page.click("#register-link")
    username = register(page)
    expect(page.locator("h1")).to_contain_text(username)
    expect(page.locator(".account-nav .username")).to_have_text(username)
    offered = [int(v) for v in page.locator("#onboarding fieldset.onboarding-card").evaluate_all(
        "cards => cards.map(c => c.dataset.movieId)")]
    assert len(offered) >= len(ONBOARDING_STARS), f"onboarding offers only {offered}"
    _shot(page, walk, shots, "onboarding")

    # Picks from the demographics alone: the same list on every load.
    page.goto(f"{base_url}/picks")
    walk.picks_before = card_ids(page, "#picks")
    assert walk.picks_before, "no picks for a new account"
    page.reload()
    assert card_ids(page, "#picks") == walk.picks_before, "picks change without any rating"
    _shot(page, walk, shots, "picks-before")

    # Rate three offered movies that are not among the picks, so a change shows the fold-in, not exclusion.
    page.goto(f"{base_url}/welcome")
    to_rate = [m for m in offered if m not in walk.picks_before][:len(ONBOARDING_STARS)]
    assert len(to_rate) == len(ONBOARDING_STARS), f"too few offered movies outside the picks: {offered}"
    for movie_id, stars in zip(to_rate, ONBOARDING_STARS):
        star(page, movie_id, stars).click()
        expect(page.locator(f"#stars-{movie_id}-{stars}")).to_be_checked()
        walk.rated[movie_id] = stars
        expect(page.locator("#onboarding-count")).to_have_text(f"{len(walk.rated)} rated: your picks are ready")
    page.click("#onboarding button[name=done]")
    page.wait_for_url(re.compile(r"/picks$"))
    expect(page.locator(".flash")).to_contain_text("3")
    walk.picks_after = card_ids(page, "#picks")
    assert walk.picks_after, "no picks after rating"
    assert walk.picks_after != walk.picks_before, f"picks unchanged after rating {walk.rated}"
    assert not set(walk.rated) & set(walk.picks_after), "a rated movie is still offered as a pick"
    _shot(page, walk, shots, "picks-after")

    # The ratings are stored: My ratings lists exactly them.
    page.goto(f"{base_url}/ratings")
    listed = [int(v) for v in page.locator("#my-ratings li.rating-item").evaluate_all(
        "items => items.map(i => i.dataset.movieId)")]
    assert sorted(listed) == sorted(walk.rated), f"My ratings lists {listed}, rated {walk.rated}"
    for movie_id, stars in walk.rated.items():
        expect(page.locator(f"#stars-{movie_id}-{stars}")).to_be_checked()

    # A movie page from a pick's card: both lists, every card linking to a movie page.
    page.goto(f"{base_url}/picks")
    page.locator("#picks article.movie-card a.movie-card-link").first.click()
    page.wait_for_url(re.compile(r"/movies/\d+$"))
    walk.movie_id = int(_path(page).rsplit("/", 1)[1])
    assert walk.movie_id == walk.picks_after[0]
    expect(page.locator("#movie h1")).to_be_visible()
    for container in ("#similar", "#also-liked"):
        hrefs = card_hrefs(page, container)
        assert hrefs, f"no cards in {container} on /movies/{walk.movie_id}"
        assert all(MOVIE_PATH.match(h) for h in hrefs), f"{container} cards link elsewhere: {hrefs}"
        assert f"/movies/{walk.movie_id}" not in hrefs, f"{container} lists the movie itself"
    _shot(page, walk, shots, "movie")
    similar_first = card_ids(page, "#similar")[0]
    page.locator("#similar a.movie-card-link").first.click()
    page.wait_for_url(re.compile(rf"/movies/{similar_first}$"))
    expect(page.locator("#movie")).to_have_attribute("data-movie-id", str(similar_first))
    page.go_back()
    page.wait_for_url(re.compile(rf"/movies/{walk.movie_id}$"))

    # Switch the interface to Chinese from the header: same page, Chinese text, remembered.
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.click("#language-switch a[lang=zh]")
    page.wait_for_url(re.compile(rf"/movies/{walk.movie_id}$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator("section h2").first).to_have_text(ZH_SIMILAR)
    expect(page.locator("section h2").nth(1)).to_have_text(ZH_ALSO_LIKED)
    expect(page.locator(".main-nav")).to_contain_text(ZH_MY_PICKS)
    assert card_hrefs(page, "#similar"), "no similar cards on the Chinese page"
    _shot(page, walk, shots, "movie-zh")
    page.goto(f"{base_url}/picks")
    expect(page.locator("h1")).to_have_text(ZH_MY_PICKS)
    return walk
