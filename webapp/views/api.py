"""JSON API: the same recommendations as the pages, and card data for refreshing posters in place."""
from collections.abc import Callable

from flask import Blueprint, abort, jsonify, request, url_for
from movrec.recommender import UnknownMovie, UnknownUser

from webapp.services.cards import Card, build_card_lists, load_movies
from webapp.services.recommender import get_recommender
from webapp.site.ids import parse_id
from webapp.site.templating import poster_url

bp = Blueprint("api", __name__, url_prefix="/api")
DEFAULT_K = 10
MAX_K = 100
MAX_CARD_IDS = 100


def _k() -> int:
    k = parse_id(request.args.get("k", str(DEFAULT_K)), maximum=MAX_K)
    if k is None:
        abort(400, f"k must be a whole number from 1 to {MAX_K}")
    return k


def _card_json(card: Card) -> dict:
    movie, info = card.movie, card.movie.info
    cached = info is not None and info.is_cached
    return {
        "movie_id": movie.id,
        "title": movie.title,
        "title_zh": info.title_zh if cached else None,
        "year": movie.year,
        "genres": movie.genre_list,
        "score": card.score,
        "douban_rating": info.douban_rating if cached else None,
        "poster_url": poster_url(movie),
        "url": url_for("catalog.movie", movie_id=movie.id),
    }


def _recommendations(ask: Callable[[], list[tuple[int, float]]], unknown: type[Exception]):
    """The cards of the list `ask()` returns, as JSON; a 404 when it raises `unknown` (no such movie or user)."""
    try:
        pairs = ask()
    except unknown:
        abort(404)
    cards, = build_card_lists([pairs])
    return jsonify([_card_json(card) for card in cards])


@bp.route("/movies/<id:movie_id>/similar")
def similar(movie_id: int):
    """Movies like this one (content and taste), best first."""
    return _recommendations(lambda: get_recommender().similar(movie_id, k=_k()), UnknownMovie)


@bp.route("/movies/<id:movie_id>/also-liked")
def also_liked(movie_id: int):
    """Movies liked by the people who liked this one, best first."""
    return _recommendations(lambda: get_recommender().also_liked(movie_id, k=_k()), UnknownMovie)


@bp.route("/users/<id:user_id>/picks")
def user_picks(user_id: int):
    """The model's picks for a MovieLens user of the dataset."""
    return _recommendations(lambda: get_recommender().for_user(user_id, k=_k()), UnknownUser)


@bp.route("/movies/cards")
def cards():
    """Current card data (poster, Chinese title) for `ids=1,2,3`; the page script polls this."""
    ids = [parse_id(part) for part in request.args.get("ids", "").split(",") if part]
    if not ids or len(ids) > MAX_CARD_IDS or None in ids:
        abort(400, f"ids must be 1 to {MAX_CARD_IDS} comma-separated movie ids")
    movies = load_movies(ids)
    return jsonify([_card_json(Card(movies[i])) for i in dict.fromkeys(ids) if i in movies])
