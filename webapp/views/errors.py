"""Friendly error pages for the site, JSON errors for `/api/`; both render after a failed database statement."""
import logging
import math
import time

from flask import Flask, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from webapp.extensions import db, limiter

log = logging.getLogger(__name__)
# Headers of the error itself that the page keeps: the methods a 405 allows.
KEPT_HEADERS = ("Allow",)


def _message(code: int) -> str:
    texts = {400: _("The request could not be understood."), 404: _("There is nothing here."),
             405: _("This address does not answer that kind of request."),
             413: _("The request was too large."),
             429: _("Too many attempts. Please wait a few minutes and try again.")}
    return texts.get(code, _("Something went wrong."))


def _retry_after() -> int:
    """Seconds until the limit this request broke lets the next attempt through (at least 1)."""
    broken = limiter.current_limit
    return max(1, math.ceil(broken.window.reset_time - time.time())) if broken is not None else 60


def handle_http_error(error: HTTPException):
    """Render the error as a page, or as `{"error": ...}` under `/api/`, with its `Allow` header, and with
    `Retry-After` on a 429. The session is rolled back first: after a failed statement the page still reads
    the signed-in member (the transaction is over, the next query starts a new one)."""
    _roll_back()
    code = error.code or 500
    if request.path.startswith("/api/"):
        response = make_response(jsonify(error=error.description if code != 404 else "not found"), code)
    else:
        response = make_response(render_template("error.html", code=code, message=_message(code)), code)
    for name, value in error.get_headers():
        if name in KEPT_HEADERS:
            response.headers[name] = value
    if isinstance(error, RateLimitExceeded):
        response.headers["Retry-After"] = str(_retry_after())
    return response


def _roll_back() -> None:
    try:
        db.session.rollback()
    except SQLAlchemyError:  # the connection itself is gone: the page renders without it
        log.warning("rollback before an error page failed", exc_info=True)


def register_error_handlers(app: Flask) -> None:
    """Route every HTTP error, and the 500 of any unhandled exception, through `handle_http_error`."""
    app.register_error_handler(HTTPException, handle_http_error)
