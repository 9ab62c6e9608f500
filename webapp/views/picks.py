"""Personal recommendations: my picks (paged), my ratings, rating a movie and clearing the rating
(`RatingForm`, on movie pages and cards), and the dataset's demo profiles."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from movrec.recommender import UnknownUser
from wtforms import StringField, SubmitField
from wtforms.validators import AnyOf, InputRequired

from webapp.extensions import db
from webapp.models import Movie
from webapp.services.cards import build_card_lists, load_movies
from webapp.services.member_model import PICKS_PER_PAGE, picks_for_current_user
from webapp.services.ratings import STARS, parse_stars, rated_movies, rating_count, remove_rating, save_ratings
from webapp.services.recommender import get_recommender
from webapp.site.ids import parse_id
from webapp.site.replies import answer

bp = Blueprint("picks", __name__)
PROFILE_TOP_RATED = 12
MAX_PICKS_PAGE = 20  # 240 picks: past that the list says little about the member


class RatingForm(FlaskForm):
    """Rate a movie 1-5 (`services.ratings.STARS`; the "Clear" button posts the same form to `clear_rating`)."""

    stars = StringField(_l("Your rating"), validators=[InputRequired(), AnyOf(STARS)])
    submit = SubmitField(_l("Save rating"))


@bp.route("/picks")
@login_required
def my_picks():
    """The signed-in user's picks, a page (`?page=`) at a time, refreshed from their ratings on every load."""
    page = min(parse_id(request.args.get("page")) or 1, MAX_PICKS_PAGE)
    picks = picks_for_current_user(page=page)
    return render_template("picks/picks.html", picks=picks, page=page,
                           has_next=page < MAX_PICKS_PAGE and len(picks) == PICKS_PER_PAGE)


@bp.route("/ratings")
@login_required
def my_ratings():
    """The signed-in user's ratings, each changeable and removable."""
    return render_template("picks/ratings.html", ratings=rated_movies(current_user.id))


def known_movie_of_member(movie_id: int, signed_out_message: str | None = None):
    """None when the movie exists and a member is signed in; a 404 for an unknown movie; for a visitor, the
    sign-in page (with `signed_out_message`) that then returns to the movie (these URLs answer POST only)."""
    if db.session.get(Movie, movie_id) is None:
        abort(404)
    if not current_user.is_authenticated:
        flash(signed_out_message or _("Please sign in to rate movies."), "info")
        return redirect(url_for("accounts.login", next=url_for("catalog.movie", movie_id=movie_id)))
    return None


@bp.route("/movies/<id:movie_id>/rate", methods=["POST"])
def rate(movie_id: int):
    """Save the user's rating (1-5 `stars`; anything else is a 400). The page's script gets JSON."""
    if (signed_out := known_movie_of_member(movie_id)) is not None:
        return signed_out
    form = RatingForm()
    if not form.validate():
        abort(400)
    stars = parse_stars(form.stars.data)
    save_ratings(current_user.id, {movie_id: stars})
    return _rating_answer(_("Rating saved. Your picks are updated."), movie_id, stars)


@bp.route("/movies/<id:movie_id>/rating/clear", methods=["POST"])
def clear_rating(movie_id: int):
    """Remove the user's rating of the movie (nothing to remove is fine). The page's script gets JSON."""
    if (signed_out := known_movie_of_member(movie_id)) is not None:
        return signed_out
    remove_rating(current_user.id, movie_id)
    return _rating_answer(_("Rating removed."), movie_id, None)


def _rating_answer(message: str, movie_id: int, stars: int | None):
    rated = rating_count(current_user.id)
    return answer(message, url_for("catalog.movie", movie_id=movie_id), movie_id=movie_id, stars=stars,
                  rated=rated, rated_message=ngettext("%(num)d rated: your picks are ready",
                                                      "%(num)d rated: your picks are ready", rated))


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
