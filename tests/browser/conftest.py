"""Fixtures of the browser tests: one tiny-data site for the session, and headless Chromium pages."""
from __future__ import annotations

import pytest

from tests.browser.journey import CHROMIUM, CHROMIUM_ARGS
from tests.browser.site import start_site

DESKTOP = {"width": 1280, "height": 900}
REGISTRATIONS = "200 per hour"


@pytest.fixture(scope="session")
def site(tmp_path_factory, tiny_artifacts_dir, tiny_dataset_dir):
    """The tiny-data site on a free port, with a SQLite database of its own; killed afterwards."""
    workdir = tmp_path_factory.mktemp("site")
    # Every browser test registers its own account from 127.0.0.1: lift the per-address limit (10 an hour).
    running = start_site(workdir, f"sqlite:///{workdir / 'movrec.sqlite'}", tiny_artifacts_dir, tiny_dataset_dir,
                         REGISTER_LIMIT_PER_IP=REGISTRATIONS)
    yield running
    running.stop()
    assert not running.tree.wait_all_gone(timeout=10), "site processes outlived the test"


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium (Debian's /usr/bin/chromium), closed at the end of the session."""
    if not CHROMIUM.is_file():
        pytest.skip(f"headless Chromium not installed at {CHROMIUM} (Debian package `chromium`)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=60_000)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def new_page(browser):
    """Open pages in fresh contexts (`viewport`, `javascript`, `bypass_csp`: for injecting axe-core);
    every context is closed afterwards."""
    contexts = []

    def open_page(viewport: dict | None = None, javascript: bool = True, bypass_csp: bool = False):
        context = browser.new_context(viewport=viewport or DESKTOP, locale="en-US", java_script_enabled=javascript,
                                      bypass_csp=bypass_csp)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A fresh desktop page with JavaScript."""
    return new_page()
