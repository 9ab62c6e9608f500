"""Rating and clearing from the page's script (JSON answers), the onboarding's count, and paged picks."""
from __future__ import annotations

from sqlalchemy import select

from tests.webapp.helpers import csrf_token, register
from tests.webapp.views.test_picks import card_ids, saved_ratings
from webapp.extensions import db
from webapp.models import HiddenMovie

JSON = {"Accept": "application/json"}


def test_the_script_gets_json_and_the_count_of_ratings(app, client):
    register(client, "quinn")
    token = csrf_token(client, "/movies/2")
    reply = client.post("/movies/2/rate", data={"csrf_token": token, "stars": "5"}, headers=JSON)
    assert reply.status_code == 200 and reply.is_json
    assert reply.json["stars"] == 5 and reply.json["rated"] == 1
    assert reply.json["rated_message"] == "1 rated: your picks are ready"
    assert reply.json["message"] == "Rating saved. Your picks are updated."
    client.post("/movies/3/rate", data={"csrf_token": token, "stars": "2"}, headers=JSON)
    assert saved_ratings(app) == {2: 5, 3: 2}
    cleared = client.post("/movies/2/rating/clear", data={"csrf_token": token}, headers=JSON)
    assert cleared.status_code == 200 and cleared.json["stars"] is None and cleared.json["rated"] == 1
    assert saved_ratings(app) == {3: 2}


def test_clearing_needs_csrf_a_member_and_a_known_movie(app, client):
    assert client.post("/movies/2/rating/clear", data={}).status_code == 400  # no CSRF token
    register(client, "rosa")
    token = csrf_token(client, "/movies/2")
    client.post("/movies/2/rate", data={"csrf_token": token, "stars": "4"})
    assert client.post("/movies/2/rating/clear", data={}).status_code == 400
    assert client.post("/movies/999999/rating/clear", data={"csrf_token": token}).status_code == 404
    assert client.get("/movies/2/rating/clear").status_code == 405
    assert saved_ratings(app) == {2: 4}


def test_clearing_signed_out_goes_to_sign_in(client):
    token = csrf_token(client, "/login")
    response = client.post("/movies/2/rating/clear", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/login?next=/movies/2"


def test_onboarding_shows_saved_ratings_and_their_count(app, client, recommender):
    register(client, "sven")
    offered = recommender.onboarding(k=30)
    token = csrf_token(client, "/welcome")
    for movie_id in offered[:2]:
        client.post(f"/movies/{movie_id}/rate", data={"csrf_token": token, "stars": "4"}, headers=JSON)
    html = client.get("/welcome").get_data(as_text=True)
    assert "2 rated: your picks are ready" in html
    assert f'id="stars-{offered[0]}-4" name="stars-{offered[0]}" value="4" checked' in html
    assert f'data-rate-url="/movies/{offered[0]}/rate"' in html
    # "Skip" keeps what is saved and adds what the form still holds (nothing is lost without the script).
    response = client.post("/welcome", data={"csrf_token": token, "skip": "1", f"stars-{offered[2]}": "1"})
    assert response.status_code == 302 and response.headers["Location"] == "/picks"
    assert saved_ratings(app) == {offered[0]: 4, offered[1]: 4, offered[2]: 1}


def test_picks_come_a_page_at_a_time(app, client, recommender):
    register(client, "tara", gender="M", age=35, occupation=7)
    first = card_ids(client.get("/picks").get_data(as_text=True), "picks")
    page2_html = client.get("/picks?page=2").get_data(as_text=True)
    second = card_ids(page2_html, "picks")
    expected = [m for m, _ in recommender.for_new_user("M", 35, 7, {}, k=24)]
    assert first == expected[:12] and second == expected[12:24]
    assert 'href="/picks?page=3"' in page2_html and 'href="/picks"' in page2_html
    assert card_ids(client.get("/picks?page=1").get_data(as_text=True), "picks") == first
    assert card_ids(client.get("/picks?page=abc").get_data(as_text=True), "picks") == first


def test_hidden_movies_never_appear_in_picks(app, client, recommender):
    register(client, "uma", gender="F", age=18, occupation=4)
    first = card_ids(client.get("/picks").get_data(as_text=True), "picks")
    token = csrf_token(client, "/picks")
    hidden = first[:3]
    for movie_id in hidden:
        assert client.post(f"/movies/{movie_id}/hide", data={"csrf_token": token, "on": "1"}).status_code == 302
    after = card_ids(client.get("/picks").get_data(as_text=True), "picks")
    assert not set(after) & set(hidden)
    assert after == [m for m, _ in recommender.for_new_user("F", 18, 4, {}, k=12, exclude=hidden)]
    assert after[:9] == first[3:]
    home = client.get("/").get_data(as_text=True)
    assert not set(card_ids(home, "picks")) & set(hidden)
    with app.app_context():
        assert set(db.session.scalars(select(HiddenMovie.movie_id))) == set(hidden)
    client.post(f"/movies/{hidden[0]}/hide", data={"csrf_token": token, "on": "0"})
    assert hidden[0] in card_ids(client.get("/picks").get_data(as_text=True), "picks")
