#!/usr/bin/env bash
# The one command (`make run`): install, prepare data, model and database, then run the whole site:
# the web server, a Celery worker and Celery beat, logs in this terminal; Ctrl-C stops them all.
#
# Without DATABASE_URL and REDIS_URL it needs no server: SQLite in ./instance for the site and, as
# Celery's broker, Kombu's SQLAlchemy transport on SQLite. Set them to use PostgreSQL and Redis.
# Other settings (PORT, MOVREC_DATA_DIR, MOVREC_ARTIFACTS, WEB_CONCURRENCY, ...): see README.md.
set -euo pipefail
cd "$(dirname "$0")"

# A Python 3.11 or newer for the virtual environment (macOS's own python3 may be older).
if [ -z "${PYTHON:-}" ]; then
    for candidate in python3 python3.13 python3.12 python3.11; do
        if command -v "$candidate" >/dev/null \
                && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            PYTHON="$candidate"
            break
        fi
    done
fi
[ -n "${PYTHON:-}" ] || { echo "run.sh: Python 3.11 or newer is needed (set PYTHON=/path/to/python3.11)" >&2; exit 1; }

VENV="${VENV:-.venv}"
make --no-print-directory install PYTHON="$PYTHON" VENV="$VENV"
export PATH="$PWD/$VENV/bin:$PATH"

# This script's own state: the generated secret key and Celery beat's schedule. (The site keeps its SQLite
# files and posters in Flask's instance folder, ./instance, unless DATABASE_URL and POSTER_DIR say otherwise.)
export INSTANCE_DIR="${INSTANCE_DIR:-$PWD/instance}"
mkdir -p "$INSTANCE_DIR"
# A real secret for this machine, made once and kept with the local state (never in the repository).
if [ -z "${SECRET_KEY:-}" ]; then
    if [ ! -s "$INSTANCE_DIR/secret_key" ]; then
        (umask 077 && python -c 'import secrets; print(secrets.token_hex(32))' > "$INSTANCE_DIR/secret_key")
    fi
    SECRET_KEY="$(cat "$INSTANCE_DIR/secret_key")"
    export SECRET_KEY
fi

scripts/prepare.sh

echo
echo "==> Starting web, worker and beat: http://${HOST:-127.0.0.1}:${PORT:-8000}/  (Ctrl-C stops all)"
database="SQLite (embedded)"; broker="SQLite through the Kombu SQLAlchemy transport (embedded)"
[ -z "${DATABASE_URL:-}" ] || database="DATABASE_URL"
[ -z "${REDIS_URL:-}" ] || broker="Redis at REDIS_URL"
echo "database: $database; Celery broker: $broker"
exec python scripts/supervise.py --procfile Procfile
