"""Title search ignores case and accents the same way on SQLite and PostgreSQL (titles are folded in Python
into `movies.search_text`; SQLite's own lower() folds ASCII only)."""
from __future__ import annotations

import pytest

from tests.webapp.views.test_catalog import movie_ids_in


@pytest.mark.parametrize("query", ["Décalogue", "décalogue", "DÉCALOGUE", "DECALOGUE", "decalogue", "DéCaLoGuE"])
def test_any_case_and_accent_finds_the_movie(client, query):
    assert movie_ids_in(client.get(f"/movies?q={query}").get_data(as_text=True), "results") == [3]


def test_accented_words_inside_a_title_are_found_in_capitals(client):
    html = client.get("/movies?q=CITÉ DES ENFANTS").get_data(as_text=True)
    assert movie_ids_in(html, "results") == [1]


def test_a_title_changed_by_a_new_import_is_searched_by_its_new_words(app, client):
    from webapp.extensions import db
    from webapp.models import Movie

    with app.app_context():
        movie = db.session.get(Movie, 3)
        movie.title = "Misérables, Les"
        db.session.commit()
    try:
        assert movie_ids_in(client.get("/movies?q=MISÉRABLES").get_data(as_text=True), "results") == [3]
    finally:
        with app.app_context():
            movie = db.session.get(Movie, 3)
            movie.title = "Décalogue, Le"
            db.session.commit()
