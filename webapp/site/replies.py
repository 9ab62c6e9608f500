"""How a form post is answered: JSON for the site's script (it asks with `Accept: application/json`), else a
flashed message and a redirect back (to `next` when it stays on this site), so every form works without
JavaScript too."""
from flask import flash, jsonify, redirect, request

from webapp.site.security import safe_next


def wants_json() -> bool:
    """True when the request prefers JSON to HTML (the fetch calls of static/js/member.js)."""
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


def answer(message: str, default_next: str, **data):
    """`{"message": message, **data}` as JSON for the script, else `message` flashed and a redirect to the
    request's safe `next`, or `default_next`."""
    if wants_json():
        return jsonify(message=message, **data)
    flash(message, "info")
    return redirect(safe_next(default_next))
