"""gunicorn settings, all from the environment: `gunicorn -c gunicorn.conf.py 'webapp:create_app()'`.

| variable | default | meaning |
|---|---|---|
| `HOST` | `127.0.0.1` | address to listen on (`0.0.0.0` in a container) |
| `PORT` | `8000` | port to listen on |
| `WEB_CONCURRENCY` | `2` | worker processes (about one per core: each request is CPU-bound numpy) |
| `WEB_THREADS` | `1` | threads per worker |
| `WEB_TIMEOUT` | `30` | seconds before a silent worker is killed and replaced |
| `LOG_LEVEL` | `info` | gunicorn's error log level |
"""
import gc
import os

# One BLAS thread per worker, set before any worker imports numpy: several workers each running a BLAS
# thread per core fight over the cores, and a recommendation page gets ~10x slower (webapp/single_thread_blas.py).
import webapp.single_thread_blas  # noqa: E402,F401  (sets the variables; the workers inherit them)

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("WEB_THREADS", "1"))
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
graceful_timeout = 15  # on SIGTERM, requests in flight get this long to finish
keepalive = 5
# gunicorn 27's control socket defaults to one path per user (~/.gunicorn/gunicorn.ctl), which a second site
# on the same machine (a test run, another checkout) would take over; nothing here uses it.
control_socket_disable = True
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"  # heartbeat files off a possibly slow container filesystem

# Logs on stdout/stderr, one event per line as key=value pairs, so a terminal and a log collector both read them.
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
accesslog = "-"
errorlog = "-"
access_log_format = ('access remote=%(h)s method=%(m)s path="%(U)s" query="%(q)s" status=%(s)s '
                     'bytes=%(B)s duration_ms=%(M)s agent="%(a)s"')
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "kv": {"format": "%(asctime)s level=%(levelname)s logger=%(name)s pid=%(process)d %(message)s"},
    },
    "handlers": {
        "stdout": {"class": "logging.StreamHandler", "formatter": "kv", "stream": "ext://sys.stdout"},
    },
    "root": {"level": loglevel.upper(), "handlers": ["stdout"]},
    "loggers": {
        "gunicorn.error": {"level": loglevel.upper(), "handlers": ["stdout"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
        "alembic": {"level": "WARNING"},  # Flask-Migrate's import logs plugin set-up at INFO in every worker
    },
}


def post_worker_init(worker):
    """Put everything the worker loaded before its first request (the app, the catalogue, the model's lookups:
    about 140,000 objects) out of the garbage collector's reach. A full collection then scans only what requests
    made since: under 1 ms instead of about 80 ms (bench/bench_gc.py), a pause that held every request queued
    behind that worker."""
    gc.freeze()
    worker.log.info("froze %d objects loaded before serving", gc.get_freeze_count())
