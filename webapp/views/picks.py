"""Personal recommendations: my picks, my ratings, rating a movie (`RatingForm`, also on the movie page),
and the dataset's demo profiles."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from movrec.recommender import UnknownUser
from wtforms import StringField, SubmitField
from wtforms.validators import AnyOf, InputRequired

from webapp.extensions import db
from webapp.models import Movie
from webapp.services.cards import build_card_lists, load_movies
from webapp.services.ratings import (STARS, parse_stars, picks_for_current_user, rated_movies, remove_rating,
                                     save_ratings)
from webapp.services.recommender import get_recommender
from webapp.site.security import safe_next

bp = Blueprint("picks", __name__)
PROFILE_TOP_RATED = 12


class RatingForm(FlaskForm):
    """Rate a movie 1-5 (`services.ratings.STARS`), or remove the rating with the `delete` button."""

    stars = StringField(_l("Your rating"), validators=[InputRequired(), AnyOf(STARS)])
    submit = SubmitField(_l("Save rating"))
    delete = SubmitField(_l("Remove rating"))


@bp.route("/picks")
@login_required
def my_picks():
    """The signed-in user's picks, refreshed from their ratings on every load."""
    return render_template("picks/picks.html", picks=picks_for_current_user())


@bp.route("/ratings")
@login_required
def my_ratings():
    """The signed-in user's ratings, each changeable and removable."""
    return render_template("picks/ratings.html", ratings=rated_movies(current_user.id), form=RatingForm())


@bp.route("/movies/<id:movie_id>/rate", methods=["POST"])
def rate(movie_id: int):
    """Save (1-5 `stars`) or remove (`delete`) the user's rating; anything else is a 400. Signed out, it is the
    sign-in page, which then returns to the movie (this URL answers POST only)."""
    if db.session.get(Movie, movie_id) is None:
        abort(404)
    if not current_user.is_authenticated:
        flash(_("Please sign in to rate movies."), "info")
        return redirect(url_for("accounts.login", next=url_for("catalog.movie", movie_id=movie_id)))
    form = RatingForm()
    if form.delete.data:
        remove_rating(current_user.id, movie_id)
        flash(_("Rating removed."), "info")
    elif form.validate():
        save_ratings(current_user.id, {movie_id: parse_stars(form.stars.data)})
        flash(_("Rating saved. Your picks are updated."), "info")
    else:
        abort(400)
    return redirect(safe_next(url_for("catalog.movie", movie_id=movie_id)))


@bp.route("/users/<id:user_id>")
def demo_profile(user_id: int):
    """A MovieLens user of the dataset: their top-rated movies and the model's picks for them."""
    recommender = get_recommender()
    try:
        ratings = recommender.user_ratings(user_id)
        pairs = recommender.for_user(user_id, k=12)
        gender, age, occupation = recommender.user_demographics(user_id)
    except UnknownUser:
        abort(404)
    best_first = sorted(ratings.items(), key=lambda item: -item[1])[:PROFILE_TOP_RATED * 5]
    candidates = load_movies(movie_id for movie_id, _ in best_first)
    top_rated = sorted(candidates.values(), key=lambda m: (-ratings[m.id], -m.rating_count))[:PROFILE_TOP_RATED]
    picks, = build_card_lists([pairs], also_shown=top_rated)
    return render_template("picks/profile.html", user_id=user_id, n_ratings=len(ratings), gender=gender, age=age,
                           occupation=occupation,
                           top_rated=[(m, ratings[m.id]) for m in top_rated], picks=picks)
