"""Movie cards rendered once and kept per process: a card's body reads the same to everyone who sees it in one
language, so its HTML is kept under the movie, the language, the card's note and "because" movie, and the version of the
movie's data (catalogue fields and `movie_info.updated_at`); a changed movie or newly cached info is a new key.
A member's controls on the card (their stars, watchlist and hide buttons, a CSRF token) are never kept: they
are rendered around the kept body on every request. Rendering the cards was most of the cost of a movie page and
of /picks."""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

from flask import Flask, current_app, request
from flask_babel import get_locale, gettext
from markupsafe import Markup

from webapp.models import Movie

EXTENSION = "card_fragments"
MAX_CARDS = 20_000  # about 1 KB each: a whole catalogue in a few languages and notes


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
    return Markup(macros.movie_card(movie, because, body=body))


def init_app(app: Flask) -> None:
    """Give the app its card cache and the `cached_movie_card` template global."""
    app.extensions[EXTENSION] = FragmentCache()
    app.jinja_env.globals["cached_movie_card"] = movie_card
