"""How long a full garbage collection pauses a web worker, with and without `gc.freeze()` after start-up.

    .venv/bin/python -m bench.bench_gc [--artifacts DIR] [--data DIR] [--requests 2000]

The site is set up as bench_page_cpu sets it up (SQLite, MovieLens 1M artifacts and catalogue, a serving app with
the model loaded at start, a member who rated `bench_web.RATED`). Then: the objects the collector tracks and the
time of `gc.collect()` right after start-up; `gc.freeze()`, as gunicorn.conf.py's `post_worker_init` does;
`--requests` requests (movie pages over the catalogue, signed in, and /picks) and a full collection again. A
pause of a worker holds every request queued behind it, so the pause is what the worst answers of a busy site wait.
Prints the figures; writes nothing.
"""
from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_page_cpu import HEADERS, set_up_site, signed_in_member  # noqa: E402
from bench.bench_web import DEFAULT_ARTIFACTS, DEFAULT_DATA, catalogue_ids  # noqa: E402


def full_collection_ms() -> float:
    start = time.perf_counter()
    gc.collect()
    return 1000 * (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--artifacts", type=Path, default=DEFAULT_ARTIFACTS)
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="movrec-bench-gc-") as tmp:
        app = set_up_site(Path(tmp), args.artifacts.resolve(), args.data.resolve())
        member = signed_in_member(app, "bench_gc")
        tracked = len(gc.get_objects())
        unfrozen = [full_collection_ms() for _ in range(3)]
        gc.freeze()
        ids = catalogue_ids(args.data)
        for n in range(args.requests):
            path = "/picks" if n % 4 == 3 else f"/movies/{ids[n % len(ids)]}"
            assert member.get(path, headers=HEADERS).status_code == 200, path
        made = len(gc.get_objects())
        frozen = [full_collection_ms() for _ in range(3)]
    print(f"objects tracked after start-up: {tracked:,}; full collection {min(unfrozen):.1f}-{max(unfrozen):.1f} ms")
    print(f"after gc.freeze() and {args.requests} requests: {made:,} objects tracked outside the frozen ones; "
          f"full collection {min(frozen):.2f}-{max(frozen):.2f} ms")


if __name__ == "__main__":
    main()
