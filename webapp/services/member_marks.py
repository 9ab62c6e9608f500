"""What the cards of a page show a signed-in member: their stars, watchlist and hidden movies, read once a
request."""
from __future__ import annotations

from dataclasses import dataclass

from flask import g
from flask_login import current_user

from webapp.services.marks import Mark, marked_ids
from webapp.services.ratings import ratings_of


@dataclass(frozen=True)
class MemberMarks:
    """A member's ratings (`{movie_id: stars}`), watchlist and hidden movie ids."""

    ratings: dict[int, int]
    watchlist: set[int]
    hidden: set[int]


def member_marks() -> MemberMarks | None:
    """The signed-in member's marks (read on the first call of the request), or None for a visitor."""
    if not current_user.is_authenticated:
        return None
    if "member_marks" not in g:
        user_id = current_user.id
        g.member_marks = MemberMarks(ratings_of(user_id), marked_ids(Mark.WATCHLIST, user_id),
                                     marked_ids(Mark.HIDDEN, user_id))
    return g.member_marks
