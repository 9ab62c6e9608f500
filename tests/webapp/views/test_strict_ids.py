"""Ids are read one way only, in paths and in query strings: ASCII digits, no sign, no leading zero, within
the database's integer range. Anything else is a 404 (path) or a 400 (API query), never a 500 or a second URL
for the same page."""
from __future__ import annotations

import pytest

HUGE = "9" * 20


@pytest.mark.parametrize("path", ["/movies/01", "/movies/٣", "/movies/２", "/movies/١٢", "/movies/１２",
                                  "/users/１２", "/api/movies/١٢/similar", "/movies/+2", "/movies/0",
                                  "/movies/2147483648", f"/movies/{HUGE}", "/posters/02", "/users/01",
                                  "/api/movies/02/similar", "/movies/002/rate"])
def test_ids_written_another_way_match_no_page(client, path):
    response = client.get(path) if not path.endswith("/rate") else client.post(path)
    assert response.status_code == 404


def test_the_one_spelling_of_an_id_serves_the_page(client):
    assert client.get("/movies/2").status_code == 200
    assert client.get("/movies/2147483647").status_code == 404  # the largest id: in range, no such movie


@pytest.mark.parametrize("ids", [HUGE, "2," + HUGE, "2147483648", "02", "٣", "2,-3", "2,,x", "+2"])
def test_card_ids_out_of_range_or_misspelled_are_a_400(client, ids):
    response = client.get(f"/api/movies/cards?ids={ids}")
    assert response.status_code == 400 and "ids must be" in response.get_json()["error"]


def test_card_ids_written_the_one_way_answer(client):
    response = client.get("/api/movies/cards?ids=2,3,2")
    assert response.status_code == 200 and [card["movie_id"] for card in response.get_json()] == [2, 3]


@pytest.mark.parametrize("k", ["010", "٣", "+5", HUGE, "0", "101"])
def test_k_written_another_way_is_a_400(client, k):
    assert client.get(f"/api/movies/2/similar?k={k}").status_code == 400


@pytest.mark.parametrize("query", [f"page={HUGE}", "page=٣", "page=02", f"year={HUGE}", "year=１９９５", "year=-5"])
def test_browse_ignores_misspelled_page_and_year(client, query):
    assert client.get(f"/movies?{query}").status_code == 200


def test_parse_id_reads_only_the_one_spelling():
    from webapp.site.ids import MAX_ID, parse_id

    assert [parse_id(raw) for raw in ("1", "42", str(MAX_ID))] == [1, 42, MAX_ID]
    assert [parse_id(raw) for raw in ("0", "01", "٣", " 1", "1 ", "+1", "-1", str(MAX_ID + 1), "", None)] == \
        [None] * 10
    assert parse_id("100", maximum=99) is None
