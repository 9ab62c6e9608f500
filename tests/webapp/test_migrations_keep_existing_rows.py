"""The accounts and search migrations fill their new columns for rows that exist already: every account gets
the key of its name (duplicates made before the key existed keep the oldest account on the name), and every
movie its folded search text; on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.webapp.helpers import web_config

BEFORE = "994a974d2a88"  # the last revision without the key and the search text


@pytest.fixture(params=["sqlite_url", "pg_url"])
def old_database_app(request, tmp_path, tiny_artifacts_dir, tiny_dataset_dir):
    """An app on a database migrated only up to `BEFORE`, holding accounts and movies written then."""
    from flask_migrate import upgrade

    from webapp import create_app
    from webapp.extensions import db

    app = create_app(web_config(request.getfixturevalue(request.param), tmp_path, tiny_artifacts_dir,
                                tiny_dataset_dir))
    with app.app_context():
        upgrade(revision=BEFORE)
        for user_id, name in [(1, "Twin0"), (2, "tWIN0"), (3, "Äbc"), (4, "plain")]:
            db.session.execute(text("INSERT INTO users (id, username, password_hash, gender, age, occupation, "
                                    "created_at) VALUES (:id, :name, 'x', 'F', 25, 1, '2026-01-01')"),
                               {"id": user_id, "name": name})
        db.session.execute(text("INSERT INTO movies (id, title, raw_title, genres, rating_count) VALUES "
                                "(7, 'Misérables, Les', 'Misérables, Les (1995)', 'Drama', 0)"))
        db.session.commit()
        yield app
        db.session.remove()
        db.engine.dispose()


def test_existing_accounts_get_the_key_of_their_name(old_database_app):
    from flask_migrate import upgrade

    from webapp.extensions import db

    upgrade()
    keys = dict(db.session.execute(text("SELECT username, username_key FROM users")).all())
    assert keys == {"Twin0": "twin0", "tWIN0": "twin0#2", "Äbc": "äbc", "plain": "plain"}
    assert set(db.session.scalars(text("SELECT session_version FROM users"))) == {0}


def test_existing_movies_get_their_search_text(old_database_app):
    from flask_migrate import upgrade

    from webapp.extensions import db
    from webapp.services.browsing import BrowseRequest, filtered_query

    upgrade()
    assert db.session.scalar(text("SELECT search_text FROM movies WHERE id = 7")) == \
        "miserables, les\nmiserables, les (1995)"
    assert [m.id for m in db.session.scalars(filtered_query(BrowseRequest(text="MISÉRABLES")))] == [7]


def test_downgrade_returns_to_the_old_schema(old_database_app):
    from flask_migrate import downgrade, upgrade

    from webapp.extensions import db

    upgrade()
    downgrade(revision=BEFORE)
    assert db.session.scalar(text("SELECT count(*) FROM users")) == 4
