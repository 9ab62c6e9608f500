"""scripts/prepare.sh needs MovieLens only to train or to fill an empty catalogue: a restart works offline."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.system import clean_environment

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def prepare(env: dict[str, str]) -> str:
    done = subprocess.run([str(ROOT / "scripts" / "prepare.sh")], env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_restart_without_the_dataset_once_model_and_catalogue_exist(tmp_path, tiny_dataset_dir, tiny_artifacts_dir):
    env = clean_environment(
        PATH=f"{Path(sys.executable).parent}:{clean_environment()['PATH']}",
        MOVREC_ARTIFACTS=str(tiny_artifacts_dir),
        INSTANCE_DIR=str(tmp_path / "instance"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'movrec.sqlite'}",
        # Any download would fail at once: nothing listens on port 9.
        HTTPS_PROXY="http://127.0.0.1:9", HTTP_PROXY="http://127.0.0.1:9",
    )
    first = prepare({**env, "MOVREC_DATA_DIR": str(tiny_dataset_dir)})
    assert f"dataset: {tiny_dataset_dir}" in first and "120 added" in first

    again = prepare(env)  # no MOVREC_DATA_DIR, and no internet
    assert "==> MovieLens 1M" not in again and "dataset:" not in again
    assert "reusing the trained model" in again and "catalogue already imported" in again


def test_corrupt_artifacts_are_retrained_although_metrics_json_is_there(tmp_path, tiny_dataset_dir,
                                                                         tiny_artifacts_dir):
    import shutil

    from movrec.artifacts import Artifacts

    artifacts = shutil.copytree(tiny_artifacts_dir, tmp_path / "artifacts")
    vectors = artifacts / "vectors.npz"
    data = vectors.read_bytes()
    vectors.write_bytes(data[:len(data) // 2] + bytes([data[len(data) // 2] ^ 0xFF]) + data[len(data) // 2 + 1:])
    env = clean_environment(
        PATH=f"{Path(sys.executable).parent}:{clean_environment()['PATH']}",
        MOVREC_ARTIFACTS=str(artifacts),
        MOVREC_DATA_DIR=str(tiny_dataset_dir),
        MOVREC_TRAIN_ARGS="--epochs 1",
        INSTANCE_DIR=str(tmp_path / "instance"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'movrec.sqlite'}",
    )
    output = prepare(env)
    assert "reusing the trained model" not in output and "training once" in output
    assert f"no usable trained model: movrec.artifacts.ArtifactsError: {vectors}: unreadable" in output
    Artifacts.load(artifacts)  # readable again
