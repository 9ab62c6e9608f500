"""/healthz answers 200 only when pages can be served: 503 naming the essential part that is wrong (database
unreachable or not migrated to head, artifacts unloadable), and `degraded` naming the optional parts that are
down (the Celery broker, the limiter store)."""
from __future__ import annotations

import pytest

from tests.webapp.helpers import web_config

DOWN = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_healthz_is_ok_when_everything_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_healthz_reports_an_unreachable_database(tmp_path, tiny_artifacts_dir, tiny_dataset_dir):
    from webapp import create_app

    database = f"sqlite:///{tmp_path / 'missing' / 'no.sqlite'}"  # its folder does not exist
    app = create_app(web_config(database, tmp_path, tiny_artifacts_dir, tiny_dataset_dir))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json()["status"] == "error"
    assert response.get_json()["errors"]["database"].startswith("unreachable")


def test_healthz_reads_the_database_again_when_its_connection_is_cut(pg_url, tmp_path, tiny_artifacts_dir,
                                                                   tiny_dataset_dir):
    """The check's connection is terminated (pg_terminate_backend) right after the pool hands it out: the check
    reads again on a new one and answers 200, not 503 "unreachable"."""
    import psycopg
    from flask_migrate import upgrade
    from sqlalchemy import event

    from webapp import create_app
    from webapp.extensions import db

    app = create_app(web_config(pg_url, tmp_path, tiny_artifacts_dir, tiny_dataset_dir))
    cut = []
    with app.app_context():
        upgrade()

        @event.listens_for(db.engine, "checkout")
        def cut_the_first(dbapi_connection, _record, _proxy):
            if not cut:
                cut.append(dbapi_connection.info.backend_pid)
                with psycopg.connect(pg_url.replace("+psycopg", ""), autocommit=True) as admin:
                    admin.execute("SELECT pg_terminate_backend(%s)", [cut[0]])

        response = app.test_client().get("/healthz")
        db.engine.dispose()
    assert cut and response.status_code == 200, response.get_json()


@pytest.mark.parametrize("backend", ["sqlite_url", "pg_url"])
def test_healthz_reports_a_database_not_migrated_to_head(backend, request, tmp_path, tiny_artifacts_dir,
                                                         tiny_dataset_dir):
    from flask_migrate import upgrade

    from webapp import create_app
    from webapp.extensions import db

    app = create_app(web_config(request.getfixturevalue(backend), tmp_path, tiny_artifacts_dir, tiny_dataset_dir))
    client = app.test_client()
    never = client.get("/healthz")
    assert never.status_code == 503
    assert "no revision" in never.get_json()["errors"]["migrations"]
    assert "db upgrade" in never.get_json()["errors"]["migrations"]
    with app.app_context():
        upgrade(revision="994a974d2a88")  # an older schema: every page of the new code would fail
    behind = client.get("/healthz")
    assert behind.status_code == 503 and "database at 994a974d2a88" in behind.get_json()["errors"]["migrations"]
    with app.app_context():
        upgrade()
    assert client.get("/healthz").get_json() == {"status": "ok"}
    with app.app_context():
        db.engine.dispose()


def test_healthz_reports_unloadable_artifacts_by_file(app, tmp_path):
    app.config["MOVREC_ARTIFACTS"] = str(tmp_path / "never-trained")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json()["status"] == "error"
    assert "vectors.npz" in response.get_json()["errors"]["artifacts"]


def test_healthz_reports_a_down_broker_and_limiter_store_as_degraded(make_app):
    app = make_app(CELERY={"broker_url": DOWN, "task_ignore_result": True}, RATELIMIT_STORAGE_URI=DOWN,
                   RATELIMIT_STORAGE_OPTIONS={"socket_connect_timeout": 1, "socket_timeout": 1})
    response = app.test_client().get("/healthz")
    body = response.get_json()
    assert response.status_code == 200 and body["status"] == "degraded" and "errors" not in body
    assert set(body["degraded"]) == {"broker", "limiter"}
    assert "per process" in body["degraded"]["limiter"]
