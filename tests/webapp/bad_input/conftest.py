"""What the bad-input tests share: reading back what the database holds after a refused request."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Rating, User

REFUSED = "The request could not be understood."


def stored_in(app) -> tuple[list[str], list[tuple[str, int, int]]]:
    """The accounts' names and the `(username, movie_id, stars)` ratings in the app's database now."""
    with app.app_context():
        names = list(db.session.scalars(select(User.username).order_by(User.id)))
        ratings = db.session.execute(select(User.username, Rating.movie_id, Rating.stars)
                                     .join(User, User.id == Rating.user_id).order_by(Rating.movie_id)).all()
        return names, [tuple(row) for row in ratings]


@pytest.fixture
def stored(app):
    """`stored()`: `stored_in` the test's app."""
    return lambda: stored_in(app)
