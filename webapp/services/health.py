"""What `/healthz` reports: the essentials a page needs (database reachable and migrated to head, model artifacts
loadable), and the optional parts whose loss degrades the site (the Celery broker: Douban info stops coming; the
limiter store: sign-in limits count per process)."""
from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from movrec.artifacts import ArtifactsError
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from webapp.extensions import db, limiter
from webapp.services.recommender import get_recommender

BROKER_TIMEOUT = 1.0  # seconds: a health check answers quickly or reports the broker unreachable


@cache
def migration_heads(directory: str) -> frozenset[str]:
    """The head revisions of the migration scripts in `directory` (read once per process)."""
    config = Config()
    config.set_main_option("script_location", directory)
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def essential_problems() -> dict[str, str]:
    """`{part: what is wrong}` for the database, its schema and the artifacts; empty when all serve."""
    problems = {}
    try:
        current = _database_revisions()
    except SQLAlchemyError as exc:
        problems["database"] = f"unreachable: {type(exc).__name__}"
    else:
        heads = migration_heads(str(Path(current_app.extensions["migrate"].directory)))
        if current != heads:
            problems["migrations"] = (f"database at {', '.join(sorted(current)) or 'no revision'}, code at "
                                      f"{', '.join(sorted(heads))}: run `flask --app webapp db upgrade`")
    try:
        get_recommender()
    except ArtifactsError as exc:
        problems["artifacts"] = str(exc)
    return problems


def _database_revisions() -> set[str]:
    """The database's migration revisions; read again when the first connection was cut (a terminated backend, a
    restarted server), so that one lost connection does not report the database unreachable."""
    def read() -> set[str]:
        with db.engine.connect() as connection:
            return set(MigrationContext.configure(connection).get_current_heads())

    try:
        return read()
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
        return read()


def degraded_parts() -> dict[str, str]:
    """`{part: what is wrong}` for the broker and the limiter store; empty when both answer."""
    degraded = {}
    celery = current_app.extensions["celery"]
    try:
        with celery.connection_for_write(connect_timeout=BROKER_TIMEOUT) as connection:
            connection.ensure_connection(max_retries=0, timeout=BROKER_TIMEOUT)
    except Exception as exc:  # any transport's failure means the same: tasks cannot be sent
        degraded["broker"] = f"unreachable ({type(exc).__name__}): Douban info requests are dropped"
    if not limiter.storage.check():
        degraded["limiter"] = "store unreachable: sign-in and registration limits count per process"
    return degraded
