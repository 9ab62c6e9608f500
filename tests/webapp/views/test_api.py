"""The JSON API: recommendation lists and card data."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("path, method", [("/api/movies/2/similar", "similar"),
                                          ("/api/movies/2/also-liked", "also_liked")])
def test_movie_recommendations(client, recommender, path, method):
    body = client.get(path).get_json()
    expected = getattr(recommender, method)(2, k=10)
    assert [(item["movie_id"], item["score"]) for item in body] == [(m, pytest.approx(s)) for m, s in expected]
    assert all(isinstance(item["title"], str) and item["title"] for item in body)
    assert body[0]["url"] == f"/movies/{body[0]['movie_id']}" and body[0]["poster_url"] is None
    assert len(client.get(f"{path}?k=3").get_json()) == 3


def test_user_picks(client, recommender):
    user_id = int(recommender.user_ids[1])
    body = client.get(f"/api/users/{user_id}/picks?k=5").get_json()
    assert [item["movie_id"] for item in body] == [m for m, _ in recommender.for_user(user_id, k=5)]
    assert {"movie_id", "title", "score", "title_zh", "year", "genres"} <= set(body[0])


@pytest.mark.parametrize("path", ["/api/movies/999999/similar", "/api/movies/999999/also-liked",
                                  "/api/users/999999/picks", "/api/movies/abc/similar", "/api/nothing"])
def test_unknown_ids_are_json_404s(client, path):
    response = client.get(path)
    assert response.status_code == 404 and response.is_json and "error" in response.get_json()


@pytest.mark.parametrize("query", ["k=0", "k=101", "k=abc", "k=²"])
def test_bad_k_is_a_400(client, query):
    response = client.get(f"/api/movies/2/similar?{query}")
    assert response.status_code == 400 and response.is_json


def test_cards_give_current_info_for_the_page_script(client):
    body = client.get("/api/movies/cards?ids=2,1,2,999999").get_json()
    assert [item["movie_id"] for item in body] == [2, 1]
    assert body[0]["title"] == "The Shawshank Redemption" and body[0]["score"] is None
    for bad in ("", "ids=", "ids=1,x", "ids=²", "ids=" + ",".join(["1"] * 101)):
        assert client.get(f"/api/movies/cards?{bad}").status_code == 400
