"""The site as production runs it (gunicorn, gunicorn.conf.py, settings from the environment only),
driven by headless Chromium: register, onboarding, picks before and after three ratings, a movie page
with both lists, and the Chinese interface."""
from __future__ import annotations

import pytest

from tests.browser.journey import walk_the_site

pytestmark = [pytest.mark.browser, pytest.mark.slow]


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
