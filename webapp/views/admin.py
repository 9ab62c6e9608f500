"""``/admin/``: the admins and their grants, and the Douban cache's progress, rate and circuits, for accounts
granted admin rights (``flask movrec admin grant NAME``)."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template
from flask_login import current_user

from webapp.douban import stats
from webapp.models import InfoStatus
from webapp.services.roles import admin_grants

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def admins_only():
    """Anyone but an admin gets a plain 404: the page does not exist for them."""
    if not current_user.is_authenticated or not current_user.is_admin:
        abort(404)


@bp.route("/")
def admins():
    """Who holds admin rights, who granted them and when."""
    return render_template("admin/admins.html", grants=admin_grants())


@bp.route("/scraping")
def scraping_status():
    """Counts by status, the request rate against its limit, the circuits, and the latest errors."""
    return render_template("admin/scraping.html", statuses=list(InfoStatus), counts=stats.status_counts(),
                           fetched_last_hour=stats.fetched_since(1), errors=stats.recent_errors(),
                           gate=stats.gate_state(current_app._get_current_object()))
