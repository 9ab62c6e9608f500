"""``/admin/scraping``: the Douban cache's progress, rate and circuits, for the accounts in ``ADMIN_USERNAMES``."""
from __future__ import annotations

import logging

from flask import Blueprint, abort, current_app, render_template
from flask_login import current_user

from webapp.douban import enqueue
from webapp.douban.gate import gate_for
from webapp.models import InfoStatus

bp = Blueprint("admin", __name__, url_prefix="/admin")
log = logging.getLogger(__name__)
CIRCUITS = ("douban", "subject", "images")
BUCKETS = (("pages", "DOUBAN_MIN_INTERVAL"), ("images", "DOUBAN_IMAGE_MIN_INTERVAL"))


@bp.before_request
def admins_only():
    """Anyone but a configured admin gets a plain 404: the page does not exist for them."""
    if not current_user.is_authenticated or current_user.username not in current_app.config["ADMIN_USERNAMES"]:
        abort(404)


@bp.route("/scraping")
def scraping_status():
    """Counts by status, the request rate against its limit, the circuits, and the latest errors."""
    return render_template("admin/scraping.html", statuses=list(InfoStatus), counts=enqueue.status_counts(),
                           fetched_last_hour=enqueue.fetched_since(1), errors=enqueue.recent_errors(),
                           gate=_gate_state())


def _gate_state() -> dict | None:
    """Rates and circuits from Redis or the database; ``None`` (shown as unavailable) if they cannot be read."""
    try:
        gate = gate_for(current_app)
        rates = [(bucket, gate.rate(bucket), 60.0 / current_app.config[key]) for bucket, key in BUCKETS]
        return {"rates": rates, "circuits": [(name, gate.circuit(name)) for name in CIRCUITS]}
    except Exception as exc:
        log.warning("scrape gate unreadable: %s", exc)
        return None
