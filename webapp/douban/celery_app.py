"""The Celery instance of the app (the Flask docs' pattern): tasks run inside the app context.

Defaults here (JSON only, late acks, the two Douban queues, beat's backfill schedule) are overlaid by
``app.config["CELERY"]``. The broker is ``REDIS_URL``, or Kombu's SQLAlchemy transport on SQLite.
"""
from __future__ import annotations

from celery import Celery, Task
from flask import Flask
from kombu import Exchange, Queue

from webapp.douban.names import BACKFILL_QUEUE, BACKFILL_TASK, FETCH_TASK, INTERACTIVE_QUEUE


def celery_config(app: Flask) -> dict:
    """Celery settings for ``app``: the defaults of this project, then ``app.config["CELERY"]``."""
    defaults = {
        "task_serializer": "json",
        "accept_content": ["json"],
        "result_serializer": "json",
        "task_ignore_result": True,
        # A task is acknowledged only when it is done; a killed worker's task is delivered again.
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_default_queue": BACKFILL_QUEUE,
        "task_queues": [Queue(name, Exchange(name, type="direct"), routing_key=name)
                        for name in (INTERACTIVE_QUEUE, BACKFILL_QUEUE)],
        "task_routes": {FETCH_TASK: {"queue": INTERACTIVE_QUEUE}, BACKFILL_TASK: {"queue": BACKFILL_QUEUE}},
        "beat_schedule": {
            "douban-backfill": {"task": BACKFILL_TASK, "schedule": app.config["DOUBAN"].backfill_every},
        },
        "broker_connection_retry_on_startup": True,
        # One event per line as key=value pairs, like gunicorn's logs (gunicorn.conf.py).
        "worker_log_format": "%(asctime)s level=%(levelname)s logger=%(name)s pid=%(process)d %(message)s",
        "worker_task_log_format": ("%(asctime)s level=%(levelname)s logger=%(name)s pid=%(process)d "
                                   "task=%(task_name)s task_id=%(task_id)s %(message)s"),
    }
    config = {**defaults, **app.config.get("CELERY", {})}
    if str(config.get("broker_url", "")).startswith(("redis://", "rediss://")):
        # Redis redelivers a task whose worker died once it has been unacknowledged this long;
        # look for such tasks every few seconds rather than every ~100 s (Kombu's default).
        # "priority": a worker always takes from the first of its queues that has work (interactive first).
        timeout = float(app.config.get("CELERY_VISIBILITY_TIMEOUT", 3600))
        config["broker_transport_options"] = {
            "visibility_timeout": timeout, "unacked_restore_interval": max(1, min(10, int(timeout / 4))),
            "unacked_restore_throttle": 1, "queue_order_strategy": "priority",
            **config.get("broker_transport_options", {})}
    return config


def celery_init_app(app: Flask) -> Celery:
    """Create the Celery app for ``app`` and store it in ``app.extensions["celery"]``."""

    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(celery_config(app))
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app
