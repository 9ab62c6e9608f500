"""HTTP access to Douban: polite (shared rate limit, circuit), browser-like, and honest about failures.

Every request first checks its circuit and waits for permission from the shared gate in its bucket
(``pages`` for Douban's pages, ``images`` for the poster host). Responses are classified here:

* 403/418/429, a redirect to ``sec.douban.com`` or a block page -> :class:`Blocked` (the bucket's circuit
  opens: ``douban`` for pages, ``images`` for the poster host);
* 5xx, timeouts, connection errors -> :class:`Transient` (the task retries with backoff);
* anything else is handed to the pure parsers in :mod:`worker.douban`.
"""
from __future__ import annotations

from urllib.parse import urljoin

import requests

from webapp.douban.gate import acquire
from webapp.douban.names import CIRCUIT_OF, IMAGES, PAGES, SUBJECT_CIRCUIT
from webapp.douban.settings import DoubanSettings
from worker import challenge
from worker.douban import Blocked, DoubanError, DoubanRecord, parse_search, parse_subject, parse_suggest

USER_AGENT = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/140.0.0.0 Safari/537.36")
MOVIE_REFERER = "https://movie.douban.com/"
WWW_REFERER = "https://www.douban.com/"
MAX_REDIRECTS = 3


class Transient(DoubanError):
    """A failure worth retrying soon: 5xx, timeout, connection error."""


class Postpone(DoubanError):
    """Not now: the circuit is open or the next request slot is far away; try again in ``seconds``."""

    def __init__(self, message: str, seconds: float):
        super().__init__(message)
        self.seconds = seconds


class SubjectUnavailable(DoubanError):
    """The subject page is behind a challenge we could not pass; the lookup goes on without it."""


class DoubanClient:
    """One per worker process: a ``requests`` session (cookies survive between tasks) and the shared gate."""

    def __init__(self, settings: DoubanSettings, gate):
        self.settings = settings
        self.gate = gate
        self.session = requests.Session()
        self.session.headers.update({"User-Agent": USER_AGENT, "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"})
        if settings.cookie:
            self.session.cookies.set("dbcl2", settings.cookie)

    def search(self, query: str) -> list[DoubanRecord]:
        """The server-rendered search page, films and TV (``cat=1002``)."""
        response = self._get(self.settings.search_url, {"cat": "1002", "q": query}, PAGES, WWW_REFERER)
        return self._parse(parse_search, _text(response))

    def suggest(self, query: str) -> list[DoubanRecord]:
        """The JSON autocomplete (the fallback lookup)."""
        response = self._get(self.settings.suggest_url, {"q": query}, PAGES, MOVIE_REFERER,
                             {"X-Requested-With": "XMLHttpRequest", "Accept": "application/json, */*"})
        return self._parse(parse_suggest, _text(response))

    def subject(self, douban_id: str) -> DoubanRecord:
        """The subject page, solving the proof-of-work challenge once per session if asked for one."""
        circuit = self.gate.circuit(SUBJECT_CIRCUIT)
        if circuit.is_open:
            raise SubjectUnavailable(f"subject pages paused: {circuit.reason}")
        url = urljoin(self.settings.subject_url, f"{douban_id}/")
        try:
            response = self._get(url, None, PAGES, MOVIE_REFERER)
        except _Challenged as challenged:
            self._pass_challenge(challenged.url)
            try:
                response = self._get(url, None, PAGES, MOVIE_REFERER)
            except _Challenged:
                self._subject_fails("challenged again after solving it")
        if response.status_code == 404:
            return self._parse(parse_subject, _text(response) or "<title>页面不存在</title>")
        return self._parse(parse_subject, _text(response))

    def image(self, url: str) -> bytes:
        """A poster image from Douban's image host, sent with the Referer it requires."""
        return self._get(url, None, IMAGES, MOVIE_REFERER, {"Accept": "image/avif,image/webp,image/*,*/*"}).content

    # ---- internals ---------------------------------------------------------------------------------
    def _pass_challenge(self, url: str) -> None:
        page = _text(self._get(url, None, PAGES, MOVIE_REFERER))
        form = challenge.read_form(page)
        if form is None:
            self._subject_fails("challenge page without its form")
        action, fields = form
        nonce = challenge.solve(fields["cha"])
        if nonce is None:
            self._subject_fails("challenge not solved in time")
        self._wait_for_slot(PAGES)
        try:
            response = self.session.post(urljoin(url, action), data={**fields, "sol": nonce},
                                         headers={"Referer": url}, timeout=self.settings.timeout,
                                         allow_redirects=False)
        except requests.RequestException as exc:
            raise Transient(f"challenge answer: {exc.__class__.__name__}") from None
        if response.status_code not in (200, 302, 303) or not any(c.name == "dbsawcv1" for c in self.session.cookies):
            self._subject_fails(f"challenge answer refused (HTTP {response.status_code})")

    def _subject_fails(self, reason: str):
        self.gate.open_circuit(SUBJECT_CIRCUIT, self.settings.circuit_seconds, reason)
        raise SubjectUnavailable(reason)

    def _parse(self, parse, text: str):
        try:
            return parse(text)
        except Blocked as exc:
            self._block(str(exc))

    def _block(self, reason: str, bucket: str = PAGES):
        self.gate.open_circuit(CIRCUIT_OF[bucket], self.settings.circuit_seconds, reason)
        raise Blocked(reason)

    def _wait_for_slot(self, bucket: str) -> None:
        """Block until the shared gate allows one request in ``bucket``; postpone instead of waiting too long."""
        circuit = self.gate.circuit(CIRCUIT_OF[bucket])
        if circuit.is_open:
            raise Postpone(f"circuit open: {circuit.reason}", circuit.remaining)
        wait = acquire(self.gate, bucket, self.settings.interval(bucket), self.settings.jitter, self.settings.max_wait)
        if wait:
            raise Postpone(f"no {bucket} request slot within {self.settings.max_wait:.0f} s", wait)

    def _get(self, url: str, params, bucket: str, referer: str, headers: dict | None = None) -> requests.Response:
        for _ in range(MAX_REDIRECTS + 1):
            self._wait_for_slot(bucket)
            try:
                response = self.session.get(url, params=params, timeout=self.settings.timeout, allow_redirects=False,
                                            headers={"Referer": referer, **(headers or {})})
            except requests.Timeout:
                raise Transient(f"timeout after {self.settings.timeout} s: {url}") from None
            except requests.RequestException as exc:
                raise Transient(f"{exc.__class__.__name__}: {url}") from None
            status = response.status_code
            if status in (301, 302, 303, 307, 308):
                location = urljoin(response.url, response.headers.get("Location", ""))
                if challenge.is_challenge_url(location) and bucket == PAGES and "/subject/" in url:
                    raise _Challenged(location)
                if challenge.is_sec_url(location):
                    self._block(f"redirected to {location.split('?')[0]}", bucket)
                url, params = location, None
                continue
            if status in (403, 418, 429):
                self._block(f"HTTP {status} from {url.split('?')[0]}", bucket)
            if status >= 500:
                raise Transient(f"HTTP {status} from {url.split('?')[0]}")
            if status != 200 and status != 404:
                raise Transient(f"unexpected HTTP {status} from {url.split('?')[0]}")
            return response
        raise Transient(f"too many redirects: {url}")


def _text(response: requests.Response) -> str:
    """Douban serves UTF-8; do not let a missing charset make ``requests`` guess latin-1."""
    return response.content.decode("utf-8", errors="replace")


class _Challenged(Exception):
    def __init__(self, url: str):
        super().__init__(url)
        self.url = url
