#!/usr/bin/env bash
# Make everything the processes need, idempotently: trained model, database schema, catalogue.
# Run by ./run.sh before it starts the site, and by docker-compose's one-shot `init` service.
# Needs the project installed in the active Python; reads MOVREC_DATA_DIR, MOVREC_ARTIFACTS, DATABASE_URL,
# MOVREC_TRAIN_ARGS (extra arguments for `python -m movrec train`, e.g. "--epochs 8").
#
# MovieLens is needed only to train and to fill an empty catalogue: once the model and the catalogue exist,
# a restart needs neither MOVREC_DATA_DIR nor internet. A MOVREC_DATA_DIR that is given is always imported.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }
export MOVREC_ARTIFACTS="${MOVREC_ARTIFACTS:-artifacts}"

dataset() {
    step "MovieLens 1M"
    # MOVREC_DATA_DIR if set, else ./data/ml-1m, else a download (checksum verified).
    MOVREC_DATA_DIR="$(python -m movrec download)"
    export MOVREC_DATA_DIR
    echo "dataset: $MOVREC_DATA_DIR"
}

[ -z "${MOVREC_DATA_DIR:-}" ] || dataset

step "Model"
# Any file missing or unreadable (cut short, corrupt) means training again; the reason is the error's last line.
if load_error="$(python -c 'import sys; from movrec.artifacts import Artifacts; Artifacts.load(sys.argv[1])' \
        "$MOVREC_ARTIFACTS" 2>&1)"; then
    echo "reusing the trained model in $MOVREC_ARTIFACTS (delete that folder to train again)"
else
    echo "no usable trained model: ${load_error##*$'\n'}"
    [ -n "${MOVREC_DATA_DIR:-}" ] || dataset
    echo "training once into $MOVREC_ARTIFACTS (MovieLens 1M: 3-7 minutes on 2 cores)"
    # shellcheck disable=SC2086  # MOVREC_TRAIN_ARGS is a list of words
    TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-1}" \
        python -m movrec train --data "$MOVREC_DATA_DIR" --out "$MOVREC_ARTIFACTS" ${MOVREC_TRAIN_ARGS:-}
fi

step "Database schema"
flask --app webapp db upgrade

step "Movie catalogue"
if [ -n "${MOVREC_DATA_DIR:-}" ]; then
    flask --app webapp movrec import
else
    flask --app webapp movrec import --if-empty
fi
