"""Screenshots of the site on MovieLens 1M for docs/screenshots, taken during the browser test's walk.

    .venv/bin/python -m bench.screenshots [--data ../shared/data/ml-1m] [--artifacts /tmp/artifacts-bench]

Starts the site as production does (tests/browser/site.py: gunicorn, a throwaway SQLite database,
migrations and catalogue import), trains the artifacts first with `python -m movrec train` if the folder
holds none, walks it in headless Chromium with every check of the browser test, and writes the PNGs.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from movrec.artifacts import REQUIRED  # noqa: E402

from tests.browser.journey import CHROMIUM, CHROMIUM_ARGS, walk_the_site  # noqa: E402
from tests.browser.site import start_site  # noqa: E402

SHOTS = ROOT / "docs" / "screenshots"
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "ml-1m"
DEFAULT_ARTIFACTS = Path("/tmp/artifacts-bench")
MAX_BYTES = 300_000


def ensure_artifacts(artifacts: Path, data: Path) -> None:
    """Train the seed model on `data` into `artifacts` unless a trained bundle is already there."""
    if all((artifacts / name).is_file() for name in REQUIRED):
        print(f"reusing the trained artifacts in {artifacts}")
        return
    print(f"training into {artifacts} (about 1.5 minutes on ML-1M)")
    subprocess.run([sys.executable, "-m", "movrec", "train", "--data", str(data), "--out", str(artifacts)],
                   cwd=ROOT, check=True)


def shrink(path: Path) -> None:
    """Recompress a screenshot losslessly; if still over MAX_BYTES, reduce it to a 256-colour palette."""
    from PIL import Image

    with Image.open(path) as image:
        image.load()
    image = image.convert("RGB")
    image.save(path, optimize=True)
    if path.stat().st_size > MAX_BYTES:
        image.quantize(colors=256).save(path, optimize=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--artifacts", type=Path, default=DEFAULT_ARTIFACTS)
    parser.add_argument("--out", type=Path, default=SHOTS)
    args = parser.parse_args()
    if not CHROMIUM.is_file():
        sys.exit(f"headless Chromium not found at {CHROMIUM}")
    ensure_artifacts(args.artifacts, args.data)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="movrec-shots-") as tmp:
        workdir = Path(tmp)
        site = start_site(workdir, f"sqlite:///{workdir / 'movrec.sqlite'}", args.artifacts, args.data)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                try:
                    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US").new_page()
                    walk = walk_the_site(page, site.url, args.out)
                finally:
                    browser.close()
        finally:
            site.stop()
    print(f"picks before rating: {walk.picks_before}")
    print(f"rated: {walk.rated}")
    print(f"picks after rating:  {walk.picks_after}")
    print(f"movie page: /movies/{walk.movie_id}")
    too_big = []
    for path in walk.screenshots:
        shrink(path)
        size = path.stat().st_size
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {size / 1000:.0f} kB")
        if size > MAX_BYTES:
            too_big.append(path.name)
    if too_big:
        sys.exit(f"screenshots over {MAX_BYTES // 1000} kB: {', '.join(too_big)}")


if __name__ == "__main__":
    main()
