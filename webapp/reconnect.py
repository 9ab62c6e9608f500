"""The site's Flask class: a request whose database connection is cut while it runs (a PostgreSQL backend
terminated, the server restarted, a failover) runs once more on a fresh connection instead of answering 500.

`pool_pre_ping` (webapp.config) replaces connections that died while idle in the pool; this covers the one a
request was using. Only a disconnect (SQLAlchemy's `connection_invalidated`) is retried, once, before the request's
response exists: the rolled-back transaction saved nothing, and the second run starts from the same request.
"""
from __future__ import annotations

import logging

from flask import Flask, request
from sqlalchemy.exc import DBAPIError

from webapp.extensions import db

log = logging.getLogger(__name__)


class ReconnectingFlask(Flask):
    """Flask, with a request retried once when its database connection was lost."""

    def full_dispatch_request(self):
        try:
            return super().full_dispatch_request()
        except DBAPIError as exc:
            if not exc.connection_invalidated:
                raise
            log.warning("database connection lost during %s %s (%s); running the request again on a new one",
                        request.method, request.path, exc.orig.__class__.__name__)
            db.session.rollback()
            return super().full_dispatch_request()
