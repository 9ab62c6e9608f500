"""Load benchmark: the whole deployment as production runs it, under a realistic mix of requests from wrk.

    .venv/bin/python -m bench.bench_load [--duration 60] [--connections 64] [--members 50] [--think-ms 0,200]

What runs (all on this machine, loopback):

- gunicorn with the production settings (`gunicorn -c gunicorn.conf.py 'webapp:create_app()'`, 2 sync workers,
  started by tests/browser/site.py after `flask db upgrade` and `flask movrec import`) on a new PostgreSQL
  database of the machine's server, with Redis (a claimed database of the machine's server) as Celery broker,
  Douban rate-limit gate and sign-in limit store; MovieLens 1M artifacts and catalogue;
- a Celery worker (`celery -A worker.make_celery worker`) fetching the info the pages ask for from the fake
  Douban (tests/worker/fake_douban.py, in this process) every 0.5 s (production waits 8 s between Douban requests;
  locally a busier worker is the harder case: it writes `movie_info` rows, which the page cache checks);
- the load: one wrk process per kind of request, all at once, their connections adding up to `--connections`:

  | kind | connections of 64 | requests |
  |---|---|---|
  | visitor movie page | 20 | `/movies/<id>` over the whole catalogue, not signed in |
  | browse and search | 8 | `/`, `/movies?page=N`, `/movies?genre=G&page=N`, `/movies?q=<title word>` |
  | member movie page | 10 | `/movies/<id>` over the whole catalogue as one of 50 members (their session cookies) |
  | member picks | 8 | `/picks` of the 50 members |
  | rating post | 8 | `POST /movies/<id>/rate` by the 50 members, each with its session and real CSRF token |
  | API | 10 | `/api/movies/<id>/similar`, `/api/movies/<id>/also-liked`, `/api/users/<id>/picks` |

The 50 members register through the form (the registration limit is raised for this: one address makes them
all) and rate five movies each before the load starts. Each run lasts `--duration` seconds; one run per value of
`--think-ms`: each connection waits that long (randomly 0.5-1.5x) between its requests, like a person reading
a page; 0 is a closed loop at full speed (saturation). Latency is wrk's, per kind, from sending a request to its
answer (without the think time). Errors: socket errors and timeouts (10 s), and any status but the expected one
(302 for rating posts, 200 otherwise); gunicorn's access log is checked for 5xx too.
Writes bench/results/load.json and the "load" section of docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

import numpy as np
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_web import CSRF_INPUT, DEFAULT_ARTIFACTS, DEFAULT_DATA, PG_ADMIN_URL, _form_post, catalogue_ids  # noqa: E402
from bench.report import markdown_table, publish  # noqa: E402
from tests.browser.site import start_site  # noqa: E402
from tests.services import private_redis  # noqa: E402
from tests.worker.fake_douban import FakeDouban  # noqa: E402
from tests.worker.processes import WorkerProcess  # noqa: E402

GOAL_P99_MS = 100.0
ACCESS = re.compile(r'access .*?status=(\d+) .*?duration_ms=(\d+)')
# (kind, share of the connections, expected status)
KINDS = [("visitor movie page", 20, 200), ("browse and search", 8, 200), ("member movie page", 10, 200),
         ("member picks", 8, 200), ("rating post", 8, 302), ("API", 10, 200)]

# Cycles through the request lines of the file given after `--` (method, path, cookie, body; tab-separated),
# from a random start; waits `think` ms (0.5-1.5x) between requests; counts statuses; prints one JSON line.
LUA = r"""
local lines, counter, think = {}, 0, 0
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  for line in io.lines(args[1]) do
    local method, path, cookie, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    lines[#lines + 1] = {method, path, cookie, body}
  end
  think = tonumber(args[2]) or 0
  math.randomseed(tonumber(args[3]) or 1)
  counter = math.random(#lines)
  expected, unexpected = tonumber(args[4]) or 200, 0
  statuses = ""
end
function request()
  counter = counter % #lines + 1
  local l = lines[counter]
  local headers = {}
  if l[3] ~= "" then headers["Cookie"] = l[3] end
  if l[1] == "POST" then headers["Content-Type"] = "application/x-www-form-urlencoded" end
  return wrk.format(l[1], l[2], headers, l[4] ~= "" and l[4] or nil)
end
function delay()
  if think == 0 then return 0 end
  return math.floor(think * (0.5 + math.random()))
end
function response(status, headers, body)
  if status ~= expected then
    unexpected = unexpected + 1
    statuses = statuses .. status .. " "
  end
end
function done(summary, latency, requests)
  local bad, seen = 0, ""
  for _, t in ipairs(threads) do
    bad = bad + t:get("unexpected")
    seen = seen .. t:get("statuses")
  end
  local e = summary.errors
  io.write(string.format('RESULT {"requests": %d, "seconds": %.3f, "p50_ms": %.3f, "p95_ms": %.3f, ' ..
    '"p99_ms": %.3f, "max_ms": %.3f, "unexpected_status": %d, "unexpected": "%s", "connect": %d, "read": %d, ' ..
    '"write": %d, "timeout": %d}\n', summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(95) / 1e3, latency:percentile(99) / 1e3, latency.max / 1e3, bad, seen:sub(1, 200),
    e.connect, e.read, e.write, e.timeout))
end
"""


def member(base: str, n: int, movie_ids: list[int], rng: random.Random) -> tuple[str, str]:
    """Register member `n` through the form and rate five movies; returns (session cookie, CSRF token)."""
    name, password = f"load{n}_{secrets.token_hex(3)}", secrets.token_hex(12)
    with requests.Session() as s:
        r = _form_post(s, base, "/register", "/register", {"username": name, "password": password,
                                                           "confirm": password, "gender": "MF"[n % 2],
                                                           "age": "25", "occupation": str(n % 21)})
        assert r.status_code == 302, f"registration {n}: {r.status_code}"
        for movie_id in rng.sample(movie_ids, 5):
            r = _form_post(s, base, f"/movies/{movie_id}", f"/movies/{movie_id}/rate", {"stars": str(rng.randint(1, 5))})
            assert r.status_code == 302, f"rating by member {n}: {r.status_code}"
        page = s.get(f"{base}/picks", timeout=10)  # shows (and so clears) the flashed messages
        assert page.status_code == 200 and name in page.text, f"member {n} /picks: {page.status_code}"
        token = CSRF_INPUT.search(s.get(f"{base}/movies/{movie_ids[0]}", timeout=10).text).group(1)
        cookie = "; ".join(f"{c.name}={c.value}" for c in s.cookies)
    return cookie, token


def request_lines(kind: str, movie_ids: list[int], user_ids: list[int], members: list[tuple[str, str]],
                  words: list[str], genres: list[str], rng: random.Random) -> list[str]:
    """The requests of one kind, one per line: method, path, cookie, body."""
    def line(path: str, method: str = "GET", cookie: str = "", body: str = "") -> str:
        return f"{method}\t{path}\t{cookie}\t{body}"

    ids = movie_ids[:]
    rng.shuffle(ids)
    if kind == "visitor movie page":
        return [line(f"/movies/{m}") for m in ids]
    if kind == "browse and search":
        pages = len(movie_ids) // 24 + 1
        return ([line("/")] + [line(f"/movies?page={p}") for p in range(1, pages + 1)]
                + [line(f"/movies?genre={g}&page={p}") for g in genres for p in (1, 2)]
                + [line(f"/movies?q={w}") for w in words])
    if kind == "member movie page":
        return [line(f"/movies/{m}", cookie=members[i % len(members)][0]) for i, m in enumerate(ids)]
    if kind == "member picks":
        return [line("/picks", cookie=cookie) for cookie, _ in members]
    if kind == "rating post":
        return [line(f"/movies/{m}/rate", "POST", members[i % len(members)][0],
                     f"csrf_token={members[i % len(members)][1]}&stars={1 + i % 5}") for i, m in enumerate(ids)]
    if kind == "API":
        return ([line(f"/api/movies/{m}/similar") for m in ids[: len(ids) // 2]]
                + [line(f"/api/movies/{m}/also-liked") for m in ids[len(ids) // 2:]]
                + [line(f"/api/users/{u}/picks") for u in user_ids])
    raise ValueError(kind)


def title_words(data: Path, rng: random.Random, count: int = 200) -> list[str]:
    with open(data / "movies.dat", encoding="latin-1") as fh:
        words = {w.lower() for line in fh for w in re.findall(r"[A-Za-z]{4,}", line.split("::")[1])}
    return rng.sample(sorted(words), min(count, len(words)))


def genres_of(data: Path) -> list[str]:
    with open(data / "movies.dat", encoding="latin-1") as fh:
        return sorted({g for line in fh for g in line.rstrip("\n").split("::")[2].split("|")})


def user_ids_of(data: Path) -> list[int]:
    with open(data / "users.dat", encoding="latin-1") as fh:
        return [int(line.split("::", 1)[0]) for line in fh if line.strip()]


def run_load(url: str, lua: Path, files: dict[str, Path], args, think_ms: int, log: Path) -> dict:
    """Every kind's wrk at once for `args.duration` seconds; their results, and the access log's statuses."""
    scale = args.connections / sum(share for _, share, _ in KINDS)
    offset = log.stat().st_size
    load_before = os.getloadavg()[0]
    procs = {}
    for kind, share, expected in KINDS:
        connections = max(1, round(share * scale))
        argv = ["wrk", "-t1", f"-c{connections}", f"-d{args.duration}s", "--timeout", "10s", "-s", str(lua),
                url, "--", str(files[kind]), str(think_ms), str(random.randrange(1, 10**6)), str(expected)]
        procs[kind] = (connections, subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                                     text=True))
    results = {}
    for kind, (connections, proc) in procs.items():
        out, _ = proc.communicate(timeout=args.duration + 120)
        match = re.search(r"^RESULT (\{.*\})$", out, re.M)
        if proc.returncode != 0 or not match:
            raise RuntimeError(f"wrk for {kind} failed ({proc.returncode}):\n{out}")
        result = json.loads(match.group(1))
        result["connections"] = connections
        result["requests_per_s"] = result["requests"] / result["seconds"]
        result["errors"] = (result["unexpected_status"] + result["connect"] + result["read"] + result["write"]
                            + result["timeout"])
        results[kind] = result
    time.sleep(1)  # the last access-log lines
    with open(log, "rb") as fh:
        fh.seek(offset)
        logged = ACCESS.findall(fh.read().decode(errors="replace"))
    statuses = Counter(status for status, _ in logged)
    server_ms = np.array([int(ms) for _, ms in logged] or [0])
    server = {f"p{q}_ms": float(np.percentile(server_ms, q)) for q in (50, 95, 99)}
    total = sum(r["requests"] for r in results.values())
    seconds = max(r["seconds"] for r in results.values())
    print(f"  think {think_ms} ms: {total / seconds:,.0f} requests/s, access log {dict(statuses)}, time in the "
          f"app p50/p95/p99 {server['p50_ms']:.0f}/{server['p95_ms']:.0f}/{server['p99_ms']:.0f} ms", flush=True)
    for kind, r in results.items():
        print(f"    {kind:<20} {r['requests_per_s']:7.0f}/s  p50 {r['p50_ms']:7.1f}  p95 {r['p95_ms']:7.1f}  "
              f"p99 {r['p99_ms']:7.1f} ms  errors {r['errors']} {r['unexpected']}", flush=True)
    return {"think_ms": think_ms, "kinds": results, "requests": total, "requests_per_s": total / seconds,
            "access_log_statuses": dict(statuses), "server_time": server, "load_before": load_before}


def markdown(runs: list[dict], args, info: dict) -> str:
    header = ["Think time", "Kind", "Connections", "Requests", "Requests/s", "p50 ms", "p95 ms", "p99 ms", "Errors"]
    rows, goals = [], []
    for run in runs:
        for kind, r in run["kinds"].items():
            rows.append([f"{run['think_ms']} ms", kind, r["connections"], f"{r['requests']:,}",
                         f"{r['requests_per_s']:,.0f}", f"{r['p50_ms']:.1f}", f"{r['p95_ms']:.1f}",
                         f"{r['p99_ms']:.1f}", r["errors"]])
        worst = max(r["p99_ms"] for r in run["kinds"].values())
        errors = sum(r["errors"] for r in run["kinds"].values())
        five = sum(n for s, n in run["access_log_statuses"].items() if s.startswith("5"))
        met = errors == 0 and five == 0 and worst < GOAL_P99_MS
        app = run["server_time"]
        goals.append(f"think time {run['think_ms']} ms: {run['requests']:,} requests, {run['requests_per_s']:,.0f}/s; "
                     f"time inside the app (gunicorn's access log) p50/p95/p99 {app['p50_ms']:.0f}/{app['p95_ms']:.0f}/"
                     f"{app['p99_ms']:.0f} ms; "
                     f"{errors} errors, {five} 5xx in the access log; worst p99 {worst:.0f} ms: goal (no errors, "
                     f"p99 < {GOAL_P99_MS:.0f} ms) {'met' if met else 'MISSED'} (1-minute load average "
                     f"{run['load_before']:.1f} before)")
    return "\n".join([
        "## Load (the whole deployment, a realistic mix, wrk)",
        "",
        f"`python -m bench.bench_load`: gunicorn with the production settings (2 sync workers) on PostgreSQL, "
        f"Redis as broker, gate and limit store, a Celery worker fetching from the local fake Douban, MovieLens 1M "
        f"artifacts and catalogue; {args.members} members registered through the form. One wrk process per kind, "
        f"all at once for {args.duration} s, {args.connections} connections in all; each connection waits the "
        "think time (0.5-1.5x, random) between its requests, 0 being a closed loop at full speed. Latency from "
        "sending to the answer; errors are socket errors, timeouts (10 s) and any status but 200 (302 for "
        "rating posts). Everything, wrk included, shares the same 2 cores.",
        "",
        markdown_table(header, rows),
        "",
        *[f"- {g}" for g in goals],
        f"- The worker stored info for {info['fetched']} movies during the runs; the site's log held "
        f"{info['server_errors']} tracebacks or ERROR lines.",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--artifacts", type=Path, default=DEFAULT_ARTIFACTS)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--think-ms", default="200,0", help="comma-separated: one run per value")
    parser.add_argument("--no-publish", action="store_true", help="print only (for trying changes)")
    args = parser.parse_args()
    if not (args.artifacts / "vectors.npz").is_file():
        sys.exit(f"no trained artifacts in {args.artifacts}: run `python -m movrec train --data {args.data} "
                 f"--out {args.artifacts}`")
    import psycopg

    rng = random.Random(0)
    database = f"movrec_bench_load_{secrets.token_hex(5)}"
    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="movrec-bench-load-") as tmp:
        workdir = Path(tmp)
        admin = stack.enter_context(psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5))
        admin.execute(f'CREATE DATABASE "{database}"')
        stack.callback(admin.execute, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        redis_url = stack.enter_context(private_redis())
        fake = FakeDouban().start()
        stack.callback(fake.stop)
        env = {"REDIS_URL": redis_url, "CELERY_BROKER_URL": redis_url,
               "DOUBAN_SEARCH_URL": f"{fake.url}/search", "DOUBAN_SUGGEST_URL": f"{fake.url}/j/subject_suggest",
               "DOUBAN_SUBJECT_URL": f"{fake.url}/subject/", "DOUBAN_IMAGE_HOSTS": "doubanio.com,127.0.0.1",
               "DOUBAN_MIN_INTERVAL": "0.5", "DOUBAN_IMAGE_MIN_INTERVAL": "0.2",
               "REGISTER_LIMIT_PER_IP": "1000 per hour"}
        print("starting the site (migrations, catalogue import, gunicorn)", flush=True)
        site = start_site(workdir, f"postgresql+psycopg://root@127.0.0.1:5432/{database}", args.artifacts,
                          args.data, **env)
        stack.callback(site.stop)
        worker = WorkerProcess(site.env, workdir / "worker.log", "bench").start()
        stack.callback(worker.stop)
        movie_ids, user_ids = catalogue_ids(args.data), user_ids_of(args.data)
        print(f"site at {site.url}; registering {args.members} members", flush=True)
        members = [member(site.url, n, movie_ids, rng) for n in range(args.members)]
        words, genres = title_words(args.data, rng), genres_of(args.data)
        files = {}
        for kind, _, _ in KINDS:
            files[kind] = workdir / f"{kind.replace(' ', '_')}.tsv"
            files[kind].write_text("\n".join(request_lines(kind, movie_ids, user_ids, members, words, genres, rng)) + "\n")
        lua = workdir / "mix.lua"
        lua.write_text(LUA)
        runs = [run_load(site.url, lua, files, args, int(t), site.log) for t in args.think_ms.split(",")]
        with psycopg.connect(PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{database}") as conn:
            fetched = conn.execute("SELECT count(*) FROM movie_info WHERE status <> 'pending'").fetchone()[0]
        errors = [line for line in site.log.read_text(errors="replace").splitlines()
                  if "Traceback" in line or "level=ERROR" in line]
        info = {"fetched": fetched, "server_errors": len(errors), "server_error_lines": errors[:20]}
    text = markdown(runs, args, info)
    print("\n" + text)
    if not args.no_publish:
        publish("load", text, {"duration_s": args.duration, "connections": args.connections, "members": args.members,
                               "kinds": [{"kind": k, "share": s, "expected_status": e} for k, s, e in KINDS],
                               "runs": runs, **info})


if __name__ == "__main__":
    main()
