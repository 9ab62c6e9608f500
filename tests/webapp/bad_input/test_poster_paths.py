"""A poster path in the database that points outside the poster folder (a corrupt or tampered row) serves
nothing: /posters/<id> is a 404, never a file from elsewhere on the disk."""
from __future__ import annotations

import os

import pytest

from tests.webapp.views.test_catalog import cache_info


@pytest.mark.parametrize("path", ["../secret.txt", "/etc/hostname", "..\\secret.txt", "posters/../../secret.txt"])
def test_a_poster_path_outside_the_poster_folder_is_a_404(app, client, path):
    posters = app.config["POSTER_DIR"]
    os.makedirs(posters, exist_ok=True)
    with open(os.path.join(posters, "..", "secret.txt"), "w") as fh:
        fh.write("not a poster")
    cache_info(app, 2, poster_path=path)
    response = client.get("/posters/2")
    assert response.status_code == 404 and b"not a poster" not in response.data
