"""The one rating upsert every view uses: adds, changes, leaves unchanged ratings' times alone, removes."""
from __future__ import annotations

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Rating, User, as_utc
from webapp.services.ratings import ratings_of, remove_rating, save_ratings


def rated_at(user_id: int) -> dict[int, object]:
    db.session.expire_all()
    return {r.movie_id: as_utc(r.rated_at) for r in db.session.scalars(select(Rating).where(Rating.user_id == user_id))}


def test_save_ratings_adds_and_changes_in_one_call_and_remove_deletes(app):
    with app.app_context():
        user = User(username="rosa", password_hash="x", gender="F", age=25, occupation=4)
        db.session.add(user)
        db.session.commit()
        save_ratings(user.id, {})
        save_ratings(user.id, {2: 4, 3: 5})
        assert ratings_of(user.id) == {2: 4, 3: 5}
        first = rated_at(user.id)
        save_ratings(user.id, {2: 4, 3: 1, 5: 2})  # 2 unchanged, 3 changed, 5 new
        assert ratings_of(user.id) == {2: 4, 3: 1, 5: 2}
        second = rated_at(user.id)
        assert second[2] == first[2] and second[3] > first[3]
        remove_rating(user.id, 3)
        remove_rating(user.id, 99)  # nothing to remove
        assert ratings_of(user.id) == {2: 4, 5: 2}
