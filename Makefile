# The two commands: `make run` (the product on SQLite with demo data) and `make test`.
PYTHON ?= python3
UV_VERSION := 0.13.9
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py

.PHONY: run test setup system-deps lint

# Debian packages the tests use: pdftoppm (poppler-utils) renders report pages to PNG; WeasyPrint
# needs Pango; the browser test drives Debian's Chromium (Playwright never downloads a browser).
SYSTEM_PACKAGES := poppler-utils libpango-1.0-0 libpangoft2-1.0-0 chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Install uv if missing, then the locked dependencies into .venv.
setup:
	@command -v uv >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	@uv sync --frozen --quiet --python $(PYTHON)

run: setup
	DEBUG=1 $(MANAGE) migrate --no-input
	DEBUG=1 $(MANAGE) seed_demo
	DEBUG=1 $(MANAGE) demo_login
	DEBUG=1 $(MANAGE) runserver 127.0.0.1:8000

system-deps:
	@{ command -v pdftoppm && [ -x /usr/bin/chromium ] && ldconfig -p | grep -q libpangoft2; } \
		>/dev/null 2>&1 || \
		{ $(SUDO) apt-get update -q && \
		$(SUDO) apt-get install -y -q --no-install-recommends $(SYSTEM_PACKAGES); }

# One pytest worker per CPU (at most 4), each with its own test database and demo data. Not
# --dist loadgroup: it runs only one of the schemathesis tests, which share one node id.
test: setup system-deps
	$(VENV)/bin/pytest -n auto --maxprocesses 4

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	# mypy's Django plugin loads app.settings; DEBUG=1 lets it do so without a secret key.
	DEBUG=1 $(VENV)/bin/mypy
