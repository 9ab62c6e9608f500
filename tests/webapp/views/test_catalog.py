"""Catalogue pages: home, browsing and search, movie pages, posters, the model page, health."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from tests.webapp.helpers import register, web_config
from webapp.extensions import db
from webapp.models import Movie, MovieInfo


def cache_info(app, movie_id: int, **values) -> None:
    """Store Douban info for a movie as the worker would."""
    with app.app_context():
        info = db.session.get(MovieInfo, movie_id) or MovieInfo(movie_id=movie_id)
        defaults = {"status": "ok", "attempts": 1, "fetched_at": datetime(2026, 1, 2, tzinfo=timezone.utc)}
        for key, value in {**defaults, **values}.items():
            setattr(info, key, value)
        db.session.add(info)
        db.session.commit()


def movie_ids_in(html: str, container_id: str) -> list[int]:
    """The movie ids of the cards inside the element with this id (up to the next section)."""
    start = html.index(f'id="{container_id}"')
    end = html.find("</section>", start)
    return [int(i) for i in re.findall(r'class="movie-card" data-movie-id="(\d+)"', html[start:end])]


def test_home_for_visitors_shows_search_top_movies_and_a_few_genre_rows(client):
    html = client.get("/").get_data(as_text=True)
    assert 'id="search"' in html and 'name="q"' in html
    assert len(movie_ids_in(html, "top-movies")) == 12
    assert html.count('class="genre-row"') == 4
    more = html[html.index('id="more-genres"'):html.index('id="demo-profiles"')]
    shown = set(re.findall(r'data-genre="([^"]+)"', html))
    linked = set(re.findall(r'href="/movies\?genre=([^"]+)"', more))
    assert linked and not shown & linked  # the other genres are links to browse
    assert 'id="picks"' not in html
    assert "/users/" in html  # links to the demo profiles


def test_home_for_a_signed_in_user_shows_their_picks(client):
    register(client)
    html = client.get("/").get_data(as_text=True)
    assert len(movie_ids_in(html, "picks")) > 0


def test_browse_filters_by_genre_and_year_and_paginates(app, client):
    with app.app_context():
        horror = set(db.session.scalars(select(Movie.id).where(Movie.genres.contains("Horror"))))
        year = db.session.scalar(select(Movie.year).where(Movie.id == 2))
        of_year = set(db.session.scalars(select(Movie.id).where(Movie.year == year)))
    page1 = movie_ids_in(client.get("/movies?genre=Horror").get_data(as_text=True), "results")
    page2 = movie_ids_in(client.get("/movies?genre=Horror&page=2").get_data(as_text=True), "results")
    assert set(page1) | set(page2) <= horror and len(page1) == min(24, len(horror))
    assert not set(page1) & set(page2)
    assert len(horror) <= 24 or page2
    assert set(movie_ids_in(client.get(f"/movies?year={year}").get_data(as_text=True), "results")) == of_year
    last = client.get("/movies?page=999").get_data(as_text=True)  # beyond the end: the last page
    assert movie_ids_in(last, "results") and 'aria-current="page"' in last
    assert client.get("/movies?page=abc&year=x").status_code == 200


def test_search_finds_english_titles_and_cached_chinese_titles(app, client):
    html = client.get("/movies?q=shawshank").get_data(as_text=True)
    assert movie_ids_in(html, "results") == [2]
    assert movie_ids_in(client.get("/movies?q=肖申克").get_data(as_text=True), "results") == []
    cache_info(app, 2, title_zh="肖申克的救赎")
    assert movie_ids_in(client.get("/movies?q=肖申克").get_data(as_text=True), "results") == [2]
    assert movie_ids_in(client.get("/movies?q=%25").get_data(as_text=True), "results") == []  # no wildcard


def test_movie_page_shows_facts_ratings_and_recommendations(client, recommender):
    html = client.get("/movies/2").get_data(as_text=True)
    assert "The Shawshank Redemption" in html and "1994" in html
    assert 'id="movielens-rating"' in html and 'id="douban-rating"' not in html
    assert movie_ids_in(html, "similar") == [m for m, _ in recommender.similar(2, k=10)]
    assert movie_ids_in(html, "also-liked") == [m for m, _ in recommender.also_liked(2, k=10)]
    assert 'href="/movies/' in html[html.index('id="similar"'):]
    assert "poster-placeholder" in html and "Sign in to rate" in html


def test_movie_page_shows_cached_chinese_title_above_english_and_poster(app, client):
    posters = app.config["POSTER_DIR"]
    import os
    os.makedirs(posters, exist_ok=True)
    with open(os.path.join(posters, "p2.jpg"), "wb") as fh:
        fh.write(b"\xff\xd8\xff poster bytes")
    cache_info(app, 2, title_zh="肖申克的救赎", douban_rating=9.7, poster_path="p2.jpg")
    html = client.get("/movies/2").get_data(as_text=True)
    heading = html[html.index("<h1>"):html.index("</h1>")]
    assert heading.index("肖申克的救赎") < heading.index("The Shawshank Redemption")
    assert 'id="douban-rating"' in html and "9.7" in html
    poster = re.search(r'<img src="(/posters/2\?v=\d+)"', html).group(1)
    response = client.get(poster)
    assert response.status_code == 200 and response.data == b"\xff\xd8\xff poster bytes"


def test_posters_are_404_until_stored(client):
    assert client.get("/posters/2").status_code == 404
    assert client.get("/posters/999999").status_code == 404


HUGE = "9" * 25


@pytest.mark.parametrize("url", ["/movies/999999", "/movies/abc", "/movies/-1", "/users/999999", "/users/x",
                                 "/nowhere", "/posters/abc", f"/movies/{HUGE}", f"/users/{HUGE}", f"/posters/{HUGE}",
                                 "/movies/2147483648", f"/api/movies/{HUGE}/similar", f"/api/users/{HUGE}/picks"])
def test_unknown_ids_are_friendly_404_pages(client, url):
    response = client.get(url)
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    if url.startswith("/api/"):
        assert response.get_json() == {"error": "not found"}
    else:
        assert 'id="error"' in html and 'href="/"' in html


def test_out_of_range_filters_do_not_break_browsing(client):
    for query in (f"page={HUGE}", f"year={HUGE}", "year=-5", f"genre={HUGE}", "q=" + "x" * 5000):
        assert client.get(f"/movies?{query}").status_code == 200, query


def test_scraped_and_user_text_is_escaped(app, client):
    cache_info(app, 2, title_zh="<script>alert(1)</script>", original_title="<b>x</b>")
    html = client.get("/movies/2").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>x</b>" not in html
    html = client.get('/movies?q="><script>x</script>').get_data(as_text=True)
    assert "<script>x</script>" not in html


def test_model_page_shows_metrics_and_loss_curve(client, recommender):
    html = client.get("/model").get_data(as_text=True)
    rmse = recommender.metrics["test_rmse"]
    assert 'data-metric="test_rmse"' in html and f"{rmse:.4g}" in html
    assert 'id="loss-curve"' in html
    image = client.get("/model/loss-curve.png")
    assert image.status_code == 200 and image.data.startswith(b"\x89PNG")


def test_every_page_sends_security_headers(client):
    response = client.get("/movies/2")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in response.get_data(as_text=True)  # no inline scripts the CSP would block


def test_movie_page_shows_newly_cached_info_on_the_next_load(app, client):
    first = client.get("/movies/2").get_data(as_text=True)
    assert "肖申克的救赎" not in first and 'data-pending="1"' in first
    assert client.get("/movies/2").get_data(as_text=True) == first  # unchanged data, same page
    cache_info(app, 2, title_zh="肖申克的救赎")
    assert "肖申克的救赎" in client.get("/movies/2").get_data(as_text=True)
    similar_id = movie_ids_in(first, "similar")[0]
    cache_info(app, similar_id, title_zh="相似的电影")
    assert "相似的电影" in client.get("/movies/2").get_data(as_text=True)


def test_version_of_loaded_movies_matches_the_version_query(app):
    """A movie page takes its cache version from the rows it loaded; a later hit checks it with the query."""
    from webapp.services.cards import info_version, info_version_of, load_movies

    cache_info(app, 3, title_zh="三")
    cache_info(app, 5, title_zh="五")
    with app.app_context():
        ids = [3, 4, 5, 6]
        assert info_version_of(load_movies(ids).values()) == info_version(ids) != ()


def test_visitors_pages_are_kept_apart_by_language_and_from_signed_in_users(client):
    assert "Similar movies" in client.get("/movies/2").get_data(as_text=True)
    assert "相似电影" in client.get("/movies/2", headers={"Accept-Language": "zh"}).get_data(as_text=True)
    register(client, "rosa")
    html = client.get("/movies/2").get_data(as_text=True)
    assert 'id="rating-form"' in html and "rosa" in html


def test_home_shows_newly_cached_info_on_the_next_load(app, client):
    first = client.get("/").get_data(as_text=True)
    top_id = movie_ids_in(first, "top-movies")[0]
    cache_info(app, top_id, title_zh="最受欢迎")
    assert "最受欢迎" in client.get("/").get_data(as_text=True)
