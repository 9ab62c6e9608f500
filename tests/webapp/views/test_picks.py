"""My picks, my ratings, rating a movie, and the dataset's demo profiles."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.webapp.helpers import csrf_token, rate, register
from webapp.extensions import db
from webapp.models import Rating


def card_ids(html: str, container_id: str) -> list[int]:
    start = html.index(f'id="{container_id}"')
    end = html.find("</section>", start)
    end = end if end != -1 else len(html)
    return [int(i) for i in re.findall(r'class="movie-card" data-movie-id="(\d+)"', html[start:end])]


def saved_ratings(app) -> dict[int, int]:
    with app.app_context():
        return dict(db.session.execute(select(Rating.movie_id, Rating.stars)).all())


def test_pages_of_my_own_need_signing_in(client):
    for url in ("/picks", "/ratings", "/welcome"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith(f"/login?next=")
    response = client.post("/movies/2/rate", data={"stars": "4"})
    assert response.status_code in (302, 400)


def test_picks_come_from_demographics_right_after_registering(client, recommender):
    register(client, "lena", gender="M", age=50, occupation=13)
    html = client.get("/picks").get_data(as_text=True)
    expected = [m for m, _ in recommender.for_new_user("M", 50, 13, {}, k=12)]
    assert card_ids(html, "picks") == expected
    assert "Because you rated" not in html


def test_rating_refines_picks_and_explains_them(app, client, recommender):
    register(client, "mia", gender="F", age=25, occupation=4)
    before = card_ids(client.get("/picks").get_data(as_text=True), "picks")
    liked = {m: 5 for m in recommender.onboarding(k=30)[:4]}
    for movie_id, stars in liked.items():
        assert rate(client, movie_id, stars).status_code == 302
    html = client.get("/picks").get_data(as_text=True)
    after = card_ids(html, "picks")
    assert after == [m for m, _ in recommender.for_new_user("F", 25, 4, liked, k=12)]
    assert after != before and not set(after) & set(liked)
    predicted = recommender.predicted_stars(recommender.new_user_vectors("F", 25, 4, liked)[1], liked, after)
    assert all(f"{stars:.1f}★ for you" in html for stars in predicted) and all(1 <= s <= 5 for s in predicted)
    hints = recommender.because(recommender.new_user_vectors("F", 25, 4, liked)[0], liked, after)
    explained = [m for m, b in hints.items() if b is not None]
    assert explained, "the model should explain at least one pick from four 5-star ratings"
    from webapp.models import Movie
    with app.app_context():
        title = db.session.get(Movie, hints[explained[0]]).title
    assert f"Because you rated {title}" in html


def test_rate_saves_changes_and_removes_a_rating(app, client):
    register(client, "nina")
    response = rate(client, 2, 4)
    assert response.status_code == 302 and response.headers["Location"] == "/movies/2"
    assert saved_ratings(app) == {2: 4}
    html = client.get("/movies/2").get_data(as_text=True)
    assert re.search(r'id="stars-2-4" name="stars" value="4" checked', html)
    assert 'formaction="/movies/2/rating/clear"' in html
    rate(client, 2, 1)
    assert saved_ratings(app) == {2: 1}
    ratings_page = client.get("/ratings").get_data(as_text=True)
    assert 'id="my-ratings"' in ratings_page and 'data-movie-id="2"' in ratings_page
    token = csrf_token(client, "/ratings")
    response = client.post("/movies/2/rating/clear", data={"csrf_token": token, "stars": "1", "next": "/ratings"})
    assert response.status_code == 302 and response.headers["Location"] == "/ratings"
    assert saved_ratings(app) == {}
    again = client.post("/movies/2/rating/clear", data={"csrf_token": token})
    assert again.status_code == 302 and saved_ratings(app) == {}


@pytest.mark.parametrize("stars", ["0", "6", "-1", "abc", "", "4.5", "3.5", "1e1", "9" * 30])
def test_ratings_outside_one_to_five_are_rejected(app, client, stars):
    register(client, "otto")
    rate(client, 3, 3)
    response = rate(client, 3, stars)
    assert response.status_code == 400 and "The request could not be understood." in response.get_data(as_text=True)
    assert saved_ratings(app) == {3: 3}


def test_rating_needs_csrf_and_a_known_movie(app, client):
    register(client, "pia")
    assert client.post("/movies/2/rate", data={"stars": "4"}).status_code == 400
    token = csrf_token(client, "/movies/2")
    assert client.post("/movies/999999/rate", data={"csrf_token": token, "stars": "4"}).status_code == 404
    assert client.post(f"/movies/{'9' * 25}/rate", data={"csrf_token": token, "stars": "4"}).status_code == 404
    assert saved_ratings(app) == {}


def test_demo_profile_shows_top_rated_movies_and_model_picks(client, recommender):
    user_id = int(recommender.user_ids[0])
    html = client.get(f"/users/{user_id}").get_data(as_text=True)
    ratings = recommender.user_ratings(user_id)
    shown = card_ids(html, "top-rated")
    assert shown and all(m in ratings for m in shown)
    assert [ratings[m] for m in shown] == sorted((ratings[m] for m in shown), reverse=True)
    assert ratings[shown[0]] == max(ratings.values())
    assert card_ids(html, "profile-picks") == [m for m, _ in recommender.for_user(user_id, k=12)]
    gender, age, occupation = recommender.user_demographics(user_id)
    from webapp.site.i18n import AGE_LABELS, GENDER_LABELS, OCCUPATION_LABELS
    assert f"{GENDER_LABELS[gender]} · {AGE_LABELS[age]} · {OCCUPATION_LABELS[occupation]}" in html


def test_picks_are_computed_again_only_when_what_they_come_from_changes(client, recommender, monkeypatch):
    from movrec.recommender import Recommender

    runs = []
    explained_picks = Recommender.explained_picks
    monkeypatch.setattr(Recommender, "explained_picks", lambda self, *a, **kw: runs.append(1) or
                        explained_picks(self, *a, **kw))
    register(client, "noor", gender="F", age=35, occupation=2)
    liked = recommender.onboarding(k=30)[:3]
    for movie_id in liked:
        rate(client, movie_id, 5)
    first = client.get("/picks").get_data(as_text=True)
    assert len(runs) == 1
    assert client.get("/picks").get_data(as_text=True).count("movie-card") == first.count("movie-card")
    assert len(runs) == 1  # the same page again: kept
    client.get("/picks?page=2")
    assert len(runs) == 2  # another page is computed on its own
    rate(client, liked[0], 1)  # the same movies rated, one with other stars
    changed = card_ids(client.get("/picks").get_data(as_text=True), "picks")
    assert len(runs) == 3
    assert changed == [m for m, _ in recommender.for_new_user("F", 35, 2, {liked[0]: 1, liked[1]: 5, liked[2]: 5},
                                                              k=12)]
    top = changed[0]
    client.post(f"/movies/{top}/hide", data={"csrf_token": csrf_token(client, "/picks"), "on": "1"})
    assert top not in card_ids(client.get("/picks").get_data(as_text=True), "picks")
    assert len(runs) == 4
