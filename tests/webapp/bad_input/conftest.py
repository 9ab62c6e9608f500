"""What the bad-input tests share: reading back what the database holds after a refused request."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Rating, User

REFUSED = "The request could not be understood."


@pytest.fixture
def stored(app):
    """`stored()`: the accounts' names and the `(username, movie_id, stars)` ratings in the database now."""

    def read() -> tuple[list[str], list[tuple[str, int, int]]]:
        with app.app_context():
            names = list(db.session.scalars(select(User.username).order_by(User.id)))
            ratings = db.session.execute(select(User.username, Rating.movie_id, Rating.stars)
                                         .join(User, User.id == Rating.user_id).order_by(Rating.id)).all()
            return names, [tuple(row) for row in ratings]

    return read
