"""`/admin/scraping`: the Douban cache's progress, for the accounts named in `ADMIN_USERNAMES`."""
from flask import Blueprint, abort, current_app, render_template
from flask_login import current_user, login_required
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import Movie, MovieInfo

bp = Blueprint("admin", __name__, url_prefix="/admin")
RECENT_ERRORS = 20


@bp.route("/scraping")
@login_required
def scraping():
    """Counts of movies per fetch status, and the latest errors."""
    if current_user.username not in current_app.config["ADMIN_USERNAMES"]:
        abort(404)
    counts = dict(db.session.execute(select(MovieInfo.status, func.count()).group_by(MovieInfo.status)).all())
    total = db.session.scalar(select(func.count()).select_from(Movie))
    errors = db.session.scalars(select(MovieInfo).where(MovieInfo.last_error.is_not(None))
                                .order_by(MovieInfo.updated_at.desc()).limit(RECENT_ERRORS)).all()
    return render_template("admin/scraping.html", counts=counts, total=total,
                           missing=total - sum(counts.values()), errors=errors)
