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

from dataclasses import dataclass

from flask import Flask, current_app, g, request
from flask_babel import get_locale, gettext
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from webapp.models import Movie
from webapp.services.lru import LruMap
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
    shared = _shared()
    predicted = None if predicted is None else round(predicted, 1)
    key = (movie.id, movie_version(movie), shared.language_and_root, note, predicted,
           None if because is None else (because.id, because.title))
    card = shared.cards.get(key)
    if card is None:
        if predicted is not None:
            note = gettext("%(stars).1f★ for you", stars=predicted)
        macros = _macros()
        body = Markup(macros.movie_card_body(movie, because, note))
        card = str(macros.movie_card(movie, because, body=body, controls=_CONTROLS))
        shared.cards.put(key, card)
    marks = shared.marks
    return Markup(card.replace(_CONTROLS, "" if marks is None else shared.controls(movie, "card"), 1))


def movie_page_controls(movie: Movie) -> tuple[Markup, Markup]:
    """The signed-in member's rating form (`rating_widget`, id "rating-form") and `member_controls` of a movie
    page, kept and put in as the cards' controls are."""
    shared = _shared()
    rating, controls = shared.controls(movie, "page").split(_SPLIT)
    return Markup(rating), Markup(controls)


def _macros():
    """The macros of `_macros.html`."""
    return current_app.jinja_env.get_template("_macros.html").module


def _render_controls(kind: str, marks: MemberMarks) -> str:
    """The controls of `kind` for the stand-in movie and stand-in `marks`: a card's compact `member_controls`, or
    a movie page's `rating_widget` and `member_controls` joined by `_SPLIT`."""
    macros = _macros()
    if kind == "card":
        return str(macros.member_controls(_MOVIE, marks, compact=True, token=_TOKEN, next=_NEXT))
    rating = macros.rating_widget(_MOVIE, marks.ratings.get(_MOVIE.id), id="rating-form", token=_TOKEN)
    return f"{rating}{_SPLIT}{macros.member_controls(_MOVIE, marks, token=_TOKEN, next=_NEXT)}"


class _Shared:
    """What every card of one request shares, looked up once: the language and script root the fragments are kept
    under, the two caches, the member's marks, and the kept controls turned into this request's templates."""

    def __init__(self) -> None:
        self.language_and_root = str(get_locale()), request.script_root
        self.cards: LruMap[str] = current_app.extensions[EXTENSION]
        self.kept: LruMap[str] = current_app.extensions[CONTROLS_EXTENSION]
        self.marks = member_marks()
        self.templates: dict[tuple, str] = {}

    def controls(self, movie: Movie, kind: str) -> str:
        """The member's controls of `kind` on the movie: kept per language and state of the marks (the stars given,
        on the watchlist, hidden), with the movie's id and title, the return path and the CSRF token put in."""
        marks = self.marks
        key = (kind, marks.ratings.get(movie.id), movie.id in marks.watchlist, movie.id in marks.hidden)
        template = self.templates.get(key)
        if template is None:
            template = self.templates[key] = self._template(key)
        return template.format(movie.id, escape(movie.title))

    def _template(self, key: tuple) -> str:
        """Kept controls as a `str.format` template of (movie id, escaped title), with this request's return path
        and CSRF token put in: one pass a card instead of four replaces. The stand-ins are replaced before any
        data is in the HTML, and the braces of everything else are doubled, so no title or path is read as a
        field."""
        kept_key = (self.language_and_root, *key)
        html = self.kept.get(kept_key)
        if html is None:
            kind, stars, on_watchlist, hidden = key
            stand_in_marks = MemberMarks({} if stars is None else {_MOVIE.id: stars},
                                         {_MOVIE.id} if on_watchlist else set(), {_MOVIE.id} if hidden else set())
            html = _render_controls(kind, stand_in_marks)
            self.kept.put(kept_key, html)

        def literal(text: str) -> str:
            return text.replace("{", "{{").replace("}", "}}")

        next_path, token = str(escape(request.full_path.rstrip("?"))), str(escape(generate_csrf()))
        return (literal(html).replace(_ID, "{0}").replace(_TITLE, "{1}")
                .replace(_NEXT, literal(next_path)).replace(_TOKEN, literal(token)))


def _shared() -> _Shared:
    """This request's `_Shared`, made on its first card."""
    try:
        return g.card_fragments
    except AttributeError:
        g.card_fragments = shared = _Shared()
        return shared


def init_app(app: Flask) -> None:
    """Give the app its card caches and the `cached_movie_card` and `cached_movie_page_controls` template
    globals."""
    app.extensions[EXTENSION] = LruMap(MAX_CARDS)
    app.extensions[CONTROLS_EXTENSION] = LruMap(MAX_CONTROLS)
    app.jinja_env.globals["cached_movie_card"] = movie_card
    app.jinja_env.globals["cached_movie_page_controls"] = movie_page_controls
