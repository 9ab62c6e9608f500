"""Movie cards rendered once and kept per process: a card reads the same to everyone who sees it in one language,
but for a member's controls, so its HTML, with a stand-in where the controls go, is kept under the movie, the
language, the card's note and "because" movie, and the version of the movie's data (catalogue fields and
`movie_info.updated_at`); a changed movie or newly cached info is a new key.

A member's controls on a card (their stars, watchlist and hide buttons) are kept apart, rendered for a stand-in
movie and stand-in marks that hold nothing but the state the controls show (the stars given, on the watchlist or
not, hidden or not): they are kept under the language and that state, never under a member or from a member's own
marks. On every request the card's movie id and title, the page to return to and the request's CSRF token are put
in where the stand-ins were (with plain string replaces: those values are escaped once a request). A movie page's own
rating form and controls are kept and put in the same way. Rendering the cards, and then their controls, was most
of the cost of a movie page and of /picks.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

from flask import Flask, current_app, g, request
from flask_babel import get_locale, gettext
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

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
_ID, _TITLE = str(_MOVIE.id), str(_MOVIE.title)
_CONTROLS = Markup("<member-controls>")  # where a kept card takes the member's controls ("" for a visitor)
_SPLIT = "<split>"  # between the two parts of a movie page's kept controls; never in escaped HTML


class FragmentCache:
    """Least-recently-used map of key -> rendered HTML, safe across threads."""

    def __init__(self, max_entries: int = MAX_CARDS):
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> str | None:
        with self._lock:
            html = self._entries.get(key)
            if html is not None:
                self._entries.move_to_end(key)
            return html

    def put(self, key: Hashable, html: str) -> None:
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
    """The `movie_card` macro of `_macros.html` for these arguments, rendered once per version and language with a
    stand-in where the member's controls go; `predicted` stars (shown to one decimal) make the note "4.2★ for
    you"."""
    predicted = None if predicted is None else round(predicted, 1)
    key = (movie.id, movie_version(movie), *_language_and_root(), note, predicted,
           None if because is None else (because.id, because.title))
    cache: FragmentCache = current_app.extensions[EXTENSION]
    card = cache.get(key)
    if card is None:
        if predicted is not None:
            note = gettext("%(stars).1f★ for you", stars=predicted)
        macros = _macros()
        body = Markup(macros.movie_card_body(movie, because, note))
        card = str(macros.movie_card(movie, because, body=body, controls=_CONTROLS))
        cache.put(key, card)
    marks = member_marks()
    return Markup(card.replace(_CONTROLS, "" if marks is None else member_controls(movie, marks), 1))


def member_controls(movie: Movie, marks: MemberMarks) -> str:
    """The `member_controls` macro (compact, as on cards) of the movie for the member's `marks`: rendered once per
    language and state of the marks, with the movie, the return path and the CSRF token put in."""
    state = _state(movie, marks)
    html = _kept_controls(("card", *state), lambda marks: str(
        _macros().member_controls(_MOVIE, marks, compact=True, token=_TOKEN, next=_NEXT)), state)
    return _put_in(html, movie)


def _macros():
    """The macros of `_macros.html`."""
    return current_app.jinja_env.get_template("_macros.html").module


def movie_page_controls(movie: Movie) -> tuple[Markup, Markup]:
    """The signed-in member's rating form (`rating_widget`, id "rating-form") and `member_controls` of a movie
    page, kept and put in as the cards' controls are."""
    state = _state(movie, member_marks())

    def render(marks: MemberMarks) -> str:
        macros = _macros()
        rating = macros.rating_widget(_MOVIE, marks.ratings.get(_MOVIE.id), id="rating-form", token=_TOKEN)
        return f"{rating}{_SPLIT}{macros.member_controls(_MOVIE, marks, token=_TOKEN, next=_NEXT)}"

    rating, controls = _put_in(_kept_controls(("page", *state), render, state), movie).split(_SPLIT)
    return Markup(rating), Markup(controls)



def _state(movie: Movie, marks: MemberMarks) -> tuple[int | None, bool, bool]:
    """What the member's controls show of the movie: the stars given, on the watchlist, hidden."""
    return marks.ratings.get(movie.id), movie.id in marks.watchlist, movie.id in marks.hidden


def _kept_controls(kind: tuple, render, state: tuple[int | None, bool, bool]) -> str:
    """The controls of `kind` rendered by `render(stand-in marks)` for the stand-in movie, kept per language."""
    key = (*_language_and_root(), *kind)
    cache: FragmentCache = current_app.extensions[CONTROLS_EXTENSION]
    html = cache.get(key)
    if html is None:
        stars, on_watchlist, hidden = state
        stand_in_marks = MemberMarks({} if stars is None else {_MOVIE.id: stars},
                                     {_MOVIE.id} if on_watchlist else set(), {_MOVIE.id} if hidden else set())
        html = render(stand_in_marks)
        cache.put(key, html)
    return html


def _language_and_root() -> tuple[str, str]:
    """This request's language and script root, which every kept fragment is kept under; read once a request."""
    try:
        return g.card_language_and_root
    except AttributeError:
        g.card_language_and_root = values = str(get_locale()), request.script_root
        return values


def _put_in(html: str, movie: Movie) -> str:
    """Kept controls with the movie's id and (escaped) title, this request's return path and CSRF token put in
    where the stand-ins are; the id goes first, before any data is in the HTML."""
    if "card_fill" not in g:
        g.card_fill = str(escape(request.full_path.rstrip("?"))), str(escape(generate_csrf()))
    next_path, token = g.card_fill
    return (html.replace(_ID, str(movie.id)).replace(_TITLE, str(escape(movie.title)))
            .replace(_NEXT, next_path).replace(_TOKEN, token))


def init_app(app: Flask) -> None:
    """Give the app its card caches and the `cached_movie_card` and `cached_movie_page_controls` template
    globals."""
    app.extensions[EXTENSION] = FragmentCache()
    app.extensions[CONTROLS_EXTENSION] = FragmentCache(MAX_CONTROLS)
    app.jinja_env.globals["cached_movie_card"] = movie_card
    app.jinja_env.globals["cached_movie_page_controls"] = movie_page_controls
