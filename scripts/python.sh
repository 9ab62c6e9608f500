#!/usr/bin/env bash
# Print the Python 3.11+ to build the virtual environment with, or fail with what to do.
# $PYTHON if set, else the first of python3, python3.13, python3.12, python3.11 that is 3.11 or newer
# (macOS's own python3 may be older). Used by the Makefile and ./run.sh before anything is installed.
set -euo pipefail

new_enough() { command -v "$1" >/dev/null && "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; }

if [ -n "${PYTHON:-}" ]; then
    candidates=("$PYTHON")
else
    candidates=(python3 python3.13 python3.12 python3.11)
fi
for candidate in "${candidates[@]}"; do
    if new_enough "$candidate"; then
        command -v "$candidate"
        exit 0
    fi
done
echo "movrec: Python 3.11 or newer is needed (set PYTHON=/path/to/python3.11)" >&2
exit 1
