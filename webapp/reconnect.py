"""The site's Flask class: a request whose database connection is cut while it runs (a PostgreSQL backend
terminated, the server restarted, a failover) runs once more, from the start, on a new connection, instead of
answering 500; and a connection cut after the response was made does not turn it into a 500.

`pool_pre_ping` (webapp.config) replaces connections that died while idle in the pool; this covers the one a
request was using. Only a disconnect (SQLAlchemy's `connection_invalidated`) is retried, once, in a new request
context built from the same WSGI environment and body (so the session cookie, CSRF token and form are those the
browser sent): the first run's response is never sent. Requests with a body larger than `MAX_CONTENT_LENGTH`, or
of unknown length, are not retried. What the first run committed before the cut stays; the views' writes are
upserts or guarded by unique keys, so the second run finds it (a rating is saved once; a registration whose
account was committed just before the cut is answered "This username is taken").
"""
from __future__ import annotations

import io
import logging

from flask import Flask, request
from sqlalchemy.exc import DBAPIError

from webapp.extensions import db

log = logging.getLogger(__name__)
FIRST_RUN = "movrec.first_run"  # WSGI environment key: a lost connection in this run may be retried


class ConnectionLost(Exception):
    """The first run of a request lost its database connection (raised out of `wsgi_app` to run it again)."""


def _lost(error: BaseException) -> bool:
    return isinstance(error, DBAPIError) and error.connection_invalidated


class ReconnectingFlask(Flask):
    """Flask, with a request run again once when its database connection was lost."""

    def wsgi_app(self, environ, start_response):
        length = environ.get("CONTENT_LENGTH") or "0"
        limit = self.config.get("MAX_CONTENT_LENGTH")
        if not length.isdigit() or (limit is not None and int(length) > limit) or "HTTP_TRANSFER_ENCODING" in environ:
            return super().wsgi_app(environ, start_response)
        body = environ["wsgi.input"].read(int(length)) if int(length) else b""
        try:
            return super().wsgi_app({**environ, "wsgi.input": io.BytesIO(body), FIRST_RUN: True}, start_response)
        except ConnectionLost as lost:
            log.warning("database connection lost during %s %s (%s); running the request again on a new one",
                        environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"), lost.__cause__.orig.__class__.__name__)
            return super().wsgi_app({**environ, "wsgi.input": io.BytesIO(body), FIRST_RUN: False}, start_response)

    def handle_exception(self, e):
        if _lost(e) and request.environ.get(FIRST_RUN):
            raise ConnectionLost() from e
        return super().handle_exception(e)


def end_session(_error: BaseException | None) -> None:
    """Teardown, before Flask-SQLAlchemy's `session.remove()`: close the session (its transaction ends, its objects
    stay loaded). The connection may have been cut after the response was made; the transaction is over either
    way, so that is logged, not a 500."""
    try:
        db.session.close()
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
        log.warning("database connection lost after the response was made (%s)", error.orig.__class__.__name__)
