"""The home page says what the site is, has one search box and describes the demo members; registration
starts with no age chosen."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from tests.webapp.helpers import register
from webapp.extensions import db
from webapp.models import User
from webapp.services.demo_profiles import favourite_genre
from webapp.site.i18n import AGE_LABELS, GENDER_LABELS, OCCUPATION_LABELS


def test_home_has_one_search_form_and_a_sentence_on_what_the_site_is(client):
    html = client.get("/").get_data(as_text=True)
    assert html.count('role="search"') == 1 and html.count('name="q"') == 1
    assert 'id="about-site"' in html and "MovieLens" in html
    other = client.get("/movies").get_data(as_text=True)
    assert other.count('role="search"') == 1  # other pages keep the header's box


def test_demo_members_are_described_not_numbered(client, recommender):
    html = client.get("/").get_data(as_text=True)
    section = html[html.index('id="demo-profiles"'):]
    assert "member 1" not in section
    for user_id in [int(u) for u in recommender.user_ids[:8]]:
        gender, age, occupation = recommender.user_demographics(user_id)
        n = len(recommender.user_ratings(user_id))
        item = re.search(rf'<li><a href="/users/{user_id}">([^<]*)</a>\s*<span class="profile-facts">([^<]*)</span>',
                         section)
        assert item, user_id
        assert item.group(1) == f"{GENDER_LABELS[gender]}, {AGE_LABELS[age]}, {OCCUPATION_LABELS[occupation]}"
        assert item.group(2).startswith(f"rated {n} movies")


def test_favourite_genre_is_the_best_rated_genre_with_enough_ratings():
    genres = {1: "Drama", 2: "Drama", 3: "Drama", 4: "Drama", 5: "Drama", 6: "Horror", 7: "Comedy|Drama"}
    ratings = {1: 4, 2: 4, 3: 4, 4: 4, 5: 3, 6: 5, 7: 5}
    assert favourite_genre(ratings, genres) == "Drama"  # Horror has one rating only
    assert favourite_genre({6: 5}, genres) is None


def test_register_starts_with_no_age_chosen_and_requires_one(app, client):
    html = client.get("/register").get_data(as_text=True)
    select_html = html[html.index('name="age"'):html.index("</select>", html.index('name="age"'))]
    options = re.findall(r'<option([^>]*)value="([^"]*)"', select_html)
    assert options[0][1] == "" and "selected" in options[0][0]
    assert not any("selected" in attrs for attrs, _ in options[1:])
    response = register(client, username="noage", age="")
    assert "Choose your age." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User).where(User.username == "noage")) == 0
    assert register(client, username="withage", age=18).status_code == 302
