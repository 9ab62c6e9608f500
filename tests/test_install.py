"""What `make install` and the images install: TensorFlow's package per platform, and the pinned versions."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def pins() -> dict[str, str]:
    lines = (ROOT / "constraints.txt").read_text().splitlines()
    return {re.sub(r"[-_.]+", "-", n).lower(): v for n, _, v in (l.partition("==") for l in lines if "==" in l)}


@pytest.mark.parametrize("system, machine, expected", [
    ("linux", "x86_64", "tensorflow-cpu"),
    ("win32", "AMD64", "tensorflow-cpu"),
    ("linux", "aarch64", "tensorflow"),  # tensorflow-cpu has no ARM wheels
    ("darwin", "arm64", "tensorflow"),
    ("darwin", "x86_64", "tensorflow"),
])
def test_training_installs_exactly_one_tensorflow_for_each_platform(system, machine, expected):
    environment = {"sys_platform": system, "platform_machine": machine}
    chosen = [r.name for r in map(Requirement, PROJECT["optional-dependencies"]["train"])
              if r.name.startswith("tensorflow") and (r.marker is None or r.marker.evaluate(environment))]
    assert chosen == [expected]


def test_constraints_pin_every_requirement_and_both_tensorflow_names_alike():
    pinned = pins()
    wanted = PROJECT["dependencies"] + [r for extra in PROJECT["optional-dependencies"].values() for r in extra]
    assert {Requirement(r).name.lower() for r in wanted} <= set(pinned)
    assert pinned["tensorflow"] == pinned["tensorflow-cpu"]
    assert all(re.fullmatch(r"[\w.+!]+", version) for version in pinned.values())  # exact versions only


def test_make_install_uses_the_constraints():
    assert re.search(r"pip install .*-c constraints\.txt .*-e '\.\[train,test\]'", (ROOT / "Makefile").read_text())
