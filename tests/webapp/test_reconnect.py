"""A request whose PostgreSQL connection is terminated while it runs is run once more on a new connection
(webapp.reconnect); other database errors are not retried."""
from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from webapp.extensions import db
from webapp.reconnect import ReconnectingFlask


@pytest.fixture
def app(pg_url):
    app = ReconnectingFlask(__name__)
    app.config.update(TESTING=True, SQLALCHEMY_DATABASE_URI=pg_url, SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True})
    db.init_app(app)
    app.runs = 0
    yield app
    with app.app_context():
        db.engine.dispose()


def test_a_request_whose_backend_is_terminated_runs_again_and_answers(app):
    @app.post("/work")
    def work():
        app.runs += 1
        if app.runs == 1:  # the first run's connection is cut mid-request, as pg_terminate_backend does
            db.session.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
        return {"backend": db.session.execute(text("SELECT pg_backend_pid()")).scalar_one(), "runs": app.runs}

    response = app.test_client().post("/work", data={"stars": "4"})
    assert response.status_code == 200 and response.json["runs"] == 2


@pytest.mark.parametrize("statement, runs", [
    ("SELECT 1 / 0", 1),                                     # not a lost connection: not retried
    ("SELECT pg_terminate_backend(pg_backend_pid())", 2),    # cut again on the second run: retried only once
])
def test_other_errors_and_a_second_cut_are_not_retried(app, statement, runs):
    @app.get("/broken")
    def broken():
        app.runs += 1
        db.session.execute(text(statement))
        return "unreachable"

    with pytest.raises(DBAPIError):
        app.test_client().get("/broken")
    assert app.runs == runs
