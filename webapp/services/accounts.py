"""A member's account: ending its sessions, changing its password, its ratings as CSV, deleting it."""
from __future__ import annotations

import csv
import io

from sqlalchemy import delete, update
from werkzeug.security import generate_password_hash

from webapp.extensions import db
from webapp.models import User
from webapp.services.ratings import rated_movies

CSV_COLUMNS = ("movie_id", "title", "year", "stars", "rated_at")


def end_sessions(user_id: int) -> None:
    """Move the account's session version on and commit: every session signed before, copies of the cookie
    included, signs nobody in any more (one statement: no lost update)."""
    db.session.execute(update(User).where(User.id == user_id).values(session_version=User.session_version + 1))
    db.session.commit()


def change_password(user: User, password: str) -> None:
    """Store the new password's hash and end every session of the account; `user` is refreshed, so signing
    it in again gives this session the new version."""
    user.password_hash = generate_password_hash(password)
    db.session.commit()
    end_sessions(user.id)
    db.session.refresh(user)


def ratings_csv(user_id: int) -> str:
    """The user's ratings as CSV (`CSV_COLUMNS`, newest first; times in ISO 8601 UTC)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for rating in rated_movies(user_id):
        movie = rating.movie
        writer.writerow((movie.id, movie.title, movie.year or "", rating.stars, rating.rated_at.isoformat()))
    return out.getvalue()


def delete_account(user_id: int) -> None:
    """Delete the account and commit; its ratings, watchlist, hidden movies and grants go with it (the
    foreign keys cascade on both databases)."""
    db.session.execute(delete(User).where(User.id == user_id))
    db.session.commit()
