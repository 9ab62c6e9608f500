#!/usr/bin/env bash
# The one command (`make run`): install, prepare data, model and database, then run the whole site:
# the web server, a Celery worker and Celery beat, logs in this terminal; Ctrl-C stops them all.
#
# Without DATABASE_URL and REDIS_URL it needs no server: SQLite in ./instance for the site and, as
# Celery's broker, Kombu's SQLAlchemy transport on SQLite. Set them to use PostgreSQL and Redis.
# Other settings (PORT, MOVREC_DATA_DIR, MOVREC_ARTIFACTS, WEB_CONCURRENCY, ...): see README.md.
set -euo pipefail
cd "$(dirname "$0")"

# A Python 3.11 or newer for the virtual environment (macOS's own python3 may be older), checked first.
PYTHON="$(scripts/python.sh)"
VENV="${VENV:-.venv}"
make --no-print-directory install PYTHON="$PYTHON" VENV="$VENV"
export PATH="$PWD/$VENV/bin:$PATH"

# The local state: SQLite files, posters, Celery beat's schedule and, unless SECRET_KEY is set, the secret key
# that scripts/supervise.py makes on the first start (never in the repository).
export INSTANCE_DIR="${INSTANCE_DIR:-$PWD/instance}"
mkdir -p "$INSTANCE_DIR"

scripts/prepare.sh

echo
echo "==> Starting web, worker and beat: http://${HOST:-127.0.0.1}:${PORT:-8000}/  (Ctrl-C stops all)"
database="SQLite (embedded)"; broker="SQLite through the Kombu SQLAlchemy transport (embedded)"
[ -z "${DATABASE_URL:-}" ] || database="DATABASE_URL"
[ -z "${REDIS_URL:-}" ] || broker="Redis at REDIS_URL"
echo "database: $database; Celery broker: $broker"
exec python scripts/supervise.py --procfile Procfile
