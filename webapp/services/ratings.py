"""A site user's ratings: reading them, saving and removing them."""
from collections.abc import Mapping

from sqlalchemy import case, delete, func, select
from sqlalchemy.orm import joinedload

from webapp.extensions import db, upsert_insert
from webapp.models import Rating, utcnow

STARS = ("1", "2", "3", "4", "5")  # a rating as a form sends it: one ASCII digit


def parse_stars(raw: str | None) -> int | None:
    """`raw` as 1-5 stars, or None when it is not written as one of `STARS` ("٣", "４", "+4", " 4", "3.5" are not)."""
    return int(raw) if raw in STARS else None


def ratings_of(user_id: int) -> dict[int, int]:
    """The user's ratings as `{movie_id: stars}`."""
    return dict(db.session.execute(select(Rating.movie_id, Rating.stars).where(Rating.user_id == user_id)).all())


def rating_count(user_id: int) -> int:
    """How many movies the user rated."""
    return db.session.scalar(select(func.count()).select_from(Rating).where(Rating.user_id == user_id))


def rated_movies(user_id: int) -> list[Rating]:
    """The user's ratings with their movies, newest first."""
    query = (select(Rating).where(Rating.user_id == user_id).options(joinedload(Rating.movie))
             .order_by(Rating.rated_at.desc(), Rating.id.desc()))
    return list(db.session.scalars(query))


def save_ratings(user_id: int, stars: Mapping[int, int]) -> None:
    """Rate each movie of `stars` (`{movie_id: 1-5}`) for the user in one statement and commit: a new rating is
    added, an existing one changed (its `rated_at` moves only when the stars do). Every view that saves a
    rating comes here."""
    if not stars:
        return
    now = utcnow()
    rows = [{"user_id": user_id, "movie_id": movie_id, "stars": value, "rated_at": now} for movie_id, value in stars.items()]
    insert = upsert_insert(db.engine)(Rating).values(rows)
    new = insert.excluded
    rated_at = case((Rating.stars != new.stars, new.rated_at), else_=Rating.rated_at)
    db.session.execute(insert.on_conflict_do_update(index_elements=[Rating.user_id, Rating.movie_id],
                                                    set_={"stars": new.stars, "rated_at": rated_at}))
    db.session.commit()


def remove_rating(user_id: int, movie_id: int) -> None:
    """Delete the user's rating of the movie, if there is one, and commit."""
    db.session.execute(delete(Rating).where(Rating.user_id == user_id, Rating.movie_id == movie_id))
    db.session.commit()
