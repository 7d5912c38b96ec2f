# hrapp: `make run` serves the demo on 127.0.0.1:5000; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := hrapp:create_app

.PHONY: run worker test test-pg e2e-deps bench load load-deps translations lint format migrate clean

$(BIN)/activate: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $(BIN)/activate

venv: $(BIN)/activate

translations: venv
	$(BIN)/pybabel compile -d hrapp/translations -f >/dev/null

# One Celery worker (SQLAlchemy transport on a SQLite file, no server needed) runs beside the web
# server and stops with it.
run: venv translations
	$(BIN)/flask db upgrade
	$(BIN)/flask seed demo --if-empty
	$(BIN)/celery -A hrapp.tasks.worker worker -P solo -l warning --without-gossip --without-mingle & \
	worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/flask run --host 127.0.0.1 --port 5000

worker: venv translations
	$(BIN)/celery -A hrapp.tasks.worker worker -l info

test: venv translations
	$(BIN)/pytest -q $(PYTEST_ARGS)

bench: venv translations
	$(BIN)/python -m bench

# The load test (bench/load): gunicorn with 2 workers, 32 locust users for 60 s, a case import in
# the background; LOAD_DATABASE=postgresql runs it on BENCH_LOAD_PG_URL instead of a SQLite file.
LOAD_DATABASE ?= sqlite
load-deps: venv
	$(BIN)/pip install --quiet -r bench/requirements.txt

load: load-deps translations
	$(BIN)/python -m bench.load --database $(LOAD_DATABASE)

# After changing user-facing strings: extract them and merge into the catalogues.
messages: venv
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ --ignore-dirs=".* __pycache__" -o hrapp/translations/messages.pot --no-location --sort-output -w 120 .
	$(BIN)/pybabel update -i hrapp/translations/messages.pot -d hrapp/translations --ignore-obsolete --no-fuzzy-matching -w 120

lint: venv
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrate: venv
	$(BIN)/flask db upgrade

clean:
	rm -rf $(VENV) .pytest_cache
