#!/usr/bin/env bash
# Make everything the processes need, idempotently: dataset, trained model, database schema, catalog.
# Run by ./run.sh before it starts the site, and by docker-compose's one-shot `init` service.
# Needs the project installed in the active Python; reads MOVREC_DATA_DIR, MOVREC_ARTIFACTS, DATABASE_URL,
# MOVREC_TRAIN_ARGS (extra arguments for `python -m movrec train`, e.g. "--epochs 8").
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }
export MOVREC_ARTIFACTS="${MOVREC_ARTIFACTS:-artifacts}"

step "MovieLens 1M"
# MOVREC_DATA_DIR if set, else ./data/ml-1m, else a download with a progress bar (checksum verified).
MOVREC_DATA_DIR="$(python -m movrec download)"
export MOVREC_DATA_DIR
echo "dataset: $MOVREC_DATA_DIR"

step "Model"
if python -c 'import sys; from movrec.artifacts import Artifacts; Artifacts.load(sys.argv[1])' \
        "$MOVREC_ARTIFACTS" 2>/dev/null; then
    echo "reusing the trained model in $MOVREC_ARTIFACTS (delete that folder to train again)"
else
    echo "no trained model in $MOVREC_ARTIFACTS yet: training once (MovieLens 1M: about 1.5 minutes on 2 cores)"
    # shellcheck disable=SC2086  # MOVREC_TRAIN_ARGS is a list of words
    TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-1}" \
        python -m movrec train --data "$MOVREC_DATA_DIR" --out "$MOVREC_ARTIFACTS" ${MOVREC_TRAIN_ARGS:-}
fi

step "Database schema"
flask --app webapp db upgrade

step "Movie catalog"
flask --app webapp movrec import
