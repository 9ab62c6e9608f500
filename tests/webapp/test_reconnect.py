"""A request whose PostgreSQL connection is terminated while it runs is run once more, from the same request, on a
new connection; a connection terminated after the response was made is no 500; nothing else is retried
(webapp.reconnect)."""
from __future__ import annotations

import psycopg
import pytest
from flask import request, session
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from webapp.extensions import db
from webapp.reconnect import ReconnectingFlask, end_session

CUT_MYSELF = "SELECT pg_terminate_backend(pg_backend_pid())"


@pytest.fixture
def app(pg_url):
    app = ReconnectingFlask(__name__)
    app.config.update(TESTING=True, SECRET_KEY="test", SQLALCHEMY_DATABASE_URI=pg_url,
                      SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True})
    db.init_app(app)
    app.teardown_appcontext(end_session)
    app.runs = []
    yield app
    with app.app_context():
        db.engine.dispose()


def test_a_request_whose_backend_is_terminated_runs_again_from_the_same_request(app):
    @app.post("/work")
    def work():
        app.runs.append({"form": dict(request.form), "session": dict(session)})
        session["seen"] = len(app.runs)  # the first run's changes must not reach the second
        if len(app.runs) == 1:
            db.session.execute(text(CUT_MYSELF))
        return {"backend": db.session.execute(text("SELECT pg_backend_pid()")).scalar_one()}

    client = app.test_client()
    with client.session_transaction() as browser_session:
        browser_session["member"] = "alice"
    response = client.post("/work", data={"stars": "4"})
    assert response.status_code == 200
    assert app.runs == [{"form": {"stars": "4"}, "session": {"member": "alice"}}] * 2


@pytest.mark.parametrize("statement, runs", [
    ("SELECT 1 / 0", 1),  # not a lost connection: not retried
    (CUT_MYSELF, 2),      # cut again on the second run: retried only once
])
def test_other_errors_and_a_second_cut_are_not_retried(app, statement, runs):
    @app.get("/broken")
    def broken():
        app.runs.append(1)
        db.session.execute(text(statement))
        return "unreachable"

    with pytest.raises(DBAPIError):
        app.test_client().get("/broken")
    assert len(app.runs) == runs


def test_a_connection_cut_after_the_response_was_made_is_no_server_error(app, pg_url):
    @app.get("/read")
    def read():
        app.runs.append(1)
        backend = db.session.execute(text("SELECT pg_backend_pid()")).scalar_one()  # holds a connection
        with psycopg.connect(pg_url.replace("+psycopg", ""), autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [backend])
        return "read"

    response = app.test_client().get("/read")
    assert (response.status_code, response.text, len(app.runs)) == (200, "read", 1)
