"""Friendly error pages for the site, JSON errors for `/api/`."""
from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

def _message(code: int) -> str:
    texts = {400: _("The request could not be understood."), 404: _("There is nothing here."),
             429: _("Too many attempts. Please wait a few minutes and try again.")}
    return texts.get(code, _("Something went wrong."))


def handle_http_error(error: HTTPException):
    """Render the error as a page, or as `{"error": ...}` under `/api/`."""
    code = error.code or 500
    if request.path.startswith("/api/"):
        return jsonify(error=error.description if code != 404 else "not found"), code
    return render_template("error.html", code=code, message=_message(code)), code


def register_error_handlers(app: Flask) -> None:
    """Route every HTTP error through `handle_http_error`."""
    app.register_error_handler(HTTPException, handle_http_error)
