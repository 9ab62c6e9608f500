"""The movie page's details: Douban rating and votes, other titles and links out only when known, the MovieLens
star histogram, and a member's predicted and own stars."""
from __future__ import annotations

import re

import numpy as np

from tests.webapp.helpers import rate, register
from tests.webapp.views.test_catalog import cache_info


def histogram_rows(html: str) -> dict[int, int]:
    table = html[html.index('id="star-histogram"'):html.index("</table>", html.index('id="star-histogram"'))]
    rows = re.findall(r'<tr data-stars="(\d)">.*?<td class="count">([\d,]+)</td>', table, re.S)
    return {int(stars): int(count.replace(",", "")) for stars, count in rows}


def test_histogram_counts_each_star_of_the_movielens_ratings(client, tiny_dataset_dir):
    from movrec.dataset import load

    ratings = load(tiny_dataset_dir).ratings
    mine = np.asarray(ratings.movie_id) == 2
    expected = {s: int((np.asarray(ratings.stars)[mine] == s).sum()) for s in range(1, 6)}
    html = client.get("/movies/2").get_data(as_text=True)
    assert histogram_rows(html) == expected
    assert "<caption>MovieLens ratings by stars</caption>" in html
    assert re.search(rf'<meter min="0" max="{sum(expected.values())}" value="{expected[5]}">', html)


def test_douban_rating_votes_titles_and_links_show_only_when_known(app, client):
    html = client.get("/movies/2").get_data(as_text=True)
    for absent in ('id="douban-rating"', 'id="douban-votes"', 'id="also-known-as"', 'id="links-out"',
                   "douban.com", "imdb.com"):
        assert absent not in html
    cache_info(app, 2, douban_id="1292052", title_zh="肖申克的救赎", original_title="The Shawshank Redemption",
               douban_rating=9.7, douban_votes=3012345)
    html = client.get("/movies/2").get_data(as_text=True)
    assert "9.7 / 10" in html and '<span id="douban-votes">3,012,345 votes</span>' in html
    assert '<dt>Chinese title</dt><dd lang="zh-Hans">肖申克的救赎</dd>' in html
    assert "Original title" not in html  # the same as the English title
    assert 'href="https://movie.douban.com/subject/1292052/"' in html
    assert "imdb.com" not in html  # no IMDb id known: no link guessed
    cache_info(app, 2, original_title="Rita Hayworth and Shawshank Redemption", imdb_id="tt0111161")
    html = client.get("/movies/2").get_data(as_text=True)
    assert '<dd class="original-title">Rita Hayworth and Shawshank Redemption</dd>' in html
    assert 'href="https://www.imdb.com/title/tt0111161/"' in html


def test_info_not_found_or_pending_shows_no_douban_fields(app, client):
    cache_info(app, 2, status="not_found", douban_id="1292052", douban_rating=9.7, imdb_id="tt0111161")
    html = client.get("/movies/2").get_data(as_text=True)
    assert 'id="douban-rating"' not in html and 'id="links-out"' not in html


def test_predicted_stars_and_own_rating_only_for_members(client, recommender):
    html = client.get("/movies/2").get_data(as_text=True)
    assert 'id="predicted-stars"' not in html and 'id="your-rating"' not in html
    register(client, gender="F", age=25, occupation=4)
    html = client.get("/movies/2").get_data(as_text=True)
    expected = recommender.predicted_stars(recommender.new_user_vectors("F", 25, 4, {})[1], {}, [2])[0]
    shown = re.search(r'id="predicted-stars"><dt>Predicted for you</dt><dd>([\d.]+) / 5', html)
    assert shown and float(shown.group(1)) == round(expected, 1) and 1 <= float(shown.group(1)) <= 5
    assert 'id="your-rating"' not in html
    rate(client, 2, 4)
    html = client.get("/movies/2").get_data(as_text=True)
    assert '<div id="your-rating"><dt>Your rating</dt><dd>4 stars</dd></div>' in html
    after = recommender.predicted_stars(recommender.new_user_vectors("F", 25, 4, {2: 4})[1], {2: 4}, [2])[0]
    assert f'<dd>{after:.1f} / 5' in html


def test_movie_details_speak_chinese(app, client):
    cache_info(app, 2, douban_id="1292052", title_zh="肖申克的救赎", douban_rating=9.7, douban_votes=1200)
    client.set_cookie("lang", "zh")
    html = client.get("/movies/2").get_data(as_text=True)
    assert "中文片名" in html and "按星级" in html and "在豆瓣" in html and "1,200 人评价" in html
