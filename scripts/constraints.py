"""The pinned versions every install uses (constraints.txt): write them from a working venv, check other machines.

    python scripts/constraints.py write   # constraints.txt from this venv (`make lock`)
    python scripts/constraints.py check   # would pip install the project with them elsewhere? (`make check-lock`)

`write` pins what `pip freeze --all` lists but pip (setuptools and wheel too: TensorFlow and astunparse need
them on Python 3.12+), and pins TensorFlow under both of its names (`tensorflow-cpu` here,
`tensorflow` on macOS arm64 and ARM Linux, see pyproject.toml) at one version. A constraint only limits a
version and never installs anything, so one file without markers serves every machine, as long as each pinned
version has a wheel for each of them.

`check` asks PyPI (pip, `--dry-run`, wheels only) whether the project with its `train` and `test` extras
resolves under these constraints for Linux x86-64, Linux aarch64 and macOS arm64, on the oldest and newest
Python the project supports. pip evaluates environment markers for the machine it runs on, not for
`--platform`, so the requirements are evaluated here for each target first.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
CONSTRAINTS = ROOT / "constraints.txt"
TENSORFLOW_NAMES = ("tensorflow", "tensorflow-cpu")
HEADER = """\
# Pinned versions for every install of movrec (make install, .ci/run, the Docker images): pip's -c option.
# Written by `make lock` from a venv that passed the tests; checked for other machines by `make check-lock`.
# To upgrade: upgrade packages in .venv on purpose, run `make test`, then `make lock` and `make check-lock`.
"""


def _manylinux(arch: str) -> list[str]:
    """Wheel platform tags a Linux with glibc 2.28 or newer accepts (pip does not widen `--platform` itself)."""
    return [f"manylinux_2_{minor}_{arch}" for minor in range(17, 29)] + [f"manylinux2014_{arch}"]


# name -> (pip --platform tags, values of the environment markers that differ between targets)
TARGETS = {
    "Linux x86-64": (_manylinux("x86_64"), {"sys_platform": "linux", "platform_machine": "x86_64"}),
    "Linux aarch64": (_manylinux("aarch64"), {"sys_platform": "linux", "platform_machine": "aarch64"}),
    "macOS arm64": (["macosx_12_0_arm64"], {"sys_platform": "darwin", "platform_machine": "arm64"}),
}
PYTHONS = ("3.11.0", "3.13")


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def write() -> None:
    """constraints.txt from `pip freeze` of the running Python's environment (pip itself left out)."""
    frozen = subprocess.run([sys.executable, "-m", "pip", "freeze", "--all", "--exclude-editable"], check=True,
                            capture_output=True, text=True).stdout.splitlines()
    pins = {_normal(line.split("==")[0]): line.split("==")[1] for line in frozen if "==" in line}
    pins.pop("pip", None)
    tensorflow = {pins.pop(name) for name in TENSORFLOW_NAMES if name in pins}
    if len(tensorflow) != 1:
        raise SystemExit(f"expected one TensorFlow in this venv (make install), found versions {tensorflow or 'none'}")
    pins.update(dict.fromkeys(TENSORFLOW_NAMES, tensorflow.pop()))
    CONSTRAINTS.write_text(HEADER + "".join(f"{name}=={pins[name]}\n" for name in sorted(pins)))
    print(f"{CONSTRAINTS.name}: {len(pins)} pins")


def requirements_for(environment: dict[str, str], python: str) -> list[str]:
    """The project's requirements (with the train and test extras) that apply on ``environment``, markers dropped."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["train"] \
        + project["optional-dependencies"]["test"]
    values = {**environment, "python_version": ".".join(python.split(".")[:2]), "python_full_version": python}
    kept = []
    for text in wanted:
        requirement = Requirement(text)
        if requirement.marker is None or requirement.marker.evaluate(values):
            requirement.marker = None
            kept.append(str(requirement))
    return kept


def check() -> int:
    """Dry-run installs for every target and Python; 0 when all resolve with every package pinned."""
    pinned = {_normal(line.split("==")[0]) for line in CONSTRAINTS.read_text().splitlines() if "==" in line}
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for target, (platforms, environment) in TARGETS.items():
            for python in PYTHONS:
                wanted = Path(tmp) / "requirements.txt"
                wanted.write_text("\n".join(requirements_for(environment, python)) + "\n")
                report = Path(tmp) / "report.json"
                command = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet",
                           "--only-binary=:all:", "--python-version", python, "--report", str(report),
                           *(arg for tag in platforms for arg in ("--platform", tag)),
                           "-c", str(CONSTRAINTS), "-r", str(wanted)]
                done = subprocess.run(command, capture_output=True, text=True)
                if done.returncode != 0:
                    failures += 1
                    errors = [line for line in done.stderr.splitlines() if line.startswith("ERROR")]
                    print(f"FAIL {target}, Python {python}: " + " ".join(errors)[:600])
                    continue
                installed = {_normal(item["metadata"]["name"]): item["metadata"]["version"]
                             for item in json.loads(report.read_text())["install"]}
                loose = sorted(set(installed) - pinned)
                failures += bool(loose)
                tf = next(f"{n}=={installed[n]}" for n in TENSORFLOW_NAMES if n in installed)
                print(f"{'FAIL' if loose else 'ok  '} {target}, Python {python}: {len(installed)} packages "
                      f"resolve, {tf}" + (f"; not pinned: {', '.join(loose)}" if loose else ""))
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=("write", "check"))
    if parser.parse_args().action == "write":
        write()
        return 0
    return check()


if __name__ == "__main__":
    sys.exit(main())
