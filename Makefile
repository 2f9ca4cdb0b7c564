# wellness: `make run` serves the demo on http://127.0.0.1:5000; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := app.py

.PHONY: run test lint format bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

run: $(VENV)/.installed
	$(BIN)/flask db upgrade
	$(BIN)/flask demo seed --if-empty
	$(BIN)/flask demo logins
	@echo "Serving on http://$(HOST):$(PORT) (Ctrl-C to stop)"
	BASE_URL="$${BASE_URL:-http://$(HOST):$(PORT)}" $(BIN)/flask run --host $(HOST) --port $(PORT)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev-installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The whole suite on SQLite, and again on PostgreSQL when TEST_DATABASE_URL is set. The two passes
# run side by side (each has its own databases, ports and Redis keys); the SQLite pass's output is
# shown when both are done.
test: lint
ifdef TEST_DATABASE_URL
	log=$$(mktemp); \
	env -u TEST_DATABASE_URL $(BIN)/pytest -q -p no:cacheprovider > $$log 2>&1 & \
	sqlite=$$!; \
	$(BIN)/pytest -q -p no:cacheprovider; postgres=$$?; \
	wait $$sqlite; sqlite_status=$$?; \
	echo "--- SQLite pass ---"; cat $$log; rm -f $$log; \
	test $$postgres -eq 0 -a $$sqlite_status -eq 0
else
	env -u TEST_DATABASE_URL $(BIN)/pytest -q -p no:cacheprovider
	@if [ "$$REQUIRE_POSTGRES" = "1" ]; then echo "REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set" >&2; exit 1; fi
	@echo "TEST_DATABASE_URL is not set: the PostgreSQL pass was skipped."
endif

bench: $(VENV)/.dev-installed
	$(BIN)/python bench/roster_import.py
	$(BIN)/python bench/rsvp_load.py
	$(BIN)/python bench/feeds.py
	$(BIN)/python bench/holidays.py
	$(BIN)/python bench/coaching.py
	$(BIN)/python bench/sgim.py

clean:
	rm -rf $(VENV) tests/artifacts .pytest_cache .ruff_cache
