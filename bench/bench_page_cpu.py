"""CPU time per request of the site's pages, in one process through Flask's test client.

    .venv/bin/python -m bench.bench_page_cpu [--artifacts DIR] [--data DIR] [--requests 300]
                                             [--profile PAGE [--profile-all]]

Wall-clock throughput (bench/bench_web.py) moves with whatever else runs on the machine; CPU time of the
process serving (`time.process_time`) barely does, so this compares two trees on a shared machine. The site
is set up as bench_web sets it up (SQLite, MovieLens 1M artifacts and catalogue, every movie's Douban fetch
queued beforehand so no page asks for info), in a process that serves (model loaded at start). A member
registers and rates `bench_web.RATED`; then each page is requested `--warmup` times and timed over
`--requests` more, every request sending a browser's `Accept-Encoding` (so compression is counted):

- `/healthz` and a static file (the baselines);
- the signed-in movie page and the visitor movie page, each over its own slice of the catalogue's ids, so
  nearly every page and most of its cards are rendered for the first time ("fresh");
- `/picks` of the member, repeated: its cards come back, and its picks, kept until the member's ratings or hidden
  movies change (`webapp/services/member_model.py`);
- `/picks` fresh: the same with those memos keeping nothing, as on the first /picks after each rating.

`--profile PAGE` (healthz, static, member_movie, picks, visitor_movie, picks_fresh) prints a pyinstrument profile
of that page's timed requests instead (pyinstrument must be installed in the venv); `--profile-all` keeps the
frames of Flask, Jinja, SQLAlchemy and the other libraries, which pyinstrument otherwise folds away. Prints a
table; writes nothing.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_web import DEFAULT_ARTIFACTS, DEFAULT_DATA, RATED, catalogue_ids  # noqa: E402
from tests.browser.site import BIN, prepare_database, site_environment  # noqa: E402
from tests.webapp.helpers import rate, register  # noqa: E402

HEADERS = {"Accept-Encoding": "gzip, deflate"}
PAGES = ("healthz", "static", "member_movie", "picks", "visitor_movie", "picks_fresh")


def set_up_site(workdir: Path, artifacts: Path, data: Path):
    """The ML-1M site on a SQLite file in `workdir`, with every Douban fetch queued: a serving app."""
    env = site_environment(workdir, f"sqlite:///{workdir / 'movrec.sqlite'}", artifacts, data, port=0)
    prepare_database(env, workdir)
    subprocess.run([str(BIN / "flask"), "--app", "webapp", "movrec", "scrape", "--missing"], env=env, cwd=ROOT,
                   capture_output=True, check=True, timeout=600)
    os.environ.clear()
    os.environ.update(env)
    from webapp import create_app

    return create_app(serving=True)


def signed_in_member(app, username: str):
    """A test client of `app` signed in as a new member who rated `bench_web.RATED`."""
    member = app.test_client()
    assert register(member, username=username, password="bench password").status_code == 302
    for i, movie_id in enumerate(RATED):
        assert rate(member, movie_id, 5 - i % 3).status_code == 302
    return member


def time_requests(client, paths: list[str], warmup: int, profile: bool, show_all: bool) -> float:
    """Mean CPU milliseconds per request over `paths[warmup:]` (every answer must be 200)."""
    def get(path: str) -> None:
        response = client.get(path, headers=HEADERS)
        assert response.status_code == 200, f"{path}: {response.status_code}"

    for path in paths[:warmup]:
        get(path)
    profiler = None
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
    start = time.process_time()
    for path in paths[warmup:]:
        get(path)
    spent = time.process_time() - start
    if profiler is not None:
        profiler.stop()
        print(profiler.output_text(unicode=False, color=False, show_all=show_all))
    return 1000 * spent / (len(paths) - warmup)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--artifacts", type=Path, default=DEFAULT_ARTIFACTS)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--profile", choices=PAGES, default=None)
    parser.add_argument("--profile-all", action="store_true", help="show library frames in the profile too")
    args = parser.parse_args()
    if args.profile_all and not args.profile:
        parser.error("--profile-all needs --profile PAGE")

    with tempfile.TemporaryDirectory(prefix="movrec-bench-cpu-") as tmp:
        app = set_up_site(Path(tmp), args.artifacts.resolve(), args.data.resolve())
        ids = catalogue_ids(args.data)
        n = args.warmup + args.requests
        if 2 * n > len(ids):
            sys.exit(f"--warmup + --requests must be at most {len(ids) // 2}: each movie page run needs its own ids")
        member, visitor = signed_in_member(app, "bench_cpu"), app.test_client()
        # Every other catalogue id to each movie page run, so neither renders the pages of the other.
        member_ids, visitor_ids = ids[0::2][:n], ids[1::2][:n]
        runs: dict[str, tuple[object, list[str]]] = {
            "healthz": (visitor, ["/healthz"] * n),
            "static": (visitor, ["/static/favicon.svg"] * n),
            "member_movie": (member, [f"/movies/{i}" for i in member_ids]),
            "picks": (member, ["/picks"] * n),
            "visitor_movie": (visitor, [f"/movies/{i}" for i in visitor_ids]),
            "picks_fresh": (member, ["/picks"] * n),
        }

        from webapp.services.lru import LruMap  # imported after set_up_site's environment
        from webapp.services.member_model import PICKS_EXTENSION, VECTORS_EXTENSION

        def timed(page: str) -> float:
            if page == "picks_fresh":  # timed last: from here on the member's vectors and picks are never kept
                for memo in (VECTORS_EXTENSION, PICKS_EXTENSION):
                    app.extensions[memo] = LruMap(max_entries=0)
            return time_requests(*runs[page], args.warmup, page == args.profile, args.profile_all)

        results = {page: timed(page) for page in PAGES}
    healthz = results["healthz"]
    print(f"\nCPU ms per request ({args.requests} requests after {args.warmup}; load average "
          f"{os.getloadavg()[0]:.1f})")
    for page, ms in results.items():
        print(f"  {page:<15} {ms:7.2f} ms   {healthz / ms:5.0%} of /healthz")


if __name__ == "__main__":
    main()
