"""A site started on a database that was never migrated: /healthz answers 503 and says to run `flask db
upgrade`, pages answer the site's own error page (no traceback, no half-written row), and after the upgrade
the same process serves."""
from __future__ import annotations

import pytest

from tests.webapp.helpers import web_config


@pytest.mark.parametrize("backend", ["sqlite_url", "pg_url"])
def test_pages_on_an_unmigrated_database_are_the_error_page_until_upgraded(backend, request, tmp_path,
                                                                           tiny_artifacts_dir, tiny_dataset_dir):
    from flask_migrate import upgrade
    from sqlalchemy import inspect

    from webapp import create_app
    from webapp.extensions import db

    app = create_app(web_config(request.getfixturevalue(backend), tmp_path, tiny_artifacts_dir, tiny_dataset_dir,
                                TESTING=False))
    client = app.test_client()
    health = client.get("/healthz")
    assert health.status_code == 503 and "db upgrade" in health.get_json()["errors"]["migrations"]
    for url in ("/", "/movies/2", "/movies?q=x"):
        response = client.get(url)
        page = response.get_data(as_text=True)
        assert response.status_code == 500 and 'id="error"' in page and "Traceback" not in page, url
    with app.app_context():
        assert inspect(db.engine).get_table_names() == []  # nothing was created by the failed requests
        upgrade()
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert client.get("/movies?q=x").status_code == 200
    with app.app_context():
        db.engine.dispose()
