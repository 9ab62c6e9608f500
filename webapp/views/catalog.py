"""The catalogue: home, browsing and search, movie pages, posters, the model page, health check."""
from math import isnan

from flask import Blueprint, abort, current_app, render_template, request, send_from_directory
from flask_login import current_user
from movrec.artifacts import LOSS_CURVE
from movrec.dataset import GENRES
from movrec.recommender import UnknownMovie

from webapp.extensions import db
from webapp.models import MovieInfo
from webapp.services import health, page_cache
from webapp.services.cards import ask_for_missing_info, build_card_lists, info_version, info_version_of, load_movies
from webapp.services.browsing import (FOR_ME, SORT_LABELS, browse_page, chinese_titles_fetched, has_cjk,
                                      page_window, parse_browse_args)
from webapp.services.catalog import decades, home_rows
from webapp.services.demo_profiles import demo_profiles
from webapp.services.member_marks import member_marks
from webapp.services.member_model import picks_for_current_user, predicted_for_current_user
from webapp.services.recommender import artifacts_dir, get_recommender
from webapp.site.ids import parse_id

bp = Blueprint("catalog", __name__)
TOP_MOVIES = 12
PER_GENRE = 8
HOME_GENRES = 4  # rows on the home page: the most rated genres; the others are links
RECOMMENDATIONS = 10
DEMO_PROFILES = 8
POSTER_MAX_AGE = 30 * 24 * 3600


@bp.route("/")
def home():
    """What the site is, one search box; the signed-in user's picks, the best-liked movies, rows for the most rated
    genres and links to the others, and the dataset's members described."""
    key = page_cache.page_key()
    if (cached := page_cache.cached_page(key)) is not None:
        return cached
    top_ids, all_genre_ids = home_rows(GENRES, TOP_MOVIES, PER_GENRE)
    genre_ids = dict(list(all_genre_ids.items())[:HOME_GENRES])
    shown = tuple(dict.fromkeys([*top_ids, *(i for ids in genre_ids.values() for i in ids)]))
    version = info_version(shown) if key else None
    genres = list(genre_ids)
    top, *genre_rows = build_card_lists([[(i, None) for i in top_ids]] +
                                        [[(i, None) for i in genre_ids[g]] for g in genres])
    picks = picks_for_current_user() if current_user.is_authenticated else None
    body = render_template("catalog/home.html", picks=picks, top=top, genre_rows=list(zip(genres, genre_rows)),
                           more_genres=list(all_genre_ids)[HOME_GENRES:], demo_profiles=demo_profiles(DEMO_PROFILES))
    page_cache.store_page(key, shown, version, body)
    return body


@bp.route("/movies")
def browse():
    """Movies by genre, year range or decade and title (English, or Chinese once cached), sorted as asked,
    with numbered pages; bad parameters are dropped with a message."""
    signed_in = current_user.is_authenticated
    asked = parse_browse_args(request.args, signed_in)
    ratings = member_marks().ratings if signed_in and asked.sort == FOR_ME else None
    predicted = (lambda ids: predicted_for_current_user(ids, ratings)) if ratings is not None else None
    results = browse_page(asked, current_app.config["MOVIES_PER_PAGE"], predicted)
    ask_for_missing_info(results.items)
    stars = {}
    if predicted is not None:
        shown = predicted([m.id for m in results.items])
        stars = {m.id: float(s) for m, s in zip(results.items, shown) if not isnan(s)}
    fetched = chinese_titles_fetched() if has_cjk(asked.text) else None
    return render_template("catalog/browse.html", results=results, asked=asked, stars=stars, fetched=fetched,
                           genres=GENRES, decades=decades(), sorts=SORT_LABELS, for_me=FOR_ME,
                           window=page_window(results.page, results.pages))


@bp.route("/movies/<id:movie_id>")
def movie(movie_id: int):
    """A movie with its info, ratings, the user's rating widget, similar and also-liked movies."""
    key = page_cache.page_key()
    if (cached := page_cache.cached_page(key)) is not None:
        return cached
    recommender = get_recommender()
    try:
        similar = recommender.similar(movie_id, k=RECOMMENDATIONS)
        also_liked = recommender.also_liked(movie_id, k=RECOMMENDATIONS)
    except UnknownMovie:  # in the catalogue but unknown to the model (e.g. never rated), or no such movie
        similar, also_liked = [], []
    shown = (movie_id, *(m for m, _ in similar), *(m for m, _ in also_liked))
    movies = load_movies(shown)  # the movie and every card in one query
    movie = movies.get(movie_id)
    if movie is None:
        abort(404)
    version = info_version_of(movies.values()) if key else None
    similar_cards, also_liked_cards = build_card_lists([similar, also_liked], also_shown=[movie], movies=movies)
    my_rating = predicted = None
    if current_user.is_authenticated:  # visitors get no form, so no session cookie
        ratings = member_marks().ratings  # the same read the cards' member controls use
        my_rating = ratings.get(movie_id)
        stars = float(predicted_for_current_user([movie_id], ratings)[0])
        predicted = None if isnan(stars) else stars
    body = render_template("catalog/movie.html", movie=movie, similar=similar_cards, also_liked=also_liked_cards,
                           my_rating=my_rating, predicted=predicted)
    page_cache.store_page(key, shown, version, body)
    return body


@bp.route("/posters/<id:movie_id>")
def poster(movie_id: int):
    """The movie's poster from the site's own storage (404 until the worker has stored one)."""
    info = db.session.get(MovieInfo, movie_id)
    if info is None or not info.poster_path:
        abort(404)
    return send_from_directory(current_app.config["POSTER_DIR"], info.poster_path, max_age=POSTER_MAX_AGE)


@bp.route("/model")
def model():
    """About the model: its metrics and loss curve."""
    has_curve = (artifacts_dir() / LOSS_CURVE).is_file()
    return render_template("catalog/model.html", metrics=get_recommender().metrics, has_curve=has_curve)


@bp.route("/model/loss-curve.png")
def loss_curve():
    """The training loss-curve image from the artifacts directory."""
    return send_from_directory(artifacts_dir(), LOSS_CURVE, max_age=3600)


@bp.route("/healthz")
def healthz():
    """Readiness: 200 `{"status": "ok"}` when everything answers; 200 `{"status": "degraded", "degraded":
    {part: why}}` when only an optional part (broker, limiter store) does not; 503 `{"status": "error",
    "errors": {part: why}, ...}` when an essential one (database, migrations, artifacts) does not."""
    errors, degraded = health.essential_problems(), health.degraded_parts()
    body = {"status": "error" if errors else "degraded" if degraded else "ok"}
    if errors:
        body["errors"] = errors
    if degraded:
        body["degraded"] = degraded
    return body, 503 if errors else 200
