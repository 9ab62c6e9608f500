"""What the cards of a page show a signed-in member: their stars, watchlist and hidden movies, read once a
request in one query."""
from __future__ import annotations

from dataclasses import dataclass

from flask import g
from flask_login import current_user
from sqlalchemy import bindparam, literal_column, null, select, union_all

from webapp.extensions import db
from webapp.models import HiddenMovie, Rating, WatchlistEntry


@dataclass(frozen=True)
class MemberMarks:
    """A member's ratings (`{movie_id: stars}`), watchlist and hidden movie ids."""

    ratings: dict[int, int]
    watchlist: set[int]
    hidden: set[int]


# Built once: (what, movie_id, stars) rows of one member, `what` 0 for a rating, 1 on the watchlist, 2 hidden.
_MEMBER = bindparam("user_id")
_MARKS = union_all(
    select(literal_column("0"), Rating.movie_id, Rating.stars).where(Rating.user_id == _MEMBER),
    select(literal_column("1"), WatchlistEntry.movie_id, null()).where(WatchlistEntry.user_id == _MEMBER),
    select(literal_column("2"), HiddenMovie.movie_id, null()).where(HiddenMovie.user_id == _MEMBER),
)


def member_marks() -> MemberMarks | None:
    """The signed-in member's marks (read on the first call of the request), or None for a visitor."""
    if "member_marks" in g:  # every card asks: answered without asking Flask-Login again
        return g.member_marks
    if not current_user.is_authenticated:
        return None
    marks = MemberMarks({}, set(), set())
    for what, movie_id, stars in db.session.execute(_MARKS, {"user_id": current_user.id}):
        if what == 0:
            marks.ratings[movie_id] = stars
        else:
            (marks.watchlist if what == 1 else marks.hidden).add(movie_id)
    g.member_marks = marks
    return marks
