"""Movie cards rendered once and kept per process: a card's body reads the same to everyone who sees it in one
language, so its HTML is kept under the movie, the language, the card's note and "because" movie, and the version of the
movie's data (catalogue fields and `movie_info.updated_at`); a changed movie or newly cached info is a new key.

A member's controls on a card (their stars, watchlist and hide buttons) are kept apart, rendered for a stand-in
movie and stand-in marks that hold nothing but the state the controls show (the stars given, on the watchlist or
not, hidden or not): they are kept under the language and that state, never under a member or from a member's own
marks. On every request the card's movie id and title, the page to return to and the request's CSRF token are put
in where the stand-ins were. Rendering the cards, and then their controls, was most of the cost of a movie page
and of /picks.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

from flask import Flask, current_app, request
from flask_babel import get_locale, gettext
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from webapp.models import Movie
from webapp.services.member_marks import MemberMarks, member_marks
from webapp.site.ids import MAX_ID

EXTENSION = "card_fragments"
CONTROLS_EXTENSION = "card_controls"
MAX_CARDS = 20_000  # about 1 KB each: a whole catalogue in a few languages and notes
MAX_CONTROLS = 256  # 24 states (6 ratings x watchlist x hidden) per language


@dataclass(frozen=True)
class _StandIn:
    """What the controls read of a movie."""

    id: int
    title: Markup


# Stand-ins in kept controls. Everything a template writes from data is escaped, so "<" never comes from a title or
# a path: the markup stand-ins appear only where they were put; the id (no movie's, written only into URLs) is put
# back first, before any data is in the HTML.
_MOVIE = _StandIn(MAX_ID, Markup("<movie-title>"))
_TOKEN, _NEXT = Markup("<csrf-token>"), Markup("<next-path>")


class FragmentCache:
    """Least-recently-used map of key -> rendered HTML, safe across threads."""

    def __init__(self, max_entries: int = MAX_CARDS):
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, Markup] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Markup | None:
        with self._lock:
            html = self._entries.get(key)
            if html is not None:
                self._entries.move_to_end(key)
            return html

    def put(self, key: Hashable, html: Markup) -> None:
        with self._lock:
            self._entries[key] = html
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)


def movie_version(movie: Movie) -> tuple:
    """What a card shows of a movie changes only when this does."""
    info = movie.info
    return (movie.title, movie.year, movie.rating_mean, movie.rating_count,
            None if info is None else (info.status, info.updated_at))


def movie_card(movie: Movie, because: Movie | None = None, note: str | None = None,
               predicted: float | None = None) -> Markup:
    """The `movie_card` macro of `_macros.html` for these arguments, its body rendered once per version and
    language; `predicted` stars (shown to one decimal) make the note "4.2★ for you"."""
    predicted = None if predicted is None else round(predicted, 1)
    key = (movie.id, movie_version(movie), str(get_locale()), request.script_root, note, predicted,
           None if because is None else (because.id, because.title))
    cache: FragmentCache = current_app.extensions[EXTENSION]
    macros = current_app.jinja_env.get_template("_macros.html").module
    body = cache.get(key)
    if body is None:
        if predicted is not None:
            note = gettext("%(stars).1f★ for you", stars=predicted)
        body = Markup(macros.movie_card_body(movie, because, note))
        cache.put(key, body)
    marks = member_marks()
    controls = None if marks is None else member_controls(movie, marks, macros)
    return Markup(macros.movie_card(movie, because, body=body, controls=controls))


def member_controls(movie: Movie, marks: MemberMarks, macros) -> Markup:
    """The `member_controls` macro (compact, as on cards) of the movie for the member's `marks`: rendered once per
    language and state of the marks, with the movie, the return path and the CSRF token put in."""
    state = (marks.ratings.get(movie.id), movie.id in marks.watchlist, movie.id in marks.hidden)
    key = (str(get_locale()), request.script_root, *state)
    cache: FragmentCache = current_app.extensions[CONTROLS_EXTENSION]
    html = cache.get(key)
    if html is None:
        stars, on_watchlist, hidden = state
        stand_in_marks = MemberMarks({} if stars is None else {_MOVIE.id: stars},
                                     {_MOVIE.id} if on_watchlist else set(), {_MOVIE.id} if hidden else set())
        html = Markup(macros.member_controls(_MOVIE, stand_in_marks, compact=True, token=_TOKEN, next=_NEXT))
        cache.put(key, html)
    return (html.replace(str(_MOVIE.id), str(movie.id)).replace(_MOVIE.title, movie.title)
            .replace(_NEXT, request.full_path.rstrip("?")).replace(_TOKEN, generate_csrf()))


def init_app(app: Flask) -> None:
    """Give the app its card caches and the `cached_movie_card` template global."""
    app.extensions[EXTENSION] = FragmentCache()
    app.extensions[CONTROLS_EXTENSION] = FragmentCache(MAX_CONTROLS)
    app.jinja_env.globals["cached_movie_card"] = movie_card
