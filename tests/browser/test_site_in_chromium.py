"""The site as production runs it (gunicorn, gunicorn.conf.py, settings from the environment only),
driven by headless Chromium: register, onboarding, picks before and after three ratings, a movie page
with both lists, and the Chinese interface."""
from __future__ import annotations

import pytest

from tests.browser.journey import CHROMIUM, CHROMIUM_ARGS, walk_the_site
from tests.browser.site import start_site

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def site(tmp_path_factory, tiny_artifacts_dir, tiny_dataset_dir):
    """The tiny-data site on a free port, with a SQLite database of its own; killed afterwards."""
    workdir = tmp_path_factory.mktemp("site")
    running = start_site(workdir, f"sqlite:///{workdir / 'movrec.sqlite'}", tiny_artifacts_dir, tiny_dataset_dir)
    yield running
    running.stop()
    assert not running.tree.wait_all_gone(timeout=10), "site processes outlived the test"


@pytest.fixture
def page():
    """A fresh page in headless Chromium (Debian's /usr/bin/chromium); closed afterwards."""
    if not CHROMIUM.is_file():
        pytest.skip(f"headless Chromium not installed at {CHROMIUM} (Debian package `chromium`)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=60_000)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
            yield context.new_page()
            context.close()
        finally:
            browser.close()


def test_new_visitor_walk(site, page, tmp_path):
    walk = walk_the_site(page, site.url, tmp_path / "screenshots")

    assert len(walk.rated) == 3
    assert walk.picks_before != walk.picks_after
    assert [p.name for p in walk.screenshots] == ["home.png", "onboarding.png", "picks-before.png",
                                                  "picks-after.png", "movie.png", "movie-zh.png"]
    assert all(p.stat().st_size > 1000 for p in walk.screenshots)
    assert site.master.poll() is None, f"gunicorn exited during the walk\n{site.log_tail()}"
    errors = [line for line in site.log.read_text(errors="replace").splitlines()
              if "Traceback" in line or "level=ERROR" in line or "status=5" in line]
    assert not errors, "server errors during the walk:\n" + "\n".join(errors)
