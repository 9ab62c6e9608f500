"""The artifacts directory is resolved once a request: an artifacts symlink switched to a new model is followed
from the next request on, and one request never mixes two models."""
from __future__ import annotations

import shutil

from webapp.services.recommender import artifacts_dir, get_recommender


def test_a_switched_artifacts_symlink_is_followed_from_the_next_request(app, tiny_artifacts_dir, tmp_path):
    old, new = tmp_path / "model-1", tmp_path / "model-2"
    shutil.copytree(tiny_artifacts_dir, old)
    shutil.copytree(tiny_artifacts_dir, new)
    current = tmp_path / "current"
    current.symlink_to(old)
    app.config["MOVREC_ARTIFACTS"] = str(current)
    with app.test_request_context("/picks"):
        assert artifacts_dir() == old
        first = get_recommender()
        current.unlink()
        current.symlink_to(new)
        assert artifacts_dir() == old and get_recommender() is first  # the request keeps the model it began with
    with app.test_request_context("/picks"):
        assert artifacts_dir() == new and get_recommender() is not first
