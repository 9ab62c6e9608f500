# movrec's commands; `make` alone lists them. The README's two are `make run` and `make test`.
# PYTHON: the interpreter for the venv (default: the first Python 3.11+ of python3, python3.13, python3.12,
# python3.11; checked by scripts/python.sh before anything is installed). VENV: where the venv lives.
PYTHON ?=
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=
RUNS ?= 5

.DEFAULT_GOAL := help
.PHONY: help run test test-fast test-reliability bench install lock check-lock clean

help:
	@echo 'make run          install, get MovieLens 1M, train once, migrate, import, then serve web + worker + beat'
	@echo '                  on http://127.0.0.1:8000/ (Ctrl-C stops all); settings: README.md, "Configuration"'
	@echo 'make test         the whole test suite (about 23 minutes; needs PostgreSQL and Redis on 127.0.0.1, see README)'
	@echo 'make test-fast    the tests not marked slow: no training on real data, no processes started'
	@echo '                  PYTEST_ARGS passes more to pytest, e.g. make test PYTEST_ARGS="-x -k gate"'
	@echo 'make test-reliability'
	@echo '                  the fault tests of tests/reliability (Redis, worker, Douban, PostgreSQL, gunicorn faults'
	@echo '                  under load) RUNS times in a row (default 5; CI runs this after make test)'
	@echo 'make bench        train on MovieLens 1M and time the recommender (MOVREC_DATA_DIR, else ../shared/data/ml-1m);'
	@echo '                  writes bench/results/ and docs/benchmarks.md; minutes of CPU'
	@echo 'make install      only the venv ($(VENV)) with the project, its train and test extras, pinned by constraints.txt'
	@echo 'make lock         rewrite constraints.txt from the venv (after upgrading packages in it on purpose)'
	@echo 'make check-lock   ask PyPI whether constraints.txt installs on Linux x86-64/aarch64 and macOS arm64'
	@echo 'make clean        delete $(VENV), artifacts/ (the trained model: the next run trains again), artifacts-bench/,'
	@echo '                  .pytest_cache and build leftovers; keeps data/ (the MovieLens download) and instance/'
	@echo 'make clean CLEAN_INSTANCE=yes'
	@echo '                  also delete instance/: the SQLite database with every account and rating, the posters,'
	@echo '                  the generated SECRET_KEY and the beat schedule'

$(BIN)/python:
	@python="$$(PYTHON='$(PYTHON)' scripts/python.sh)" && echo "creating $(VENV) with $$python" \
		&& "$$python" -m venv $(VENV) \
		&& $(BIN)/python -m pip install --quiet --upgrade pip \
		|| { rm -rf $(VENV); exit 1; }

# Re-install only when the dependency list or the pins change.
$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[train,test]'
	touch $@

install: $(VENV)/.installed

run: install
	./run.sh

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: install
	$(BIN)/python -m pytest -m 'not slow' $(PYTEST_ARGS)

test-reliability: install
	$(BIN)/python -m pytest tests/reliability --reliability-runs $(RUNS) $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/bench_core.py

lock: install
	$(BIN)/python scripts/constraints.py write

check-lock: install
	$(BIN)/python scripts/constraints.py check

clean:
	rm -rf $(VENV) artifacts artifacts-bench .pytest_cache build *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
ifeq ($(CLEAN_INSTANCE),yes)
	rm -rf instance
else
	@[ ! -d instance ] || echo 'kept instance/ (accounts, ratings, posters, secret key): make clean CLEAN_INSTANCE=yes deletes it'
endif
