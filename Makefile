# The two commands: `make run` (the product on SQLite with demo data) and `make test`.
PYTHON ?= python3
UV_VERSION := 0.13.9
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py

.PHONY: run test setup system-deps lint

# Let Python keep the modules it compiles: where a machine sets PYTHONDONTWRITEBYTECODE, every
# start of the application (each test worker, each manage.py) compiles them all again, about
# 4 s of the 5.5 s it takes to start. `uv sync --compile-bytecode` does the same for the
# installed packages.
unexport PYTHONDONTWRITEBYTECODE

# Debian packages the tests use: pdftoppm (poppler-utils) renders report pages to PNG; WeasyPrint
# needs Pango; the browser test drives Debian's Chromium (Playwright never downloads a browser).
SYSTEM_PACKAGES := poppler-utils libpango-1.0-0 libpangoft2-1.0-0 chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Install uv if missing, then the locked dependencies into .venv.
setup:
	@command -v uv >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	@uv sync --frozen --quiet --compile-bytecode --python $(PYTHON)

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

# One pytest worker per CPU (at most 4), each with its own test database holding the persona
# register. loadgroup: the tests on the full demo, and the upgrade test, each run in one worker,
# so that their set-up is done once (tests/conftest.py names the groups).
test: setup system-deps
	$(VENV)/bin/pytest -n auto --maxprocesses 4 --dist loadgroup

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	# mypy's Django plugin loads app.settings; DEBUG=1 lets it do so without a secret key.
	DEBUG=1 $(VENV)/bin/mypy
