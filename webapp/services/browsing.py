"""Browsing the catalogue: the filters and sort orders of /movies read from the query string (a bad value is
dropped with a message saying so, never an error), the page of movies they give, and the page-number window."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from math import ceil

import numpy as np
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from movrec.dataset import GENRES
from sqlalchemy import Select, func, or_, select

from webapp.extensions import db
from webapp.models import InfoStatus, Movie, MovieInfo
from webapp.services.cards import load_movies
from webapp.services.catalog import liked_score
from webapp.services.folding import search_key
from webapp.site.ids import parse_id

MIN_YEAR, MAX_YEAR = 1800, 2100
MAX_QUERY = 100
MAX_PAGE = 10_000
DEFAULT_SORT = "rating"
FOR_ME = "for_me"
# Sort name -> its ORDER BY (the movie id last, so equal values keep one order on every database).
SQL_SORTS = {
    "popular": lambda: (Movie.rating_count.desc(), Movie.id),
    "rating": lambda: (liked_score().desc().nulls_last(), Movie.id),
    "newest": lambda: (Movie.year.desc().nulls_last(), Movie.id),
    "oldest": lambda: (Movie.year.asc().nulls_last(), Movie.id),
    "title": lambda: (func.lower(Movie.title), Movie.id),
}
SORT_LABELS = {"popular": _l("Most rated"), "rating": _l("Best rated"), "newest": _l("Newest first"),
               "oldest": _l("Oldest first"), "title": _l("Title (A-Z)"), FOR_ME: _l("Predicted for me")}
CJK_RANGES = ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2FA1F))


@dataclass
class BrowseRequest:
    """What /movies was asked for, once checked: filters, sort, page, and a message per value dropped."""

    text: str | None = None
    genre: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    decade: int | None = None
    sort: str = DEFAULT_SORT
    page: int = 1
    problems: list[str] = field(default_factory=list)

    def link_args(self, **changes) -> dict:
        """Query arguments that ask for this request again (with `changes`); defaults left out."""
        args = {"q": self.text, "genre": self.genre, "year_from": self.year_from, "year_to": self.year_to,
                "decade": self.decade, "sort": None if self.sort == DEFAULT_SORT else self.sort, "page": None}
        args.update(changes)
        return {key: value for key, value in args.items()
                if value not in (None, "") and not (key == "page" and value == 1)}


def _year(args: Mapping[str, str], name: str, problems: list[str]) -> int | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    value = parse_id(raw, maximum=MAX_YEAR)
    if value is None or value < MIN_YEAR:
        problems.append(_("“%(value)s” is not a year from %(low)d to %(high)d; it was ignored.",
                               value=raw[:20], low=MIN_YEAR, high=MAX_YEAR))
        return None
    return value


def parse_browse_args(args: Mapping[str, str], signed_in: bool) -> BrowseRequest:
    """Read /movies' query string: `q`, `genre`, `year` (one year), `year_from`/`year_to`, `decade` (1990 for the
    1990s), `sort` (see `SORT_LABELS`; "for_me" only for members) and `page`. Bad values are dropped, each with a
    message; an upside-down year range is turned round."""
    problems: list[str] = []
    request = BrowseRequest(problems=problems)
    request.text = (args.get("q") or "").strip()[:MAX_QUERY] or None
    genre = (args.get("genre") or "").strip()
    if genre and genre not in GENRES:
        problems.append(_("There is no genre “%(genre)s”; showing all genres.", genre=genre[:40]))
    request.genre = genre if genre in GENRES else None
    one_year = _year(args, "year", problems)
    request.year_from = _year(args, "year_from", problems) or one_year
    request.year_to = _year(args, "year_to", problems) or one_year
    if request.year_from and request.year_to and request.year_from > request.year_to:
        request.year_from, request.year_to = request.year_to, request.year_from
        problems.append(_("The year range was upside down; it now runs from %(low)d to %(high)d.",
                               low=request.year_from, high=request.year_to))
    decade = _year(args, "decade", problems)
    if decade is not None and decade % 10:
        problems.append(_("A decade starts with a year ending in 0 (1990 for the 1990s); “%(value)d” was "
                               "ignored.", value=decade))
        decade = None
    request.decade = decade
    sort = (args.get("sort") or DEFAULT_SORT).strip()
    if sort == FOR_ME and not signed_in:
        problems.append(_("Sign in to sort by the stars the model predicts for you."))
        sort = DEFAULT_SORT
    elif sort not in SORT_LABELS:
        problems.append(_("Unknown sort order “%(sort)s”; showing the best rated first.", sort=sort[:20]))
        sort = DEFAULT_SORT
    request.sort = sort
    raw_page = (args.get("page") or "").strip()
    page = parse_id(raw_page, maximum=MAX_PAGE) if raw_page else 1
    if not page:
        problems.append(_("“%(value)s” is not a page number; showing the first page.", value=raw_page[:20]))
    request.page = page or 1
    return request


def year_bounds(request: BrowseRequest) -> tuple[int | None, int | None]:
    """The years shown: the range and the decade together (both must hold)."""
    low, high = request.year_from, request.year_to
    if request.decade is not None:
        low = max(low or request.decade, request.decade)
        high = min(high or request.decade + 9, request.decade + 9)
    return low, high


def filtered_query(request: BrowseRequest) -> Select:
    """Movies matching every filter of `request`, unordered. Titles match in English whatever the case and
    accents, and in Chinese (or the original language) once the worker has cached them."""
    query = select(Movie)
    if request.genre:
        query = query.where(("|" + Movie.genres + "|").contains(f"|{request.genre}|", autoescape=True))
    low, high = year_bounds(request)
    if low is not None:
        query = query.where(Movie.year >= low)
    if high is not None:
        query = query.where(Movie.year <= high)
    if request.text:
        cached = select(MovieInfo.movie_id).where(or_(MovieInfo.title_zh.icontains(request.text, autoescape=True),
                                                      MovieInfo.original_title.icontains(request.text,
                                                                                         autoescape=True)))
        query = query.where(or_(Movie.search_text.contains(search_key(request.text), autoescape=True),
                                Movie.id.in_(cached)))
    return query


@dataclass(frozen=True)
class MoviePage:
    """One page of results: its movies, the page number (within 1..pages) and the totals."""

    items: list[Movie]
    page: int
    pages: int
    total: int


def _clamp(page: int, total: int, per_page: int) -> tuple[int, int]:
    pages = max(1, ceil(total / per_page))
    return min(max(page, 1), pages), pages


def browse_page(request: BrowseRequest, per_page: int,
                predicted: Callable[[list[int]], np.ndarray] | None = None) -> MoviePage:
    """The requested page (the last one when it asks beyond). With sort "for_me", `predicted` gives the member's
    expected stars of the matching movies (NaN where the model has none: those come last, best rated first)."""
    query = filtered_query(request)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page, pages = _clamp(request.page, total, per_page)
    if request.sort != FOR_ME or predicted is None:
        items = list(db.session.scalars(query.order_by(*SQL_SORTS[request.sort]())
                                        .limit(per_page).offset((page - 1) * per_page)))
        return MoviePage(items, page, pages, total)
    ids = list(db.session.scalars(query.with_only_columns(Movie.id).order_by(*SQL_SORTS[DEFAULT_SORT]())))
    stars = np.nan_to_num(np.asarray(predicted(ids), dtype=np.float64), nan=-np.inf)
    order = np.argsort(-stars, kind="stable")[(page - 1) * per_page: page * per_page]
    chosen = [ids[i] for i in order]
    movies = load_movies(chosen)
    return MoviePage([movies[i] for i in chosen if i in movies], page, pages, total)


def page_window(page: int, pages: int, radius: int = 2) -> list[int | None]:
    """Page numbers to link: the first, the last and `radius` either side of `page`; None marks a gap."""
    shown = sorted({1, pages, *range(max(1, page - radius), min(pages, page + radius) + 1)})
    window: list[int | None] = []
    for number in shown:
        if window and number - window[-1] > 1:
            window.append(None)
        window.append(number)
    return window


def has_cjk(text: str | None) -> bool:
    """True when `text` holds a Chinese (or Japanese) character."""
    return bool(text) and any(low <= ord(char) <= high for char in text for low, high in CJK_RANGES)


def chinese_titles_fetched() -> tuple[int, int]:
    """How many movies have a cached Chinese title, and how many movies there are."""
    fetched = db.session.scalar(select(func.count()).select_from(MovieInfo)
                                .where(MovieInfo.status == InfoStatus.OK, MovieInfo.title_zh.is_not(None)))
    return int(fetched or 0), int(db.session.scalar(select(func.count()).select_from(Movie)) or 0)
