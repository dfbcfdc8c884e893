# make run: install what is missing, migrate, seed and serve http://127.0.0.1:8000
# make test: install what the tests need and run them (PostGIS, headless Chromium)
# make lint: ruff's format and rules (pyproject.toml)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint system system-test web bench clean

run: system $(VENV)/.installed web
	$(BIN)/warroom serve --migrate --seed

# Two workers by default (the CI machine has two cores); TEST_WORKERS=0 runs in one process, e.g. to debug.
TEST_WORKERS ?= 2

test: system-test $(VENV)/.installed-test web
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

lint: system $(VENV)/.installed-lint
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

system:
	@tools/ensure-system-packages.sh

system-test:
	@tools/ensure-system-packages.sh test

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	@touch $@

$(VENV)/.installed-lint: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q "$$(sed -n 's/^ *"\(ruff[^"]*\)",.*$$/\1/p' pyproject.toml)"
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install -q -e '.[test]'
	@touch $@

web: web/node_modules/.installed

web/node_modules/.installed: web/package.json web/package-lock.json
	npm ci --prefix web --no-audit --no-fund
	@touch $@

BENCHES := api_projects ogc map_load dashboard bulletin photo_upload photo_stamp siting_batch

# Each script prints its figures beside a same-run baseline; the load average says how busy the machine was.
bench: system-test $(VENV)/.installed-test web
	@for b in $(BENCHES); do echo; echo "== bench/$$b.py   load average $$(cut -d' ' -f1-3 /proc/loadavg)"; \
		$(BIN)/python bench/$$b.py || exit 1; done

clean:
	rm -rf $(VENV) web/node_modules var
