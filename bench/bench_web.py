"""Serving benchmark: the site under gunicorn as production runs it, loaded by wrk from a second process.

    .venv/bin/python -m bench.bench_web [--databases sqlite,postgresql] [--duration 10]

For each database: start the site (tests/browser/site.py: `gunicorn -c gunicorn.conf.py 'webapp:create_app()'`,
2 workers, one BLAS thread each as gunicorn.conf.py sets, MovieLens 1M artifacts and catalogue, migrations
and import by the flask commands), queue every movie's Douban fetch once with `flask movrec scrape`
(no worker runs, so every page sees pending info and asks for nothing: the steady state of a site whose
backfill is under way), sign a user in through the form, then run `wrk -t2 -c32 -d10s --latency` (with a
browser's `Accept-Encoding`) on:

- `/healthz`, the baseline of the goals (it checks the database and the broker), and a static file, a baseline
  that does not move when /healthz checks more;
- the movie page for visitors, over every catalogue id (a Lua script cycles through them, so the
  per-process page caches start cold and most requests render) and for one fixed id (cache hits);
- the movie page signed in, over every id (never cached: the full render cost);
- `/picks` of the signed-in user (session cookie from the sign-in form, passed as a wrk header);
- `/api/movies/<id>/similar` over every id.

Statuses come from gunicorn's access log (exact counts of every non-200 answer, 3xx included, which
wrk does not count); RSS of each web worker from /proc after the runs. Prints a table and publishes it.
"""
from __future__ import annotations

import argparse
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.report import markdown_table, publish  # noqa: E402
from tests.browser.site import BIN, Site, start_site  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "ml-1m"
DEFAULT_ARTIFACTS = Path("/tmp/artifacts-bench")
PG_ADMIN_URL = "postgresql://root@127.0.0.1:5432/postgres"
FIXED_MOVIE = 2858  # American Beauty, the most rated movie of ML-1M
RATED = (2858, 260, 1196, 1210, 2028)  # the signed-in user's ratings (well-known movies of ML-1M)
CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
ACCESS = re.compile(r'access .*?path="([^"]*)" .*?status=(\d+)')
# Share of /healthz's throughput each of the movie page (cold caches, one id), the signed-in movie page and
# /picks must reach, all with p99 under GOAL_P99_MS.
GOAL_SHARES, GOAL_P99_MS = (0.40, 0.60, 0.40, 0.40), 50.0
# What a browser sends: pages may come back compressed, as they would to people.
BROWSER_HEADERS = ("Accept-Encoding: gzip, deflate",)

# Cycles over the ids given to wrk after `--`; each wrk thread starts at its own share of the list.
LUA = """
local paths, counter = {}, 0
local threads = 0
function setup(thread)
  thread:set("thread_index", threads)
  threads = threads + 1
end
function init(args)
  local prefix, suffix = args[1], args[2] or ""
  for id in string.gmatch(args[3], "%d+") do paths[#paths + 1] = prefix .. id .. suffix end
  counter = (thread_index or 0) * math.floor(#paths / 2)
end
function request()
  counter = counter % #paths + 1
  return wrk.format(nil, paths[counter])
end
"""


@dataclass
class Run:
    """One wrk run: what was loaded and what came back."""

    endpoint: str
    url: str
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_200: int
    statuses: dict
    socket_errors: int
    load_before: float


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}[unit]


def parse_wrk(output: str) -> dict:
    """Requests/s, p50, p99, request count and socket errors from `wrk --latency` output."""
    def find(pattern: str) -> str:
        match = re.search(pattern, output)
        if not match:
            raise ValueError(f"no {pattern!r} in wrk output:\n{output}")
        return match.group(1)

    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {"requests_per_s": float(find(r"Requests/sec:\s+([\d.]+)")),
            "p50_ms": _ms(find(r"\s50%\s+([\d.]+\w+)")),
            "p99_ms": _ms(find(r"\s99%\s+([\d.]+\w+)")),
            "requests": int(find(r"(\d+) requests in")),
            "socket_errors": sum(int(g) for g in socket.groups()) if socket else 0}


class Bench:
    def __init__(self, site: Site, args, lua: Path, movie_ids: list[int], cookie: str):
        self.site, self.args, self.lua, self.movie_ids, self.cookie = site, args, lua, movie_ids, cookie
        self.log_offset = site.log.stat().st_size

    def statuses_since_last(self) -> Counter:
        """Status counts of the access-log lines written since the previous call."""
        with open(self.site.log, "rb") as fh:
            fh.seek(self.log_offset)
            text = fh.read().decode(errors="replace")
            self.log_offset = fh.tell()
        return Counter(status for _, status in ACCESS.findall(text))

    def wrk(self, endpoint: str, path: str, cycle: tuple[str, str] | None = None, signed_in: bool = False) -> Run:
        argv = ["wrk", f"-t{self.args.threads}", f"-c{self.args.connections}", f"-d{self.args.duration}s",
                "--latency", "--timeout", "5s"]
        for header in BROWSER_HEADERS:
            argv += ["-H", header]
        if signed_in:
            argv += ["-H", f"Cookie: {self.cookie}"]
        if cycle:
            argv += ["-s", str(self.lua)]
        argv.append(self.site.url + path)
        if cycle:
            argv += ["--", cycle[0], cycle[1], ",".join(map(str, self.movie_ids))]
        self.statuses_since_last()
        load = os.getloadavg()[0]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=self.args.duration + 60, check=True)
        time.sleep(0.5)  # the workers' last access-log lines
        statuses = self.statuses_since_last()
        measured = parse_wrk(done.stdout)
        logged = sum(statuses.values())
        if logged < measured["requests"]:  # every answer wrk counted must be in the access log
            raise RuntimeError(f"{endpoint}: wrk counted {measured['requests']} answers, the access log {logged}")
        run = Run(endpoint=endpoint, url=path, statuses=dict(statuses),
                  non_200=sum(n for s, n in statuses.items() if s != "200"), load_before=load, **measured)
        print(f"  {endpoint:<44} {run.requests_per_s:8.0f} req/s  p50 {run.p50_ms:6.2f} ms  "
              f"p99 {run.p99_ms:6.2f} ms  non-200 {run.non_200}  socket errors {run.socket_errors}  "
              f"(load {load:.1f})", flush=True)
        return run


def catalogue_ids(data: Path) -> list[int]:
    with open(data / "movies.dat", encoding="latin-1") as fh:
        return [int(line.split("::", 1)[0]) for line in fh if line.strip()]


def _form_post(session: requests.Session, base: str, form_url: str, post_url: str, data: dict) -> requests.Response:
    page = session.get(base + form_url, timeout=10)
    token = CSRF_INPUT.search(page.text)
    assert token, f"no CSRF token in {form_url}"
    return session.post(base + post_url, data={"csrf_token": token.group(1), **data}, timeout=10,
                        allow_redirects=False)


def signed_in_cookie(base: str, rated: list[int]) -> tuple[str, str]:
    """Register a user who rates `rated`, then sign in through the form; returns (username, Cookie header)."""
    username, password = f"bench_{secrets.token_hex(4)}", secrets.token_hex(12)
    with requests.Session() as s:
        r = _form_post(s, base, "/register", "/register",
                       {"username": username, "password": password, "confirm": password,
                        "gender": "M", "age": "25", "occupation": "4"})
        assert r.status_code == 302, f"registration failed: {r.status_code}"
        for i, movie_id in enumerate(rated):
            r = _form_post(s, base, f"/movies/{movie_id}", f"/movies/{movie_id}/rate", {"stars": str(5 - i % 3)})
            assert r.status_code == 302, f"rating {movie_id} failed: {r.status_code}"
    with requests.Session() as s:
        r = _form_post(s, base, "/login", "/login", {"username": username, "password": password})
        assert r.status_code == 302, f"sign-in failed: {r.status_code}"
        cookie = "; ".join(f"{c.name}={c.value}" for c in s.cookies)
    check = requests.get(base + "/picks", headers={"Cookie": cookie}, timeout=10, allow_redirects=False)
    assert check.status_code == 200 and username in check.text, f"/picks with the cookie: {check.status_code}"
    return username, cookie


def rss_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))


def queue_every_fetch(site: Site) -> str:
    done = subprocess.run([str(BIN / "flask"), "--app", "webapp", "movrec", "scrape", "--missing"], env=site.env,
                          cwd=ROOT, capture_output=True, text=True, timeout=600, check=True)
    return done.stdout.strip()


def bench_database(kind: str, args, workdir: Path, lua: Path) -> dict:
    print(f"\n== {kind}", flush=True)
    admin_db = None
    if kind == "sqlite":
        url = f"sqlite:///{workdir / 'movrec.sqlite'}"
    else:
        import psycopg

        admin_db = f"movrec_bench_{secrets.token_hex(5)}"
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'CREATE DATABASE "{admin_db}"')
        url = f"postgresql+psycopg://root@127.0.0.1:5432/{admin_db}"
    site = None
    try:
        site = start_site(workdir, url, args.artifacts, args.data)
        print(f"  site at {site.url}, workers {site.worker_pids()}; {queue_every_fetch(site)}", flush=True)
        movie_ids = catalogue_ids(args.data)
        known = set(movie_ids)
        fixed = FIXED_MOVIE if FIXED_MOVIE in known else movie_ids[0]
        rated = [m for m in RATED if m in known] or movie_ids[:len(RATED)]
        username, cookie = signed_in_cookie(site.url, rated)
        bench = Bench(site, args, lua, movie_ids, cookie)
        runs = [
            bench.wrk("/healthz (database and broker checks)", "/healthz"),
            bench.wrk("static file (/static/favicon.svg)", "/static/favicon.svg"),
            bench.wrk(f"movie page, {len(movie_ids)} ids, caches cold at start", "/movies/1",
                      cycle=("/movies/", "")),
            bench.wrk(f"movie page, one id ({fixed})", f"/movies/{fixed}"),
            bench.wrk(f"movie page signed in, {len(movie_ids)} ids (never cached)", "/movies/1",
                      cycle=("/movies/", ""), signed_in=True),
            bench.wrk("/picks signed in", "/picks", signed_in=True),
            bench.wrk(f"API similar, {len(movie_ids)} ids", "/api/movies/1/similar",
                      cycle=("/api/movies/", "/similar")),
        ]
        workers = {pid: rss_kib(pid) for pid in site.worker_pids()}
        print(f"  worker RSS: {', '.join(f'{pid}: {kib / 1024:.0f} MiB' for pid, kib in workers.items())}")
        errors = [line for line in site.log.read_text(errors="replace").splitlines()
                  if "Traceback" in line or "level=ERROR" in line]
        return {"database": kind, "runs": [asdict(r) for r in runs], "worker_rss_kib": list(workers.values()),
                "server_errors_logged": errors[:20]}
    finally:
        if site is not None:
            site.stop()
        if admin_db:
            import psycopg

            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{admin_db}" WITH (FORCE)')


def verdict(result: dict) -> list[str]:
    trivial = result["runs"][0]["requests_per_s"]
    notes = []
    for run, goal in zip(result["runs"][2:6], GOAL_SHARES):
        share = run["requests_per_s"] / trivial
        ok = share >= goal and run["p99_ms"] < GOAL_P99_MS and run["non_200"] == 0 and not run["socket_errors"]
        notes.append(f"{result['database']}, {run['endpoint']}: {share:.0%} of /healthz, p99 {run['p99_ms']:.1f} ms, "
                     f"{run['non_200'] + run['socket_errors']} errors: goal ({goal:.0%}) {'met' if ok else 'MISSED'}")
    return notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--artifacts", type=Path, default=DEFAULT_ARTIFACTS)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--no-publish", action="store_true", help="print only (for trying changes)")
    args = parser.parse_args()
    if not (args.artifacts / "vectors.npz").is_file():
        sys.exit(f"no trained artifacts in {args.artifacts}: run `python -m movrec train --data {args.data} "
                 f"--out {args.artifacts}` (or bench/screenshots.py, which trains them if missing)")

    results = []
    with tempfile.TemporaryDirectory(prefix="movrec-bench-web-") as tmp:
        lua = Path(tmp) / "cycle.lua"
        lua.write_text(LUA)
        for kind in args.databases.split(","):
            results.append(bench_database(kind, args, Path(tmp) / kind, lua))

    header = ["Database", "Endpoint", "Requests/s", "% of /healthz", "p50 ms", "p99 ms", "non-200", "socket errors"]
    rows = []
    for result in results:
        trivial = result["runs"][0]["requests_per_s"]
        for run in result["runs"]:
            rows.append([result["database"], run["endpoint"], f"{run['requests_per_s']:,.0f}",
                         f"{run['requests_per_s'] / trivial:.0%}", f"{run['p50_ms']:.1f}", f"{run['p99_ms']:.1f}",
                         run["non_200"], run["socket_errors"]])
    rss = "; ".join(f"{r['database']}: " + ", ".join(f"{k / 1024:.0f} MiB" for k in r["worker_rss_kib"])
                    for r in results)
    notes = [n for r in results for n in verdict(r)]
    loads = [run["load_before"] for r in results for run in r["runs"]]
    markdown = "\n".join([
        "## Web serving (gunicorn, 2 workers, wrk)",
        "",
        f"`wrk -t{args.threads} -c{args.connections} -d{args.duration}s --latency` from a second process on the same "
        "2 cores, against `gunicorn -c gunicorn.conf.py 'webapp:create_app()'` (2 sync workers, one BLAS thread "
        "each) serving MovieLens 1M (artifacts of `python -m movrec train`, catalogue imported by "
        "`flask movrec import`). Every movie's Douban fetch was queued beforehand (`flask movrec scrape`, no "
        "worker running), so no page asks for info. The many-ids runs cycle over the whole catalogue with a Lua "
        "script; the visitors' one starts with empty per-process page caches. Statuses are counted from "
        "gunicorn's access log; `/healthz` checks the database (at the migrations' head) and the broker, so a "
        "static file is timed too as a baseline that does not move. Every request sends `Accept-Encoding: gzip, "
        "deflate`, as browsers do.",
        "",
        markdown_table(header, rows),
        "",
        f"Resident memory (VmRSS) of each web worker after the runs: {rss}.",
        "",
        "Goals (share of /healthz's throughput: visitors' movie pages over every id >= 40 %, one id >= 60 %; "
        "signed-in movie page and /picks >= 40 %; p99 < 50 ms, no errors):",
        *[f"- {n}" for n in notes],
        "",
        f"The machine was shared while measuring: 1-minute load average {min(loads):.1f}-{max(loads):.1f} "
        "before the runs (2 cores).",
    ])
    print("\n" + markdown)
    if not args.no_publish:
        publish("web", markdown, {"wrk": {"threads": args.threads, "connections": args.connections,
                                          "duration_s": args.duration}, "results": results, "goal": notes})


if __name__ == "__main__":
    main()
