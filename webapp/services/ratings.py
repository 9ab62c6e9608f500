"""A site user's ratings and the picks computed from them."""
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from webapp.extensions import db
from webapp.models import Rating
from webapp.services.cards import Card, build_card_lists
from webapp.services.recommender import get_recommender


def ratings_of(user_id: int) -> dict[int, int]:
    """The user's ratings as `{movie_id: stars}`."""
    return dict(db.session.execute(select(Rating.movie_id, Rating.stars).where(Rating.user_id == user_id)).all())


def rated_movies(user_id: int) -> list[Rating]:
    """The user's ratings with their movies, newest first."""
    query = (select(Rating).where(Rating.user_id == user_id).options(joinedload(Rating.movie))
             .order_by(Rating.rated_at.desc(), Rating.id.desc()))
    return list(db.session.scalars(query))


def picks_for_current_user(k: int = 12) -> list[Card]:
    """Picks from the user's demographics, folded in with their ratings, each with its "because" movie."""
    ratings = ratings_of(current_user.id)
    recommender = get_recommender()
    pairs = recommender.for_new_user(current_user.gender, current_user.age, current_user.occupation, ratings, k=k)
    because = {movie_id: recommender.because(movie_id, ratings) for movie_id, _ in pairs} if ratings else {}
    return build_card_lists([pairs], because)[0]
