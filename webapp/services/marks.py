"""A member's marks on movies besides ratings: the watchlist ("want to see") and the hidden movies ("not
interested", kept out of their picks). Setting a mark twice, or clearing one that is not set, changes nothing."""
from __future__ import annotations

from enum import StrEnum

from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload

from webapp.extensions import db, upsert_insert
from webapp.models import HiddenMovie, WatchlistEntry, utcnow


class Mark(StrEnum):
    """The marks a member can set on a movie (the names in their URLs)."""

    WATCHLIST = "watchlist"
    HIDDEN = "hide"


_MODELS = {Mark.WATCHLIST: WatchlistEntry, Mark.HIDDEN: HiddenMovie}


def set_mark(mark: Mark, user_id: int, movie_id: int, on: bool) -> None:
    """Set (`on`) or clear the mark on the movie for the user, and commit; repeating it changes nothing."""
    model = _MODELS[mark]
    if on:
        insert = upsert_insert(db.engine)(model).values(user_id=user_id, movie_id=movie_id, marked_at=utcnow())
        db.session.execute(insert.on_conflict_do_nothing(index_elements=[model.user_id, model.movie_id]))
    else:
        db.session.execute(delete(model).where(model.user_id == user_id, model.movie_id == movie_id))
    db.session.commit()


def marked_ids(mark: Mark, user_id: int) -> set[int]:
    """Ids of the movies the user marked so."""
    model = _MODELS[mark]
    return set(db.session.scalars(select(model.movie_id).where(model.user_id == user_id)))


def watchlist_of(user_id: int) -> list[WatchlistEntry]:
    """The user's watchlist with its movies, latest added first."""
    query = (select(WatchlistEntry).where(WatchlistEntry.user_id == user_id)
             .options(joinedload(WatchlistEntry.movie))
             .order_by(WatchlistEntry.marked_at.desc(), WatchlistEntry.movie_id))
    return list(db.session.scalars(query))
