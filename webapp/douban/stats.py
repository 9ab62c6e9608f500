"""What the admin page shows about the Douban work: rows by status, recent fetches and errors, and the
shared gate's request rates and circuits."""
from __future__ import annotations

import logging
from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select

from webapp.douban.gate import gate_for
from webapp.douban.names import BUCKETS, CIRCUITS
from webapp.extensions import db
from webapp.models import InfoStatus, Movie, MovieInfo, utcnow

log = logging.getLogger(__name__)


def status_counts() -> dict[str, int]:
    """Movies per ``movie_info`` status, plus ``missing`` (never requested) and ``queued`` (claimed, not done)."""
    counts = dict(db.session.execute(select(MovieInfo.status, func.count()).group_by(MovieInfo.status)).all())
    total = db.session.scalar(select(func.count()).select_from(Movie)) or 0
    counts["queued"] = db.session.scalar(select(func.count()).where(MovieInfo.queued_at.is_not(None))) or 0
    counts["missing"] = total - sum(counts.get(s, 0) for s in InfoStatus)
    counts["total"] = total
    return counts


def recent_errors(limit: int = 20) -> list[MovieInfo]:
    """The rows with a recorded error, latest first."""
    return list(db.session.scalars(select(MovieInfo).where(MovieInfo.last_error.is_not(None))
                                   .order_by(MovieInfo.updated_at.desc()).limit(limit)))


def fetched_since(hours: float) -> int:
    """How many movies got their info in the last ``hours``."""
    since = utcnow() - timedelta(hours=hours)
    return db.session.scalar(select(func.count()).where(MovieInfo.fetched_at >= since)) or 0


def gate_state(app: Flask) -> dict | None:
    """Each bucket's rate against its limit (per minute) and each circuit, from Redis or the database;
    ``None`` (shown as unavailable) if they cannot be read."""
    try:
        gate = gate_for(app)
        settings = app.config["DOUBAN"]
        rates = [(bucket, gate.rate(bucket), 60.0 / settings.interval(bucket)) for bucket in BUCKETS]
        return {"rates": rates, "circuits": [(name, gate.circuit(name)) for name in CIRCUITS]}
    except Exception as exc:
        log.warning("scrape gate unreadable: %s", exc)
        return None
