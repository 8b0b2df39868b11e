# Two commands for a newcomer: `make demo` runs the system, `make test` runs the suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.synced

.PHONY: demo test lint fmt venv migrate messages bench clean

venv: $(STAMP)

# Re-synced only when the lock or project file changes, so a second `make demo` starts fast.
$(STAMP): pyproject.toml uv.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	@$(BIN)/uv sync --frozen --inexact --quiet --python $(BIN)/python
	@touch $(STAMP)

migrate: venv
	@$(BIN)/python manage.py migrate --no-input -v0

# honcho sets PORT itself (5000 unless told), so pass the port the banner prints.
demo: migrate
	@$(BIN)/python manage.py seed_demo
	@echo ""
	@echo "  Admin:   http://127.0.0.1:$${PORT:-8000}/admin/"
	@echo "  Health:  http://127.0.0.1:$${PORT:-8000}/healthz"
	@echo "  API:     http://127.0.0.1:$${PORT:-8000}/api/v1/docs/"
	@echo "  Ctrl-C stops web, worker and beat."
	@echo ""
	@PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile -p "$${PORT:-8000}"

test: venv
	@$(BIN)/pytest $(PYTEST_ARGS)

lint: venv
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check .
	@$(BIN)/lint-imports --no-cache
	@$(BIN)/python manage.py makemigrations --check --dry-run -v0

fmt: venv
	@$(BIN)/ruff check --fix .
	@$(BIN)/ruff format .

messages: venv
	@$(BIN)/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=var
	@$(BIN)/python manage.py compilemessages -l zh_Hans --ignore=.venv

# Each bench prints one line per target: "<what>: <median ratio> (min, max, pairs)  target ...".
# The summary at the end repeats those lines only.
bench: venv
	@mkdir -p var; : > var/bench.log
	@for f in bench/bench_*.py; do echo "== $$f" | tee -a var/bench.log; \
	  $(BIN)/python $$f > var/bench.one.log 2>&1; status=$$?; \
	  cat var/bench.one.log | tee -a var/bench.log; test $$status -eq 0 || exit 1; done
	@echo "== targets"; grep -E " target (>=|<=|equal)" var/bench.log || true

clean:
	rm -rf var
