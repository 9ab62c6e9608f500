"""Douban response parsers: text in, plain records out.

Facts about the pages (selectors, block signals) are in ``tests/fixtures/douban/NOTES.md``.
Every parser first checks for a block page and raises :class:`Blocked` instead of
reporting "nothing found"; a page that is neither a block nor the expected page raises
:class:`ParseError`.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qs, unquote, urlsplit

from bs4 import BeautifulSoup

Kind = Literal["movie", "tv"]


class DoubanError(Exception):
    """Base class of everything this package raises about Douban."""


class Blocked(DoubanError):
    """Douban refused us (IP flagged, throttled, challenged): back off, do not record 'not found'."""


class ParseError(DoubanError):
    """The response is not the page we asked for (garbage, changed layout)."""


class SubjectGone(DoubanError):
    """The subject page says the entry does not exist or is withheld."""


@dataclass(frozen=True)
class DoubanRecord:
    """One Douban subject as a search result, a suggestion or a subject page describes it."""

    douban_id: str
    title: str
    original_title: str
    year: int | None
    rating: float | None
    poster_url: str | None
    votes: int | None = None
    kind: Kind | None = None
    imdb_id: str | None = None
    aka: tuple[str, ...] = ()  # the subject page's 又名 (also known as) list
    release_years: tuple[int, ...] = ()  # years of the subject page's release dates (上映日期 / 首播)


# Markers of block pages; the throttle text also appears \u-escaped inside JSON.
_BLOCK_MARKERS = (
    "有异常请求从你的 IP 发出",
    "登录跳转页",
    "搜索访问太频繁",
    "\\u641c\\u7d22\\u8bbf\\u95ee\\u592a\\u9891\\u7e41",
    "error code: 004",
)
# A link to the security host only means "blocked" on a page that is not what we asked for
# (metashark's rule: empty result list and sec.douban.com in the body).
_SEC_HOST = "sec.douban.com"
_CHALLENGE_FORM = re.compile(r"<form[^>]*\bid=[\"']sec[\"']", re.I)
_GONE_MARKERS = (
    "<title>页面不存在</title>",
    "你想访问的条目豆瓣不收录",
    "当前条目正在等待审核",
)
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")


def check_blocked(text: str) -> None:
    """Raise :class:`Blocked` if ``text`` is one of Douban's block, throttle or challenge pages."""
    lowered = text.lower()
    for marker in _BLOCK_MARKERS:
        if marker.lower() in lowered:
            raise Blocked(f"block page ({marker})")
    if _CHALLENGE_FORM.search(text):
        raise Blocked("proof-of-work challenge page")


def _unexpected(text: str, problem: str) -> DoubanError:
    """The error for a response that is not the expected page: a block if it points to the security host."""
    return Blocked(f"{problem}; the page points to {_SEC_HOST}") if _SEC_HOST in text else ParseError(problem)


def parse_search(html: str) -> list[DoubanRecord]:
    """Parse ``www.douban.com/search?cat=1002`` into records; ``[]`` means no results."""
    check_blocked(html)
    soup = BeautifulSoup(html, "html.parser")
    if soup.select_one("div.search-result") is None:
        raise _unexpected(html, "not a search page: no div.search-result")
    records = []
    for result in soup.select("div.result-list div.result"):
        record = _search_result(result)
        if record is not None:
            records.append(record)
    if not records and _SEC_HOST in html:
        raise Blocked(f"no results and the page points to {_SEC_HOST}")
    return records


def _search_result(result) -> DoubanRecord | None:
    link = result.select_one("div.title h3 a") or result.select_one("a.nbg")
    if link is None:
        return None
    douban_id = _sid(link.get("onclick", "")) or _subject_id_from_url(link.get("href", ""))
    if douban_id is None:
        return None
    category = result.select_one("div.title h3 > span")
    kind: Kind | None = None
    if category is not None:
        label = category.get_text(strip=True)
        if "电视剧" in label:
            kind = "tv"
        elif "电影" not in label:
            return None  # books, people, ... on mixed pages
    title = link.get_text(" ", strip=True)
    original, year = _subject_cast(result.select_one("span.subject-cast"))
    nbg = result.select_one("a.nbg")
    if not original and nbg is not None and nbg.get("title"):
        original = nbg["title"].strip()
    img = result.select_one("a.nbg img")
    rating_el = result.select_one(".rating-info .rating_nums")
    votes_el = result.select_one(".rating-info")
    return DoubanRecord(
        douban_id=douban_id,
        title=title,
        original_title=original or title,
        year=year,
        rating=_float(rating_el.get_text(strip=True)) if rating_el else None,
        poster_url=img.get("src") if img is not None else None,
        votes=_votes(votes_el.get_text()) if votes_el is not None else None,
        kind=kind,
    )


def _votes(text: str) -> int | None:
    match = re.search(r"\((\d+)人评价\)", text)
    return int(match.group(1)) if match else None


def _sid(onclick: str) -> str | None:
    match = re.search(r"\bsid:\s*(\d+)", onclick)
    return match.group(1) if match else None


def _subject_id_from_url(url: str) -> str | None:
    """Subject id from a subject URL or a ``link2/?url=<encoded subject url>`` redirect link."""
    inner = parse_qs(urlsplit(url).query).get("url")
    target = unquote(inner[0]) if inner else url
    match = re.search(r"/subject/(\d+)", target)
    return match.group(1) if match else None


def _subject_cast(el) -> tuple[str, int | None]:
    """``原名:<orig> / <director> / <cast> / <year>`` -> (original title, year)."""
    if el is None:
        return "", None
    parts = [p.strip() for p in el.get_text().split(" / ")]
    original = ""
    if parts and parts[0].startswith("原名:"):
        original = parts[0][len("原名:"):].strip()
    year = None
    for part in reversed(parts[1:] if original else parts):
        if re.fullmatch(r"\d{4}", part):
            year = int(part)
            break
    return original, year


def parse_suggest(text: str) -> list[DoubanRecord]:
    """Parse ``movie.douban.com/j/subject_suggest`` JSON; people are skipped, ``[]`` means no results."""
    check_blocked(text)
    try:
        items = json.loads(text)
    except ValueError as exc:
        raise _unexpected(text, f"suggest response is not JSON: {exc}") from None
    if not isinstance(items, list):
        raise _unexpected(text, f"suggest response is not a list: {text[:120]!r}")
    records = []
    for item in items:
        if not isinstance(item, dict) or item.get("type") != "movie" or not item.get("id"):
            continue
        title = str(item.get("title") or "").strip()
        records.append(
            DoubanRecord(
                douban_id=str(item["id"]),
                title=title,
                original_title=str(item.get("sub_title") or "").strip() or title,
                year=_int(item.get("year")),
                rating=None,
                poster_url=item.get("img") or None,
                kind="tv" if item.get("episode") else "movie",
            )
        )
    return records


def parse_subject(html: str) -> DoubanRecord:
    """Parse a subject page ``movie.douban.com/subject/<id>/``.

    Raises :class:`SubjectGone` for removed or withheld entries.
    """
    check_blocked(html)
    for marker in _GONE_MARKERS:
        if marker in html:
            raise SubjectGone(marker)
    if "豆瓣评分" not in html and "关于豆瓣" not in html:
        raise _unexpected(html, "incomplete subject page: neither 豆瓣评分 nor 关于豆瓣 in it")
    soup = BeautifulSoup(html, "html.parser")
    reviewed = soup.select_one('span[property="v:itemreviewed"]')
    ld = _ld_json(soup)
    if reviewed is None and not ld.get("name"):
        raise _unexpected(html, "not a subject page: no v:itemreviewed and no ld+json name")
    full_name = _squash(reviewed.get_text(" ") if reviewed is not None else str(ld["name"]))
    title = _page_title(soup) or full_name
    original = full_name[len(title):].strip() if full_name.startswith(title) else ""
    douban_id = _subject_id_from_url(str(ld.get("url", ""))) or _canonical_id(soup)
    if douban_id is None:
        raise ParseError("subject page without a subject id")
    year_el = soup.select_one("span.year")
    year = _year(year_el.get_text()) if year_el else None
    if year is None:
        year = _year(str(ld.get("datePublished") or ""))
    rating_el = soup.select_one('strong[property="v:average"]')
    rating = _float(rating_el.get_text(strip=True)) if rating_el else None
    if rating is None:
        rating = _float(str((ld.get("aggregateRating") or {}).get("ratingValue") or ""))
    votes_el = soup.select_one('span[property="v:votes"]')
    img = soup.select_one('#mainpic img[rel="v:image"]')
    og = soup.select_one('meta[property="og:image"]')
    poster = (img.get("src") if img else None) or (og.get("content") if og else None) or ld.get("image")
    info = soup.select_one("#info")
    info_text = info.get_text(" ", strip=True) if info else ""
    imdb = re.search(r"IMDb:\s*(tt\d+)", info_text)
    is_tv = ld.get("@type") == "TVSeries" or "集数:" in info_text
    aka = _info_field(info, "又名") if info else ""
    dates = soup.select('span[property="v:initialReleaseDate"]')
    release_years = {_year(d.get("content") or d.get_text()) for d in dates}
    return DoubanRecord(
        douban_id=douban_id,
        title=title,
        original_title=original or title,
        year=year,
        rating=rating,
        poster_url=poster or None,
        votes=_int(votes_el.get_text(strip=True)) if votes_el else None,
        kind="tv" if is_tv else "movie",
        imdb_id=imdb.group(1) if imdb else None,
        aka=tuple(name.strip() for name in aka.split(" / ") if name.strip()),
        release_years=tuple(sorted(y for y in release_years if y is not None)),
    )


def _info_field(info, label: str) -> str:
    """The text after ``<span class="pl">label:</span>`` in ``#info``, up to the next ``<br>``."""
    for span in info.select("span.pl"):
        if span.get_text(strip=True).rstrip(":：") != label:
            continue
        parts = []
        for sibling in span.next_siblings:
            if getattr(sibling, "name", None) == "br":
                break
            parts.append(sibling.get_text(" ") if hasattr(sibling, "get_text") else str(sibling))
        return _squash("".join(parts)).lstrip(":： ")
    return ""


def _ld_json(soup) -> dict:
    """The page's ld+json block; Douban sometimes leaves raw newlines inside strings."""
    script = soup.find("script", type="application/ld+json")
    if script is None or not script.string:
        return {}
    raw = script.string
    for candidate in (raw, raw.replace("\r", " ").replace("\n", " ")):
        try:
            data = json.loads(candidate, strict=False)
        except ValueError:
            continue
        return data if isinstance(data, dict) else {}
    return {}


def _page_title(soup) -> str:
    """``<title>盗梦空间 (豆瓣)</title>`` -> ``盗梦空间``."""
    if soup.title is None:
        return ""
    text = _squash(soup.title.get_text())
    return re.sub(r"\s*\(豆瓣\)$", "", text).strip()


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _canonical_id(soup) -> str | None:
    link = soup.find("link", rel="canonical")
    return _subject_id_from_url(link.get("href", "")) if link else None


def _year(text: str) -> int | None:
    match = _YEAR.search(text)
    return int(match.group(1)) if match else None


def _float(text: str) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
