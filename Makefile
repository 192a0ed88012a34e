# The two commands: `make run` (the product on SQLite with demo data) and `make test`.
PYTHON ?= python3
UV_VERSION := 0.13.9
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py

.PHONY: run test setup lint bench

# Install uv if missing, then the locked dependencies into .venv.
setup:
	@command -v uv >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	@uv sync --frozen --quiet --python $(PYTHON)

run: setup
	DEBUG=1 $(MANAGE) migrate --no-input
	DEBUG=1 $(MANAGE) seed_demo
	DEBUG=1 $(MANAGE) demo_login
	DEBUG=1 $(MANAGE) runserver 127.0.0.1:8000

test: setup
	$(VENV)/bin/pytest

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
