"""A local stand-in for Douban that replays the recorded responses and can misbehave on request.

* ``GET /search?cat=1002&q=`` (www.douban.com): the recorded page for its recorded query; for any other
  query a page cut from the recorded one (same markup), listing the matching entries of ``CATALOG``.
* ``GET /j/subject_suggest?q=``: the recorded JSON for ``q=1`` and ``q=惊天营救``, else generated in Douban's style.
* ``GET /subject/<id>/``: the recorded page when there is one, else the Inception page with the fields replaced
  (又名, IMDb id and release dates from the entry; a series gets the 首播 / 集数 / 单集片长 lines of the recorded
  series page ``subject_26816519.html``).
* ``catalog`` (default ``CATALOG``) is what the fake knows; ``search_results`` / ``suggest_results``, when set,
  are the answer to every search / suggestion (a table of cases sets them per case).
  With ``challenge=True`` it first redirects to the proof-of-work page ``/c`` (section 2 of the NOTES.md beside
  the recordings, tests/fixtures/douban); ``challenge_paths`` says which pages are challenged (subject pages by
  default; add ``/search``), ``challenge_difficulty`` adds a ``difficulty`` field and asks for that many zeros,
  ``challenge_by_id`` writes the fields with ``id`` instead of ``name``.
* ``GET /img<n>/view/photo/<size>/public/p<n>.jpg``: a small JPEG (or the bytes in ``poster``), 418 without a
  Douban ``Referer``, 403 for ``raw``; with ``endless_poster`` a body that never ends (no Content-Length).
  Recorded image URLs ``https://img<n>.doubanio.com/`` are rewritten to point here.
* Misbehaviour (``set_mode``): an HTTP status (403 with the recorded login-redirect page, 418, 429, 500), a 302 to
  ``/b`` (sec block), the search throttle text, garbage HTML, or a delay; for some paths and a number of requests.
* ``/_fake/mode`` (POST JSON), ``/_fake/log``, ``/_fake/reset``: the same controls over HTTP.

Run alone: ``python -m tests.worker.fake_douban --port 8765 [--challenge]``.
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit

from PIL import Image

from tests.worker.recordings import FIXTURE_DIR, read

RECORDED_QUERY = "逃避可耻却有用"
RECORDED_SUGGEST = {"1": "suggest_q_1_2018.json", "惊天营救": "suggest_jingtian_yingjiu_2023.json"}
DIFFICULTY = 4


@dataclass(frozen=True)
class Entry:
    """One subject the fake knows about."""

    douban_id: str
    title: str
    original_title: str
    year: int
    rating: float | None
    votes: int
    kind: str = "movie"
    aka: tuple[str, ...] = ()            # the subject page's 又名 list
    imdb: str | None = None              # the subject page's IMDb id (default: made from the Douban id)
    release_dates: tuple[str, ...] = ()  # e.g. "1994-09-14(法国)"; default: 1 January of ``year``
    label: str = ""                      # the search page's category: "电影" (films and series alike) or "电视剧"


# Toy Story's id is from tests/fixtures/douban/SOURCES.md; Inception's page is recorded; the rest are made up.
CATALOG = [
    Entry("1291575", "玩具总动员", "Toy Story", 1995, 8.7, 1200000),
    Entry("1291576", "玩具总动员2", "Toy Story 2", 1999, 8.5, 700000),
    Entry("3541415", "盗梦空间", "Inception", 2010, 9.4, 1970885),
    Entry("1292052", "肖申克的救赎", "The Shawshank Redemption", 1994, 9.7, 3000000),
    Entry("1300001", "邮差", "Il Postino", 1994, 8.3, 50000),
    Entry("1300002", "冰血暴", "Fargo", 1996, 8.3, 190000),
    Entry("1300003", "冰血暴 第一季", "Fargo Season 1", 1996, 9.2, 90000, kind="tv"),
    Entry("1300004", "新片", "Brand New Film", 2024, None, 12),
]
for _n in range(1, 41):  # plenty of distinct films for rate and concurrency tests
    CATALOG.append(Entry(str(1400000 + _n), f"测试电影{_n}", f"Test Film {_n}", 2000, 7.0, 100 + _n))


@dataclass
class Mode:
    """A misbehaviour, applied to requests whose path starts with one of ``paths`` (all when empty)."""

    status: int | None = None  # 403, 418, 429, 500
    sec_redirect: bool = False
    throttle: bool = False
    garbage: bool = False
    delay: float = 0.0
    paths: tuple[str, ...] = ()
    times: int | None = None  # then back to normal; None: until changed

    def applies(self, path: str) -> bool:
        active = self.status or self.sec_redirect or self.throttle or self.garbage or self.delay
        return bool(active) and (not self.paths or any(path.startswith(p) for p in self.paths))


@dataclass
class FakeDouban:
    """The server; ``start()`` runs it on a thread, ``url`` is its base URL."""

    host: str = "127.0.0.1"
    port: int = 0
    challenge: bool = False
    challenge_paths: tuple[str, ...] = ("/subject/",)
    challenge_difficulty: int | None = None
    challenge_by_id: bool = False
    poster: bytes | None = None
    endless_poster: bool = False
    catalog: list[Entry] = field(default_factory=lambda: list(CATALOG))
    search_results: list[Entry] | None = None
    suggest_results: list[Entry] | None = None
    mode: Mode = field(default_factory=Mode)
    log: list[dict] = field(default_factory=list)

    def __post_init__(self):
        self._lock = threading.Lock()
        self._passes: set[str] = set()
        self._challenges: dict[str, str] = {}
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> "FakeDouban":
        fake = self

        class Handler(_Handler):
            server_fake = fake

        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def set_mode(self, **kwargs) -> None:
        """Misbehave from now on (see :class:`Mode`); ``set_mode()`` goes back to normal."""
        if "paths" in kwargs:
            kwargs["paths"] = tuple(kwargs["paths"])
        with self._lock:
            self.mode = Mode(**kwargs)

    def reset(self) -> None:
        with self._lock:
            self.mode = Mode()
            self.log.clear()
            self._passes.clear()

    def requests(self, prefix: str = "/") -> list[dict]:
        """Logged requests whose path starts with ``prefix`` (control requests excluded)."""
        with self._lock:
            return [r for r in self.log if r["path"].startswith(prefix)]

    def _take_mode(self, path: str) -> Mode | None:
        with self._lock:
            mode = self.mode
            if not mode.applies(path):
                return None
            if mode.times is not None:
                if mode.times <= 0:
                    return None
                mode.times -= 1
            return mode

    # ---- page builders -------------------------------------------------------------------------
    def search_page(self, query: str) -> str:
        words = re.sub(r"\s+\d{4}$", "", query.strip())
        recorded = read("www_search_cat1002_nigeruha.html")
        if words == RECORDED_QUERY:
            return recorded
        start = recorded.index('<div class="result-list">')
        end = recorded.index('<div class="back-to-top">')
        first = recorded.index('<div class="result">', start)
        block = recorded[first:recorded.index('<div class="gallery_topic_result">')]
        matches = self.search_results if self.search_results is not None else _catalog_matches(self.catalog, words)
        if matches:
            body = '<div class="result-list">\n' + "".join(_search_block(block, e, words) for e in matches) + "</div>\n"
        else:
            body = f'<p class="no-result">没有找到关于“{_esc(words)}”的结果</p>\n'
            start = recorded.rindex("<h2>", 0, start)
        page = recorded[:start] + body + "\n  </div>\n\n\n  " + recorded[end:]
        return page.replace(RECORDED_QUERY, _esc(words)).replace(quote(RECORDED_QUERY), quote(words))

    def suggest_json(self, query: str) -> str:
        if query in RECORDED_SUGGEST:
            return read(RECORDED_SUGGEST[query])
        matches = self.suggest_results
        if matches is None:
            matches = _catalog_matches(self.catalog, re.sub(r"\s+\d{4}$", "", query.strip()))
        items = [{
            "episode": "12" if e.kind == "tv" else "", "img": _poster(e), "title": e.title,
            "url": f"https://movie.douban.com/subject/{e.douban_id}/?suggest={quote(query)}", "type": "movie",
            "year": str(e.year), "sub_title": e.original_title, "id": e.douban_id,
        } for e in matches]
        return json.dumps(items, ensure_ascii=False, separators=(",", ":")).replace("/", "\\/").replace(
            "https:\\/\\/img", "https://img")

    def subject_page(self, douban_id: str) -> str | None:
        recorded = FIXTURE_DIR / f"subject_{douban_id}.html"
        if recorded.is_file():
            return recorded.read_text(encoding="utf-8")
        entry = next((e for e in self.catalog if e.douban_id == douban_id), None)
        return None if entry is None else _subject_from_template(entry)

    def challenge_page(self, target: str) -> str:
        tok, cha = secrets.token_hex(8), secrets.token_hex(16)
        with self._lock:
            self._challenges[tok] = cha
        attribute = "id" if self.challenge_by_id else "name"
        fields = {"tok": tok, "cha": cha, "sol": "", "red": target}
        if self.challenge_difficulty is not None:
            fields["difficulty"] = str(self.challenge_difficulty)
        inputs = "".join(f'<input type="hidden" {attribute}="{k}" value="{_esc(v)}">' for k, v in fields.items())
        return (
            '<!DOCTYPE html><html><head><meta charset="utf-8"><title>载入中...</title></head><body>'
            f'<p>载入中 ...</p><form id="sec" method="POST" action="/c">{inputs}'
            "</form><script>/* sha512(cha + nonce) must start with 0000 */</script></body></html>"
        )

    def solve_ok(self, form: dict[str, str]) -> str | None:
        """A pass cookie when the posted nonce solves the challenge, else ``None``."""
        with self._lock:
            cha = self._challenges.pop(form.get("tok", ""), None)
        if cha is None or cha != form.get("cha"):
            return None
        digest = hashlib.sha512((cha + form.get("sol", "")).encode()).hexdigest()
        if not digest.startswith("0" * (self.challenge_difficulty or DIFFICULTY)):
            return None
        token = secrets.token_hex(12)
        with self._lock:
            self._passes.add(token)
        return token

    def has_pass(self, cookie_header: str) -> bool:
        match = re.search(r"dbsawcv1=([0-9a-f]+)", cookie_header or "")
        with self._lock:
            return bool(match) and match.group(1) in self._passes


class _Handler(BaseHTTPRequestHandler):
    server_fake: FakeDouban
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet
        pass

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    def _handle(self, method: str) -> None:
        fake = self.server_fake
        parts = urlsplit(self.path)
        path, query = parts.path, {k: v[-1] for k, v in parse_qs(parts.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        if path.startswith("/_fake/"):
            return self._control(path, body)
        with fake._lock:
            fake.log.append({"t": time.time(), "method": method, "path": path, "query": query,
                             "user_agent": self.headers.get("User-Agent", ""),
                             "referer": self.headers.get("Referer", ""), "cookie": self.headers.get("Cookie", "")})
        mode = fake._take_mode(path)
        if mode is not None and mode.delay:
            time.sleep(mode.delay)
        if mode is not None and (mode.status or mode.sec_redirect or mode.garbage):
            return self._misbehave(mode)
        try:
            self._route(method, path, query, body, throttle=mode is not None and mode.throttle)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _route(self, method, path, query, body, throttle):
        fake = self.server_fake
        challenged = fake.challenge and any(path.startswith(p) for p in fake.challenge_paths)
        if challenged and not fake.has_pass(self.headers.get("Cookie", "")):
            target = f"{fake.url}{self.path}"
            return self._redirect(f"{fake.url}/c?r={quote(target, safe='')}&_s={secrets.token_hex(32)}&a=1")
        if path == "/search":
            page = fake.search_page(query.get("q", ""))
            if throttle:
                page = page.replace("</body>", '<script>window.__DATA__ = {"count":0,"error_info":'
                                    '"\\u641c\\u7d22\\u8bbf\\u95ee\\u592a\\u9891\\u7e41\\u3002","items":[]};</script></body>')
            return self._send(200, _rewrite_images(page, fake.url))
        if path == "/j/subject_suggest":
            return self._send(200, _rewrite_images(fake.suggest_json(query.get("q", "")), fake.url),
                              "application/json; charset=utf-8")
        if match := re.fullmatch(r"/subject/(\d+)/", path):
            page = fake.subject_page(match.group(1))
            if page is None:
                return self._send(404, "<html><head><title>页面不存在</title></head><body></body></html>")
            return self._send(200, _rewrite_images(page, fake.url))
        if path == "/c" and method == "GET":
            return self._send(200, fake.challenge_page(query.get("r", "")))
        if path == "/c" and method == "POST":
            form = {k: v[-1] for k, v in parse_qs(body).items()}
            token = fake.solve_ok(form)
            if token is None:
                return self._send(403, "<html><body>challenge failed</body></html>")
            return self._redirect(form.get("red", "/"), cookie=f"dbsawcv1={token}; Path=/")
        if path == "/b":
            return self._send(403, "<html><body>sec block</body></html>")
        if match := re.fullmatch(r"/img\d/view/photo/(\w+)/public/p(\d+)\.(jpg|webp)", path):
            if "douban.com" not in self.headers.get("Referer", ""):
                return self._send(418, "")
            if match.group(1) == "raw":
                return self._send(403, "")
            if fake.endless_poster:
                return self._send_endless()
            return self._send(200, fake.poster or _image(int(match.group(2))), "image/jpeg")
        return self._send(404, "<html><head><title>页面不存在</title></head><body></body></html>")

    def _misbehave(self, mode: Mode) -> None:
        fake = self.server_fake
        if mode.sec_redirect:
            return self._redirect(f"{fake.url}/b?r={quote(fake.url + self.path, safe='')}")
        if mode.garbage:
            return self._send(200, "<html><body><div>%s</div></body></html>" % secrets.token_hex(40))
        if mode.status == 403:
            return self._send(403, read("blocked_403_login_redirect_2023.html"))
        return self._send(mode.status, "" if mode.status in (418, 429) else "<html><body>Server Error</body></html>")

    def _control(self, path: str, body: str) -> None:
        fake = self.server_fake
        if path == "/_fake/mode":
            fake.set_mode(**(json.loads(body) if body else {}))
            return self._send(200, "{}", "application/json")
        if path == "/_fake/reset":
            fake.reset()
            return self._send(200, "{}", "application/json")
        if path == "/_fake/log":
            return self._send(200, json.dumps(fake.requests()), "application/json")
        return self._send(404, "")

    def _send(self, status: int, body: str | bytes, content_type: str = "text/html; charset=utf-8") -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _send_endless(self) -> None:
        """200 and image bytes until the client hangs up (no Content-Length; the connection closes after)."""
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        chunk = b"\xff" * 65536
        try:
            while True:
                self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _redirect(self, location: str, cookie: str | None = None) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        if cookie:
            self.send_header("Set-Cookie", cookie)
        self.send_header("Content-Length", "0")
        self.end_headers()


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _key(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _catalog_matches(catalog: list[Entry], words: str) -> list[Entry]:
    key = _key(words)
    if not key:
        return []
    return [e for e in catalog if key in _key(e.original_title) or key in _key(e.title)][:10]


def _poster(entry: Entry) -> str:
    return f"https://img{int(entry.douban_id) % 9 + 1}.doubanio.com/view/photo/s_ratio_poster/public/p{entry.douban_id}.jpg"


def _search_block(block: str, entry: Entry, words: str) -> str:
    rating = (f'<span class="allstar40"></span>\n        <span class="rating_nums">{entry.rating}</span>\n'
              f"          <span>({entry.votes}人评价)</span>") if entry.rating else "<span>(暂无评分)</span>"
    block = re.sub(r'<span class="allstar40"></span>.*?人评价\)</span>', lambda _: rating, block, flags=re.S)
    block = block.replace("[电影]", f"[{entry.label or ('电视剧' if entry.kind == 'tv' else '电影')}]")
    block = block.replace("26816519", entry.douban_id)
    block = re.sub(r'title="[^"]*" ><img src="[^"]*">', lambda _: f'title="{_esc(entry.original_title)}" ><img src="'
                   f'{_poster(entry)}">', block)
    block = block.replace(">逃避虽可耻但有用 </a>", f">{_esc(entry.title)} </a>")
    block = re.sub(r"原名:[^<]*", lambda _: f"原名:{_esc(entry.original_title)} / 导演 / 演员 / {entry.year}", block)
    return block.replace(quote(RECORDED_QUERY), quote(words))


def _subject_from_template(entry: Entry) -> str:
    page = read("subject_3541415.html")
    name = f"{entry.title} {entry.original_title}"
    rating = "" if entry.rating is None else str(entry.rating)
    replacements = [
        (r"<title>\s*盗梦空间 \(豆瓣\)\s*</title>", f"<title>\n        {entry.title} (豆瓣)\n</title>"),
        (r'"name": "盗梦空间 Inception"', json.dumps(name, ensure_ascii=False).join(['"name": ', ""])),
        (r'"url": "/subject/3541415/"', f'"url": "/subject/{entry.douban_id}/"'),
        (r'"datePublished": "[^"]*"', f'"datePublished": "{entry.year}-01-01"'),
        (r'"ratingValue": "[^"]*"', f'"ratingValue": "{rating}"'),
        (r'"ratingCount": "[^"]*"', f'"ratingCount": "{entry.votes}"'),
        (r'<span property="v:itemreviewed">[^<]*</span>', f'<span property="v:itemreviewed">{_esc(name)}</span>'),
        (r'<span class="year">\(\d+\)</span>', f'<span class="year">({entry.year})</span>'),
        (r'property="v:average">[^<]*</strong>', f'property="v:average">{rating}</strong>'),
        (r'<span property="v:votes">\d+</span>', f'<span property="v:votes">{entry.votes}</span>'),
        (r"https://img9\.doubanio\.com/view/photo/s_ratio_poster/public/p513344864\.webp", _poster(entry)),
        (r"tt1375666", entry.imdb or f"tt{int(entry.douban_id):07d}"),
        (r"/subject/3541415/", f"/subject/{entry.douban_id}/"),
        (r'<span class="pl">又名:</span>[^\n]*<br/>\n', _aka_line(entry)),
        (r'<span class="pl">上映日期:</span>[^\n]*<br/>', _release_line(entry)),
        (r'<span class="pl">片长:</span>[^\n]*<br/>', _length_lines(entry)),
    ]
    for pattern, replacement in replacements:
        page = re.sub(pattern, lambda _m, r=replacement: r, page)
    return page


def _aka_line(entry: Entry) -> str:
    """The 又名 line as the recorded pages write it, or nothing (pages without other titles have none)."""
    return f'<span class="pl">又名:</span> {_esc(" / ".join(entry.aka))}<br/>\n' if entry.aka else ""


def _release_line(entry: Entry) -> str:
    """上映日期 (films) or 首播 (series), one ``v:initialReleaseDate`` span per date, as in the recordings."""
    dates = entry.release_dates or (f"{entry.year}-01-01",)
    spans = " / ".join(f'<span property="v:initialReleaseDate" content="{_esc(d)}">{_esc(d)}</span>' for d in dates)
    return f'<span class="pl">{"首播" if entry.kind == "tv" else "上映日期"}:</span> {spans}<br/>'


def _length_lines(entry: Entry) -> str:
    """A film's 片长; a series' 集数 and 单集片长 (the recorded series page ``subject_26816519.html``)."""
    if entry.kind == "tv":
        return '<span class="pl">集数:</span> 12<br/>\n        <span class="pl">单集片长:</span> 45分钟<br/>'
    return '<span class="pl">片长:</span> <span property="v:runtime" content="120">120分钟</span><br/>'


def _rewrite_images(text: str, base: str) -> str:
    text = re.sub(r"https://img(\d)\.doubanio\.com/view/", rf"{base}/img\1/view/", text)
    return re.sub(r"https://img(\d)\.doubanio\.com\\/view\\/", lambda m: f"{base}/img{m.group(1)}\\/view\\/", text)


def _image(seed: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (27, 40), ((seed * 37) % 256, (seed * 91) % 256, (seed * 13) % 256)).save(buffer, "JPEG")
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--challenge", action="store_true", help="challenge anonymous subject page requests")
    args = parser.parse_args()
    fake = FakeDouban(args.host, args.port, challenge=args.challenge).start()
    print(f"fake Douban on {fake.url}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
