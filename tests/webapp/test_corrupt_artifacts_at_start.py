"""A web process started on a corrupt artifacts file fails at once with an error that names the file and says
how to retrain (`movrec.artifacts.ArtifactsError`), whatever the damage: cut short, a flipped byte (zip CRC),
or text that is not JSON."""
from __future__ import annotations

import shutil

import pytest
from movrec.artifacts import ArtifactsError

from tests.webapp.helpers import web_config

FILES = ["vectors.npz", "ratings.npz", "also_liked.npz", "similar.npz", "ease.npz", "user_tower.npz", "heldout.npz",
         "encoders.json", "metrics.json"]


def cut_short(data: bytes) -> bytes:
    return data[: len(data) // 2]


def flip_a_byte(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1:]


@pytest.mark.parametrize("damage", [cut_short, flip_a_byte])
@pytest.mark.parametrize("name", FILES)
def test_start_up_names_the_corrupt_file_and_says_retrain(name, damage, tmp_path, tiny_artifacts_dir,
                                                          tiny_dataset_dir, sqlite_url):
    from webapp import create_app

    artifacts = shutil.copytree(tiny_artifacts_dir, tmp_path / "artifacts")
    (artifacts / name).write_bytes(damage((artifacts / name).read_bytes()))
    with pytest.raises(ArtifactsError) as failed:
        create_app(web_config(sqlite_url, tmp_path, artifacts, tiny_dataset_dir), serving=True)
    message = str(failed.value)
    assert str(artifacts / name) in message and "retrain with `python -m movrec train --out" in message
