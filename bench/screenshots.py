"""Screenshots of the site on MovieLens 1M for docs/screenshots, taken during the browser test's walk, then
a member's pages (home, browsing with filters sorted by predicted stars, onboarding count, picks with card
controls, movie page, watchlist, ratings, account) on a desktop (1366x900), a phone (390x844) and in Chinese.

    .venv/bin/python -m bench.screenshots [--data ../shared/data/ml-1m] [--artifacts /tmp/artifacts-bench]

Starts the site as production does (tests/browser/site.py: gunicorn, a throwaway SQLite database,
migrations and catalogue import), trains the artifacts first with `python -m movrec train` if the folder
holds none, walks it in headless Chromium with every check of the browser test, and writes the PNGs.
The Chinese pages need a CJK font installed (Debian: `fonts-noto-cjk`), else their text shows as boxes.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from movrec.artifacts import REQUIRED  # noqa: E402

from tests.browser.journey import (CHROMIUM, CHROMIUM_ARGS, register, sign_in, star,  # noqa: E402
                                   walk_the_site)
from tests.browser.site import start_site  # noqa: E402

SHOTS = ROOT / "docs" / "screenshots"
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "ml-1m"
DEFAULT_ARTIFACTS = Path("/tmp/artifacts-bench")
MAX_BYTES = 300_000
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
ONBOARDING_RATINGS = (5, 4, 2, 5, 3, 4, 5)
BROWSE = "/movies?genre=Comedy&year_from=1985&year_to=1995&sort=for_me"  # filters and the member's own sort


def ensure_artifacts(artifacts: Path, data: Path) -> None:
    """Train the seed model on `data` into `artifacts` unless a trained bundle is already there."""
    if all((artifacts / name).is_file() for name in REQUIRED):
        print(f"reusing the trained artifacts in {artifacts}")
        return
    print(f"training into {artifacts} (about 1.5 minutes on ML-1M)")
    subprocess.run([sys.executable, "-m", "movrec", "train", "--data", str(data), "--out", str(artifacts)],
                   cwd=ROOT, check=True)


def shrink(path: Path) -> None:
    """Recompress a screenshot losslessly; if still over MAX_BYTES, reduce it to a 256-colour palette."""
    from PIL import Image

    with Image.open(path) as image:
        image.load()
    image = image.convert("RGB")
    image.save(path, optimize=True)
    if path.stat().st_size > MAX_BYTES:
        image.quantize(colors=256).save(path, optimize=True)


def _shoot(page, out: Path, name: str, shots: list[Path]) -> None:
    path = out / f"{name}.png"
    page.screenshot(path=str(path))
    shots.append(path)


def _signed_in_page(browser, base_url: str, username: str, viewport: dict, locale: str):
    page = browser.new_context(viewport=viewport, locale=locale).new_page()
    sign_in(page, base_url, username)
    page.wait_for_url(f"{base_url}/")
    return page


def member_pages(browser, base_url: str, out: Path) -> list[Path]:
    """Register a member, rate seven onboarding movies by clicking, mark two picks "want to see" and one
    "not interested", and photograph the member's pages on a desktop, a phone and in Chinese."""
    from playwright.sync_api import expect

    shots: list[Path] = []
    page = browser.new_context(viewport=DESKTOP, locale="en-US").new_page()
    username = register(page, base_url, "member")
    offered = [int(v) for v in page.locator("#onboarding fieldset.onboarding-card").evaluate_all(
        "cards => cards.map(c => c.dataset.movieId)")]
    for movie_id, stars in zip(offered, ONBOARDING_RATINGS):
        star(page, movie_id, stars).click()
    expect(page.locator("#onboarding-count")).to_have_text(f"{len(ONBOARDING_RATINGS)} rated: your picks are ready")
    _shoot(page, out, "member-onboarding", shots)
    page.locator("#onboarding-count").scroll_into_view_if_needed()
    _shoot(page, out, "member-onboarding-count", shots)
    page.click("#skip-onboarding")
    page.wait_for_url(f"{base_url}/picks")
    cards = page.locator("#picks article.movie-card")
    for i in (0, 2):
        cards.nth(i).locator(".mark-watchlist").click()
        expect(cards.nth(i).locator(".mark-watchlist")).to_have_attribute("aria-pressed", "true")
    cards.nth(1).locator(".mark-hide").click()
    expect(cards.nth(1).locator(".mark-hide")).to_have_attribute("aria-pressed", "true")
    _shoot(page, out, "member-picks", shots)
    page.goto(f"{base_url}/picks?page=2")
    _shoot(page, out, "member-picks-page-2", shots)
    movie_id = int(page.locator("#picks article.movie-card").first.get_attribute("data-movie-id"))
    page.goto(f"{base_url}/movies/{movie_id}")
    star(page, movie_id, 4).click()
    expect(page.locator("#rating-form .save-status")).to_have_text("Rating saved. Your picks are updated.")
    _shoot(page, out, "member-movie", shots)
    for name in ("watchlist", "ratings", "account"):
        page.goto(f"{base_url}/{name}")
        _shoot(page, out, f"member-{name}", shots)
    page.goto(f"{base_url}{BROWSE}")
    _shoot(page, out, "member-browse", shots)
    page.context.close()

    for prefix, viewport, locale in (("phone", PHONE, "en-US"), ("zh", DESKTOP, "zh-CN")):
        page = _signed_in_page(browser, base_url, username, viewport, locale)
        for name, path in (("home", "/"), ("browse", BROWSE), ("onboarding", "/welcome"), ("picks", "/picks"),
                           ("movie", f"/movies/{movie_id}"), ("watchlist", "/watchlist"), ("account", "/account")):
            page.goto(base_url + path)
            _shoot(page, out, f"{prefix}-{name}", shots)
        page.context.close()
    return shots


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--artifacts", type=Path, default=DEFAULT_ARTIFACTS)
    parser.add_argument("--out", type=Path, default=SHOTS)
    args = parser.parse_args()
    if not CHROMIUM.is_file():
        sys.exit(f"headless Chromium not found at {CHROMIUM}")
    ensure_artifacts(args.artifacts, args.data)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="movrec-shots-") as tmp:
        workdir = Path(tmp)
        site = start_site(workdir, f"sqlite:///{workdir / 'movrec.sqlite'}", args.artifacts, args.data)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                try:
                    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US").new_page()
                    walk = walk_the_site(page, site.url, args.out)
                    walk.screenshots += member_pages(browser, site.url, args.out)
                finally:
                    browser.close()
        finally:
            site.stop()
    print(f"picks before rating: {walk.picks_before}")
    print(f"rated: {walk.rated}")
    print(f"picks after rating:  {walk.picks_after}")
    print(f"movie page: /movies/{walk.movie_id}")
    too_big = []
    for path in walk.screenshots:
        shrink(path)
        size = path.stat().st_size
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {size / 1000:.0f} kB")
        if size > MAX_BYTES:
            too_big.append(path.name)
    if too_big:
        sys.exit(f"screenshots over {MAX_BYTES // 1000} kB: {', '.join(too_big)}")


if __name__ == "__main__":
    main()
