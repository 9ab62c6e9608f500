"""Browsing /movies: sort orders, year range and decade, numbered pages, bad parameters, ratings on cards,
and the note on Chinese titles still being fetched."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.webapp.helpers import rate, register
from tests.webapp.views.test_catalog import cache_info, movie_ids_in
from webapp.extensions import db
from webapp.models import Movie
from webapp.services.browsing import page_window
from webapp.services.catalog import PRIOR_MEAN, PRIOR_RATINGS

PER_PAGE = 24


def all_movies(app) -> list[Movie]:
    with app.app_context():
        movies = list(db.session.scalars(select(Movie)))
        db.session.expunge_all()
        return movies


def liked(movie: Movie) -> float:
    if not movie.rating_count:
        return float("-inf")
    return (movie.rating_mean * movie.rating_count + PRIOR_MEAN * PRIOR_RATINGS) / (movie.rating_count + PRIOR_RATINGS)


def year_key(movie: Movie, newest: bool) -> tuple:
    return (movie.year is None, -movie.year if newest and movie.year else movie.year or 0, movie.id)


EXPECTED_ORDER = {
    "popular": lambda m: (-m.rating_count, m.id),
    "rating": lambda m: (-liked(m), m.id),
    "newest": lambda m: year_key(m, newest=True),
    "oldest": lambda m: year_key(m, newest=False),
    "title": lambda m: (m.title.lower(), m.id),
}


def results(client, query: str) -> tuple[list[int], str]:
    html = client.get(f"/movies?{query}").get_data(as_text=True)
    return movie_ids_in(html, "results"), html


def problems(html: str) -> list[str]:
    return re.findall(r'class="flash flash-warning param-problem" role="status">([^<]*)<', html)


@pytest.mark.parametrize("sort", sorted(EXPECTED_ORDER))
def test_each_sort_order_lists_the_movies_in_that_order(app, client, sort):
    expected = [m.id for m in sorted(all_movies(app), key=EXPECTED_ORDER[sort])]
    first, html = results(client, f"sort={sort}")
    second, _ = results(client, f"sort={sort}&page=2")
    assert first + second == expected[:2 * PER_PAGE]
    assert re.search(rf'<option value="{sort}" selected>', html)
    assert not problems(html)


def test_predicted_for_me_is_offered_to_members_and_follows_their_predicted_stars(app, client, recommender):
    visitor_ids, html = results(client, "sort=for_me")
    assert 'value="for_me"' not in html
    assert problems(html) == ["Sign in to sort by the stars the model predicts for you."]
    assert visitor_ids == [m.id for m in sorted(all_movies(app), key=EXPECTED_ORDER["rating"])][:PER_PAGE]

    register(client, gender="M", age=35, occupation=12)
    ratings = {2: 5, 7: 1}
    for movie_id, stars in ratings.items():
        rate(client, movie_id, stars)
    ids, html = results(client, "sort=for_me")
    assert 'value="for_me" selected' in html and not problems(html)
    rating_vector = recommender.new_user_vectors("M", 35, 12, ratings)[1]
    movies = sorted(all_movies(app), key=EXPECTED_ORDER["rating"])
    known = [m.id for m in movies if recommender.has_movie(m.id)]
    stars = dict(zip(known, recommender.predicted_stars(rating_vector, ratings, known)))
    expected = sorted(known, key=lambda m: -stars[m])  # stable: equal stars keep the best rated first
    assert ids == expected[:PER_PAGE]
    first_note = re.search(r'class="meta">\d*[^<]*· ([\d.]+)★ for you', html)
    assert first_note and float(first_note.group(1)) == pytest.approx(stars[ids[0]], abs=0.05)


def test_year_range_and_decade_filter_and_combine(app, client):
    movies = [m for m in all_movies(app) if m.year]
    years = sorted({m.year for m in movies})
    low, high = years[1], years[-2]
    in_range = {m.id for m in movies if low <= m.year <= high}
    assert set(results(client, f"year_from={low}&year_to={high}&sort=title")[0]) <= in_range
    total = re.search(r'class="result-count">(\d+) movies?<', results(client, f"year_from={low}&year_to={high}")[1])
    assert int(total.group(1)) == len(in_range)
    decade = years[0] // 10 * 10
    of_decade = {m.id for m in movies if decade <= m.year <= decade + 9}
    ids, html = results(client, f"decade={decade}")
    assert set(ids) == of_decade if len(of_decade) <= PER_PAGE else set(ids) < of_decade
    assert f'<option value="{decade}" selected>{decade}s</option>' in html
    both = {m.id for m in movies if max(decade, low) <= m.year <= min(decade + 9, high)}
    assert set(results(client, f"decade={decade}&year_from={low}&year_to={high}")[0]) == both or len(both) > PER_PAGE


def test_an_upside_down_year_range_is_turned_round_and_said_so(app, client):
    years = sorted({m.year for m in all_movies(app) if m.year})
    low, high = years[0], years[-1]
    ids, html = results(client, f"year_from={high}&year_to={low}")
    assert ids == results(client, f"year_from={low}&year_to={high}")[0]
    assert problems(html) == [f"The year range was upside down; it now runs from {low} to {high}."]


@pytest.mark.parametrize("query, message", [
    ("sort=best", "Unknown sort order “best”; showing the best rated first."),
    ("genre=Nope", "There is no genre “Nope”; showing all genres."),
    ("year_from=abc", "“abc” is not a year from 1800 to 2100; it was ignored."),
    ("year_to=99999", "“99999” is not a year from 1800 to 2100; it was ignored."),
    ("decade=1995", "A decade starts with a year ending in 0 (1990 for the 1990s); “1995” was ignored."),
    ("page=0", "“0” is not a page number; showing the first page."),
    ("page=-3", "“-3” is not a page number; showing the first page."),
    ("page=x", "“x” is not a page number; showing the first page."),
])
def test_a_bad_parameter_is_dropped_with_a_message(app, client, query, message):
    response = client.get(f"/movies?{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert problems(html) == [message]
    assert movie_ids_in(html, "results") == results(client, "")[0]  # as if the bad value were not there


def test_numbered_pages_link_first_last_and_a_window_with_the_filters_kept(client):
    html = client.get("/movies?sort=title&page=3").get_data(as_text=True)
    nav = html[html.index('class="pagination"'):html.index("</nav>", html.index('class="pagination"'))]
    numbers = [int(n) for n in re.findall(r'>(\d+)</a></li>', nav)]
    assert numbers == [1, 2, 3, 4, 5]  # 120 movies, 24 a page
    assert 'aria-current="page" href="/movies?sort=title&amp;page=3">3<' in nav
    assert 'href="/movies?sort=title" aria-label="Page 1">1<' in nav  # page 1 needs no page argument
    assert 'rel="prev" href="/movies?sort=title&amp;page=2"' in nav and 'rel="next"' in nav
    last = client.get("/movies?sort=title&page=5").get_data(as_text=True)
    assert 'rel="next"' not in last and 'aria-current="page" href="/movies?sort=title&amp;page=5"' in last
    assert 'rel="prev"' not in client.get("/movies?sort=title").get_data(as_text=True)


def test_page_window_keeps_first_last_and_two_either_side():
    assert page_window(1, 1) == [1]
    assert page_window(1, 162) == [1, 2, 3, None, 162]
    assert page_window(80, 162) == [1, None, 78, 79, 80, 81, 82, None, 162]
    assert page_window(4, 162) == [1, 2, 3, 4, 5, 6, None, 162]
    assert page_window(162, 162) == [1, None, 160, 161, 162]
    assert page_window(3, 5) == [1, 2, 3, 4, 5]


def test_cards_show_the_movielens_average_and_the_douban_rating_once_cached(app, client):
    with app.app_context():
        movie = db.session.get(Movie, 2)
        mean = movie.rating_mean
    html = client.get("/movies?q=shawshank").get_data(as_text=True)
    card = html[html.index('data-movie-id="2"'):html.index("</article>", html.index('data-movie-id="2"'))]
    assert f"★ {mean:.1f}" in card and "db-rating" not in card
    cache_info(app, 2, title_zh="肖申克的救赎", douban_rating=9.7)
    html = client.get("/movies?q=shawshank").get_data(as_text=True)
    assert '<span class="db-rating">Douban 9.7</span>' in html


def test_chinese_queries_say_how_many_chinese_titles_are_fetched_so_far(app, client):
    total = len(all_movies(app))
    html = client.get("/movies?q=肖申克").get_data(as_text=True)
    assert movie_ids_in(html, "results") == []
    assert f"0 of {total} fetched so far" in html
    cache_info(app, 2, title_zh="肖申克的救赎")
    cache_info(app, 7, title_zh="另一部")
    html = client.get("/movies?q=肖申克").get_data(as_text=True)
    assert movie_ids_in(html, "results") == [2] and f"2 of {total} fetched so far" in html
    assert 'id="zh-progress"' not in client.get("/movies?q=shawshank").get_data(as_text=True)


def test_browse_speaks_chinese(app, client):
    client.set_cookie("lang", "zh")
    html = client.get("/movies?sort=best&decade=1990").get_data(as_text=True)
    assert "排序" in html and "年代" in html
    assert "未知的排序方式" in html
