"""The Celery worker of movrec: ``celery -A worker ...`` builds the Flask app and uses its Celery instance.

Worker (both Douban queues; one process is enough, the rate limit is shared anyway)::

    celery -A worker worker -Q douban_interactive,douban_backfill -c 1 --prefetch-multiplier 1 -l info

Beat (the slow catalogue backfill, ``DOUBAN_BACKFILL_PER_RUN`` movies every ``DOUBAN_BACKFILL_EVERY`` s)::

    celery -A worker beat -s instance/celerybeat-schedule -l info

For development both in one process: add ``-B -s instance/celerybeat-schedule`` to the worker command.
Queue by hand: ``flask --app webapp movrec scrape --movie ID`` (or ``--missing``, ``--all``).
Configuration is the site's (``REDIS_URL``, ``DATABASE_URL``, ``POSTER_DIR``, ``DOUBAN_*``; see ``webapp/config.py``).
"""
from __future__ import annotations

from typing import Any

_app = None


def __getattr__(name: str) -> Any:
    """``worker.app`` / ``worker.celery``: built on first use, so importing ``worker.douban`` builds nothing."""
    global _app
    if name not in ("app", "celery"):
        raise AttributeError(name)
    if _app is None:
        from webapp import create_app

        _app = create_app().extensions["celery"]
        from worker import tasks  # noqa: F401  (registers the tasks)
    return _app
