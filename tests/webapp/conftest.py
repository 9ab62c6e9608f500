"""Web fixtures: every app test runs against SQLite and the real PostgreSQL, migrated with Flask-Migrate
and loaded with the tiny catalogue through the import command's own function."""
from __future__ import annotations

from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import delete

from tests.services import throwaway_postgres
from tests.webapp.helpers import web_config

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory):
    """An empty database: a SQLite file, or a throwaway PostgreSQL database dropped at the end."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'movrec.sqlite'}"
        return
    with throwaway_postgres("movrec_web") as url:
        yield url


@pytest.fixture(scope="session")
def web_workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("web")


@pytest.fixture(scope="session")
def prepared_database(database_url, web_workdir, tiny_artifacts_dir, tiny_dataset_dir) -> str:
    """The database migrated to head and holding the tiny catalogue."""
    from movrec.dataset import load
    from webapp import create_app
    from webapp.services.catalog import import_catalog
    from webapp.extensions import db

    app = create_app(web_config(database_url, web_workdir, tiny_artifacts_dir, tiny_dataset_dir))
    with app.app_context():
        upgrade()
        import_catalog(load(tiny_dataset_dir))
        db.engine.dispose()
    return database_url


@pytest.fixture
def make_app(prepared_database, web_workdir, tiny_artifacts_dir, tiny_dataset_dir):
    """Build apps on the prepared database; afterwards remove accounts, ratings and cached info."""
    from webapp import create_app
    from webapp.extensions import db
    from webapp.models import HiddenMovie, MovieInfo, Rating, User, UserRole, WatchlistEntry

    apps = []

    def build(**overrides):
        app = create_app(web_config(prepared_database, web_workdir, tiny_artifacts_dir, tiny_dataset_dir,
                                    **overrides))
        apps.append(app)
        return app

    yield build
    for app in apps:
        with app.app_context():
            db.session.remove()
            for model in (Rating, WatchlistEntry, HiddenMovie, UserRole, User, MovieInfo):
                db.session.execute(delete(model))
            db.session.commit()
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def recommender(app):
    from webapp.services.recommender import get_recommender

    with app.app_context():
        return get_recommender()
