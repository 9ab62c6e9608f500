"""axe-core for the accessibility test: installed from npm at a pinned version into a cache folder outside
the repository (never committed), then injected into pages."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

AXE_VERSION = "4.10.3"
INSTALL_TIMEOUT = 180  # seconds for `npm install`
FAILING_IMPACTS = ("serious", "critical")


class AxeUnavailable(RuntimeError):
    """axe-core could not be installed (no npm, or the registry did not answer); the message says why."""


def cache_dir() -> Path:
    """Where the pinned axe-core is installed: $MOVREC_TEST_CACHE, else ~/.cache/movrec-tests."""
    base = os.environ.get("MOVREC_TEST_CACHE") or Path.home() / ".cache" / "movrec-tests"
    return Path(base) / f"axe-core-{AXE_VERSION}"


def axe_script() -> Path:
    """The path of axe.min.js at `AXE_VERSION`, running `npm install` the first time."""
    prefix = cache_dir()
    script = prefix / "node_modules" / "axe-core" / "axe.min.js"
    if script.is_file():
        return script
    npm = shutil.which("npm")
    if npm is None:
        raise AxeUnavailable("npm is not installed, so axe-core cannot be installed")
    prefix.mkdir(parents=True, exist_ok=True)
    try:
        done = subprocess.run([npm, "install", "--prefix", str(prefix), "--no-save", "--no-audit", "--no-fund",
                               f"axe-core@{AXE_VERSION}"], capture_output=True, text=True, timeout=INSTALL_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise AxeUnavailable(f"npm install axe-core@{AXE_VERSION} took over {INSTALL_TIMEOUT} s") from None
    if done.returncode != 0 or not script.is_file():
        raise AxeUnavailable(f"npm install axe-core@{AXE_VERSION} failed ({done.returncode}): "
                             f"{(done.stderr or done.stdout).strip()[-500:]}")
    return script


def serious_violations(page) -> list[str]:
    """Run axe on the page (already injected) and describe each serious or critical violation."""
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['impact']} {v['id']}: {v['help']} at " + ", ".join(str(n["target"]) for n in v["nodes"][:5])
            for v in results["violations"] if v["impact"] in FAILING_IMPACTS]
