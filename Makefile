# ECHO Hub developer commands. `make run` and `make test` set everything up.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: setup run test lint format bench worker beat clean

setup: $(STAMP)

# Re-install only when a requirements file changed since the last install.
$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -r requirements-dev.txt
	touch $@

# DEBUG defaults to false (production); the local server runs with it on.
run: export DEBUG = true
run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:8000

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: setup
	@if [ -d tests/bench ]; then \
		$(PY) -m pytest tests/bench -m bench -p no:cacheprovider -s; \
	else \
		echo "make bench: there is no tests/bench directory yet, so there is nothing to benchmark."; \
	fi

worker: setup
	$(VENV)/bin/celery -A echo_hub worker -l info

beat: setup
	$(VENV)/bin/celery -A echo_hub beat -l info

# Removes caches and build output; keeps .venv, db.sqlite3 and media/.
clean:
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache staticfiles celerybeat-schedule* $(STAMP)
