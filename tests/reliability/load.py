"""A light, steady load on a running site from background threads, recording every answer.

Kinds of requests (each thread loops until stopped):

* ``visitor``: movie pages of a few catalogue ids, the home page, browse and a search, as a visitor;
* ``health``: ``/healthz`` every half second;
* ``member``: registers a new account, rates three movies (the CSRF token read from the movie page, the
  session cookie kept), loads ``/picks``; then the next new account.

Every request is recorded as an :class:`Answer` (status, or the exception when none came). Ratings and
registrations the site answered with their success redirect are listed, so a check can find each one in the
database exactly once.
"""
from __future__ import annotations

import re
import secrets
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import requests

CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
TIMEOUT = 30.0  # seconds: a request slower than this counts as unanswered
PAUSE = 0.05    # seconds between two requests of one thread: a light load (tens of requests a second)
PASSWORD = "steady load 1"


@dataclass
class Answer:
    """One request and what came back: `status` None means no answer (`error` says why)."""

    kind: str
    method: str
    path: str
    started: float
    seconds: float
    status: int | None
    error: str | None = None
    body: str = ""


@dataclass
class SteadyLoad:
    """Threads sending requests to `url` until `stop()`; `answers`, `ratings` and `accounts` fill as they go."""

    url: str
    movie_ids: list[int]
    members: int = 2
    answers: list[Answer] = field(default_factory=list)
    ratings: list[tuple[str, int, int]] = field(default_factory=list)  # (username, movie, stars) answered 302
    accounts: list[str] = field(default_factory=list)                  # usernames answered 302
    attempted_accounts: list[str] = field(default_factory=list)

    def __post_init__(self):
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._prefix = f"load{secrets.token_hex(3)}"

    # ---- running ------------------------------------------------------------------------------------
    def start(self) -> "SteadyLoad":
        loops = [self._visitor, self._health] + [lambda n=n: self._member(n) for n in range(self.members)]
        self._threads = [threading.Thread(target=loop, daemon=True) for loop in loops]
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=TIMEOUT + 5)

    def __enter__(self) -> "SteadyLoad":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # ---- what the threads do ------------------------------------------------------------------------
    def _visitor(self) -> None:
        session = requests.Session()
        paths = [f"/movies/{m}" for m in self.movie_ids] + ["/", "/movies?page=2", "/movies?q=movie"]
        n = 0
        while not self._stop.is_set():
            self._send(session, "visitor", "GET", paths[n % len(paths)])
            n += 1
            time.sleep(PAUSE)

    def _health(self) -> None:
        session = requests.Session()
        while not self._stop.is_set():
            self._send(session, "health", "GET", "/healthz", keep_body=True)
            time.sleep(0.5)

    def _member(self, thread: int) -> None:
        n = 0
        while not self._stop.is_set():
            name = f"{self._prefix}t{thread}n{n}"
            n += 1
            session = requests.Session()
            if not self._register(session, name):
                time.sleep(PAUSE)
                continue
            for k in range(3):
                if self._stop.is_set():
                    return
                movie = self.movie_ids[(n * 3 + k + thread) % len(self.movie_ids)]
                self._rate(session, name, movie, stars=1 + (n + k) % 5)
                time.sleep(PAUSE)
            self._send(session, "member", "GET", "/picks")
            time.sleep(PAUSE)

    def _register(self, session: requests.Session, name: str) -> bool:
        token = self._token(session, "/register")
        if token is None:
            return False
        with self._lock:
            self.attempted_accounts.append(name)
        answer = self._send(session, "register", "POST", "/register", data={
            "csrf_token": token, "username": name, "password": PASSWORD, "confirm": PASSWORD,
            "gender": "F", "age": "25", "occupation": "3"})
        if answer.status == 302:
            with self._lock:
                self.accounts.append(name)
            return True
        return False

    def _rate(self, session: requests.Session, name: str, movie: int, stars: int) -> None:
        token = self._token(session, f"/movies/{movie}")
        if token is None:
            return
        answer = self._send(session, "rating", "POST", f"/movies/{movie}/rate",
                            data={"csrf_token": token, "stars": str(stars)}, location=f"/movies/{movie}")
        if answer.status == 302:
            with self._lock:
                self.ratings.append((name, movie, stars))

    def _token(self, session: requests.Session, path: str) -> str | None:
        answer = self._send(session, "member", "GET", path, keep_body=True)
        match = CSRF_INPUT.search(answer.body)
        return match.group(1) if match else None

    def _send(self, session: requests.Session, kind: str, method: str, path: str, data: dict | None = None,
              keep_body: bool = False, location: str | None = None) -> Answer:
        started = time.monotonic()
        try:
            response = session.request(method, self.url + path, data=data, timeout=TIMEOUT, allow_redirects=False)
        except requests.RequestException as exc:
            answer = Answer(kind, method, path, started, time.monotonic() - started, None, f"{type(exc).__name__}: {exc}")
        else:
            status = response.status_code
            # A rating whose redirect is not back to the movie (e.g. to the sign-in page) was not saved.
            if location is not None and status == 302 and response.headers.get("Location") != location:
                status = -302
            answer = Answer(kind, method, path, started, time.monotonic() - started, status,
                            body=response.text if keep_body or status >= 500 else "")
        with self._lock:
            self.answers.append(answer)
        return answer

    # ---- what came back -----------------------------------------------------------------------------
    def unanswered(self) -> list[Answer]:
        return [a for a in self.answers if a.status is None]

    def server_errors(self) -> list[Answer]:
        """5xx answers, except `/healthz` saying 503 because the database is unreachable (what it is for)."""
        return [a for a in self.answers if a.status is not None and a.status >= 500
                and not (a.path == "/healthz" and a.status == 503 and '"database"' in a.body)]

    def summary(self) -> str:
        """Requests, answers by status and the slowest answer, per kind: for the test's output and the docs."""
        lines = []
        for kind in sorted({a.kind for a in self.answers}):
            mine = [a for a in self.answers if a.kind == kind]
            statuses = Counter("none" if a.status is None else str(a.status) for a in mine)
            slowest = max(a.seconds for a in mine)
            lines.append(f"{kind}: {len(mine)} requests, {dict(sorted(statuses.items()))}, slowest {slowest:.2f} s")
        lines.append(f"ratings answered 302: {len(self.ratings)}; accounts answered 302: {len(self.accounts)}")
        return "\n".join(lines)
