# ECHO Hub developer commands. `make run` and `make test` set everything up.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
# The suite runs in this many processes (pytest-xdist), each with its own test database.
PYTEST_WORKERS ?= 2

.PHONY: setup run test lint format bench worker beat clean messages

# The translations: .po files are committed, .mo files are compiled here (gettext's msgfmt).
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po locale_allauth/*/LC_MESSAGES/*.po))

setup: $(STAMP) $(MO_FILES)

locale/%.mo: locale/%.po
	@command -v msgfmt >/dev/null || { echo "msgfmt not found: install gettext (apt-get install gettext)"; exit 1; }
	msgfmt --check-format -o $@ $<

locale_allauth/%.mo: locale_allauth/%.po
	@command -v msgfmt >/dev/null || { echo "msgfmt not found: install gettext (apt-get install gettext)"; exit 1; }
	msgfmt --check-format -o $@ $<

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
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Benchmarks run on the real stack: PostgreSQL (pytest-django creates and drops the database
# test_<name> of DATABASE_URL), Redis (the broker and cache; the bench flushes its db) plus the
# gunicorn and Celery workers the benches start themselves. Point them elsewhere with
# DATABASE_URL=... REDIS_URL=... make bench; PYTEST_ARGS="-k throughput" runs some.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/echo_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/15

bench: setup
	DATABASE_URL="$${DATABASE_URL:-$(BENCH_DATABASE_URL)}" REDIS_URL="$${REDIS_URL:-$(BENCH_REDIS_URL)}" \
		$(PY) -m pytest tests/bench -m bench -p no:cacheprovider -s $(PYTEST_ARGS)

# After changing or adding a translatable string: update the catalogue, translate, commit the .po.
messages: setup
	$(PY) manage.py makemessages -l fr_CA --ignore '.venv*' --ignore staticfiles --ignore tests --no-obsolete
	$(PY) manage.py makemessages -d djangojs -l fr_CA --ignore '.venv*' --ignore staticfiles --ignore static/vendor --no-obsolete

worker: setup
	$(VENV)/bin/celery -A echo_hub worker -l info

beat: setup
	$(VENV)/bin/celery -A echo_hub beat -l info

# Removes caches and build output; keeps .venv, db.sqlite3 and media/.
clean:
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache staticfiles celerybeat-schedule* $(STAMP)
