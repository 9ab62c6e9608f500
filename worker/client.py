"""HTTP access to Douban: polite (shared rate limit, circuit), browser-like, and honest about failures.

Every request first checks its circuit and waits for permission from the shared gate in its bucket
(``pages`` for Douban's pages, ``images`` for the poster host). Responses are classified here:

* 403/418/429, a redirect to ``sec.douban.com`` or a block page -> :class:`Blocked` (the bucket's circuit
  opens: ``douban`` for pages, ``images`` for the poster host); a redirect to the proof-of-work page is
  answered once per session (subject and search pages alike);
* 5xx, timeouts, connection errors -> :class:`Transient` (the task retries with backoff); ``offline_after``
  connection failures in a row open the bucket's circuit (offline: every worker pauses) -> :class:`Postpone`;
* a poster from a host not in ``image_hosts``, or larger than asked for -> :class:`Refused`, read no further;
* anything else is handed to the pure parsers in :mod:`worker.douban`.
"""
from __future__ import annotations

from urllib.parse import urljoin, urlsplit

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
CHUNK_BYTES = 64 * 1024


class Transient(DoubanError):
    """A failure worth retrying soon: 5xx, timeout, connection error."""


class Postpone(DoubanError):
    """Not now: the circuit is open or the next request slot is far away; try again in ``seconds``."""

    def __init__(self, message: str, seconds: float):
        super().__init__(message)
        self.seconds = seconds


class Refused(DoubanError):
    """A response not taken: a poster from a host not allowed, larger than the cap, or not there."""


class SubjectUnavailable(DoubanError):
    """The subject page is behind a challenge we could not pass; the lookup goes on without it."""


class DoubanClient:
    """One per worker process: a ``requests`` session (cookies survive between tasks) and the shared gate."""

    def __init__(self, settings: DoubanSettings, gate):
        self.settings = settings
        self.gate = gate
        self.session = requests.Session()
        self._failures: dict[str, int] = {}  # connection failures in a row, per bucket
        self.session.headers.update({"User-Agent": USER_AGENT, "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"})
        if settings.cookie:
            self.session.cookies.set("dbcl2", settings.cookie)

    def search(self, query: str) -> list[DoubanRecord]:
        """The server-rendered search page, films and TV (``cat=1002``)."""
        response = self._get_page(self.settings.search_url, {"cat": "1002", "q": query}, WWW_REFERER, self._block)
        return self._parse(parse_search, _text(response))

    def suggest(self, query: str) -> list[DoubanRecord]:
        """The JSON autocomplete (the fallback lookup)."""
        response = self._get_page(self.settings.suggest_url, {"q": query}, MOVIE_REFERER, self._block,
                                  {"X-Requested-With": "XMLHttpRequest", "Accept": "application/json, */*"})
        return self._parse(parse_suggest, _text(response))

    def subject(self, douban_id: str) -> DoubanRecord:
        """The subject page, solving the proof-of-work challenge once per session if asked for one."""
        circuit = self.gate.circuit(SUBJECT_CIRCUIT)
        if circuit.is_open:
            raise SubjectUnavailable(f"subject pages paused: {circuit.reason}")
        url = urljoin(self.settings.subject_url, f"{douban_id}/")
        response = self._get_page(url, None, MOVIE_REFERER, self._subject_fails)
        if response.status_code == 404:
            return self._parse(parse_subject, _text(response) or "<title>页面不存在</title>")
        return self._parse(parse_subject, _text(response))

    def image(self, url: str, max_bytes: int) -> bytes:
        """A poster from one of Douban's image hosts (``image_hosts``), sent with the Referer it requires and
        read in chunks: :class:`Refused` as soon as it grows past ``max_bytes``."""
        response = self._get(url, None, IMAGES, MOVIE_REFERER, {"Accept": "image/avif,image/webp,image/*,*/*"},
                             stream=True)
        with response:
            if response.status_code != 200:
                raise Refused(f"HTTP {response.status_code} for the poster")
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise Refused(f"poster of {declared} bytes, more than {max_bytes}")
            chunks, size = [], 0
            try:
                for chunk in response.iter_content(CHUNK_BYTES):
                    size += len(chunk)
                    if size > max_bytes:
                        raise Refused(f"poster larger than {max_bytes} bytes")
                    chunks.append(chunk)
            except requests.RequestException as exc:
                raise Transient(f"poster download: {exc.__class__.__name__}") from None
        return b"".join(chunks)

    # ---- internals ---------------------------------------------------------------------------------
    def _get_page(self, url: str, params, referer: str, fail, headers: dict | None = None) -> requests.Response:
        """A page, answering the proof-of-work challenge if redirected to it; ``fail(reason)`` raises when
        the challenge cannot be passed."""
        try:
            return self._get(url, params, PAGES, referer, headers)
        except _Challenged as challenged:
            self._pass_challenge(challenged.url, fail)
        try:
            return self._get(url, params, PAGES, referer, headers)
        except _Challenged:
            fail("challenged again after solving it")

    def _pass_challenge(self, url: str, fail) -> None:
        page = _text(self._get(url, None, PAGES, MOVIE_REFERER))
        form = challenge.read_form(page)
        if form is None:
            fail("challenge page without its form")
        action, fields = form
        difficulty = challenge.difficulty_of(fields)
        if difficulty is None:
            fail(f"challenge difficulty {fields.get('difficulty')!r} refused")
        nonce = challenge.solve(fields["cha"], difficulty)
        if nonce is None:
            fail(f"challenge (difficulty {difficulty}) not solved in time")
        self._wait_for_slot(PAGES)
        try:
            response = self.session.post(urljoin(url, action), data={**fields, "sol": nonce},
                                         headers={"Referer": url}, timeout=self.settings.timeout,
                                         allow_redirects=False)
        except requests.RequestException as exc:
            raise Transient(f"challenge answer: {exc.__class__.__name__}") from None
        if response.status_code not in (200, 302, 303) or not any(c.name == "dbsawcv1" for c in self.session.cookies):
            fail(f"challenge answer refused (HTTP {response.status_code})")

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
        """Block until the shared gate allows one request in ``bucket``; postpone instead of waiting too long.
        The circuit is checked again once the slot is there: it may have opened while this process waited."""
        self._check_circuit(bucket)
        wait = acquire(self.gate, bucket, self.settings.interval(bucket), self.settings.jitter, self.settings.max_wait)
        if wait:
            raise Postpone(f"no {bucket} request slot within {self.settings.max_wait:.0f} s", wait)
        self._check_circuit(bucket)

    def _check_circuit(self, bucket: str) -> None:
        circuit = self.gate.circuit(CIRCUIT_OF[bucket])
        if circuit.is_open:
            raise Postpone(f"circuit {CIRCUIT_OF[bucket]} open: {circuit.reason}", circuit.remaining)

    def _connection_failed(self, bucket: str, what: str) -> DoubanError:
        """A connection failure: :class:`Transient`, or after ``offline_after`` in a row the circuit opens
        (every worker pauses) and the task is postponed."""
        self._failures[bucket] = self._failures.get(bucket, 0) + 1
        if self._failures[bucket] < self.settings.offline_after:
            return Transient(what)
        reason = f"offline: {self._failures[bucket]} connection failures in a row, the last {what}"
        self.gate.open_circuit(CIRCUIT_OF[bucket], self.settings.circuit_seconds, reason)
        self._failures[bucket] = 0
        return Postpone(reason, self.settings.circuit_seconds)

    def _get(self, url: str, params, bucket: str, referer: str, headers: dict | None = None,
             stream: bool = False) -> requests.Response:
        for _ in range(MAX_REDIRECTS + 1):
            if bucket == IMAGES and not self.settings.image_host_allowed(urlsplit(url).hostname or ""):
                raise Refused(f"poster host {urlsplit(url).hostname!r} is not one of DOUBAN_IMAGE_HOSTS")
            self._wait_for_slot(bucket)
            try:
                response = self.session.get(url, params=params, timeout=self.settings.timeout, allow_redirects=False,
                                            headers={"Referer": referer, **(headers or {})}, stream=stream)
            except requests.ConnectionError as exc:  # connect timeouts too: the host cannot be reached
                raise self._connection_failed(bucket, f"{exc.__class__.__name__}: {url.split('?')[0]}") from None
            except requests.Timeout:
                raise Transient(f"timeout after {self.settings.timeout} s: {url}") from None
            except requests.RequestException as exc:
                raise Transient(f"{exc.__class__.__name__}: {url}") from None
            self._failures[bucket] = 0
            status = response.status_code
            if status in (301, 302, 303, 307, 308):
                response.close()
                location = urljoin(response.url, response.headers.get("Location", ""))
                if challenge.is_challenge_url(location) and bucket == PAGES:
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
