"""A live server and Debian's Chromium under Playwright, for tests that drive the register the way
people do.

The live server answers on the test's own database connection, inside the test's transaction, so
everything the browser writes is rolled back afterwards, as any other test's writes are.
pytest-django's `live_server` would make the test transactional instead: its flush (TRUNCATE) is
refused by the ledger's trigger on PostgreSQL, and would wipe the data seeded once for the
whole session.
"""

import importlib.util
import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.servers.basehttp import WSGIServer
from django.core.signals import request_finished, request_started
from django.db import DEFAULT_DB_ALIAS, close_old_connections, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test.testcases import LiveServerThread, QuietWSGIRequestHandler

CHROMIUM = Path("/usr/bin/chromium")
# The machines have no internet: nothing in the background may try to reach it.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-dev-shm-usage",
]
# What Chromium writes to the console when the Content-Security-Policy refuses something.
CSP_SIGNS = ("Content Security Policy", "Refused to")
ARTEFACTS = Path(settings.BASE_DIR) / "artifacts" / "e2e"
VIEWPORT = {"width": 1920, "height": 1080}  # wide enough for the admin's longest lists
TIMEOUT_MS = 20_000  # for any one action or expectation
NAVIGATION_TIMEOUT_MS = 60_000  # the dashboard draws its charts on the way


class OneConnectionServer(WSGIServer):
    """Serves one request at a time, each on the connection lent by the test: requests never
    share it with each other, and they see (and write into) the test's transaction."""

    def __init__(self, *args, connection: BaseDatabaseWrapper, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.connection = connection

    def process_request(self, request, client_address) -> None:
        connections[DEFAULT_DB_ALIAS] = self.connection
        try:
            super().process_request(request, client_address)
        finally:
            # Give it back, so the thread's clean-up at shutdown never closes the test's connection.
            del connections[DEFAULT_DB_ALIAS]


class OneConnectionServerThread(LiveServerThread):
    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        super().__init__("127.0.0.1", static_handler=StaticFilesHandler)
        self.connection = connection

    def _create_server(self, connections_override=None) -> OneConnectionServer:
        return OneConnectionServer(
            (self.host, self.port),
            QuietWSGIRequestHandler,
            allow_reuse_address=False,
            connection=self.connection,
        )


def browser_missing() -> None:
    """Skips when Chromium or Playwright is not installed (a missing service, not missing data),
    and on PostgreSQL unless E2E_ON_POSTGRESQL=1: the pages are the same on either database,
    and `.ci/run` runs them on SQLite (run on both, they would take CI past its 15 minutes).
    What PostgreSQL does differently is tested without a browser, the demo's figures included
    (tests/demo/test_one_set_of_figures.py)."""
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" in engine and os.environ.get("E2E_ON_POSTGRESQL") != "1":
        pytest.skip("the browser tests run on SQLite (E2E_ON_POSTGRESQL=1 runs them here too)")
    if not CHROMIUM.exists():
        pytest.skip(f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    if importlib.util.find_spec("playwright") is None:
        pytest.skip("the playwright package is not installed in this environment")


@pytest.fixture
def live_site(db) -> Iterator[str]:
    """The register served over HTTP, one request at a time, from inside this test's
    transaction; yields its base URL."""
    # Django closes a connection found inside a transaction at each request's start and end;
    # this one is inside the test's transaction on purpose.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    connection = connections[DEFAULT_DB_ALIAS]  # the wrapper itself, not the per-thread proxy
    connection.inc_thread_sharing()
    server = OneConnectionServerThread(connection)
    server.daemon = True
    server.start()
    try:
        if not server.is_ready.wait(timeout=30):
            raise RuntimeError("The live server did not start within 30 seconds.")
        if server.error:
            raise server.error
        yield f"http://{server.host}:{server.port}"
    finally:
        server.terminate()
        connection.dec_thread_sharing()
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def chromium() -> Callable[[], AbstractContextManager[Callable]]:
    """Returns a context manager that runs Chromium and yields `new_page()`: a page in a fresh
    browser context, so with cookies (and a login) of its own.

    Enter it only once the test's data exists: Playwright's sync API runs an event loop in this
    thread, and while it runs Django refuses ORM calls here (SynchronousOnlyOperation). If the
    test fails inside it, every open page is saved as artifacts/e2e/failure-N.png."""
    browser_missing()
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)

    @contextmanager
    def run() -> Iterator[Callable]:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )

            violations: list[str] = []

            def watch(message) -> None:
                if AXE_RUNNING and "inline style" in message.text:
                    return  # axe-core's own probes (a test tool's, not the page's)
                if any(sign in message.text for sign in CSP_SIGNS):
                    violations.append(f"{message.page.url if message.page else ''}: {message.text}")

            def new_page():
                context = browser.new_context(viewport=VIEWPORT)
                context.set_default_timeout(TIMEOUT_MS)
                context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
                page = context.new_page()
                page.on("console", watch)
                return page

            try:
                yield new_page
                assert not violations, "Content-Security-Policy violations:\n" + "\n".join(
                    violations
                )
            except BaseException:
                ARTEFACTS.mkdir(parents=True, exist_ok=True)
                pages = [page for context in browser.contexts for page in context.pages]
                for number, page in enumerate(pages, start=1):
                    with suppress(Exception):  # never hide the failure behind another one
                        page.screenshot(path=ARTEFACTS / f"failure-{number}.png", full_page=True)
                raise
            finally:
                browser.close()

    return run


@pytest.fixture
def screenshot(request) -> Callable:
    """Saves a screenshot (of the whole page, unless told otherwise) as
    artifacts/e2e/<module>-NN-name.png, numbered in the order the test takes them. The names are
    the same on every run, so each run replaces the last one's (tests may run in parallel
    workers, so none of them empties the folder)."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    module = request.node.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    taken = 0

    def take(page, name: str, *, full_page: bool = True) -> Path:
        nonlocal taken
        taken += 1
        path = ARTEFACTS / f"{module}-{taken:02d}-{name}.png"
        page.screenshot(path=path, full_page=full_page)
        return path

    return take


# -- the second factor in the browser: devices are made before Playwright starts (no ORM after)

_KEYS: dict[str, tuple[bytes, int]] = {}
TOLERANCE = (
    10  # steps: each sign-in of a user takes the next step's code (django-otp's replay rule)
)


def enrol_for_browser(user) -> None:
    """Gives `user` a confirmed TOTP device whose codes `browser_code` computes."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(
        user=user, name="Browser test", confirmed=True, tolerance=TOLERANCE
    )
    _KEYS[user.get_username()] = (device.bin_key, 0)


def browser_code(username: str) -> str:
    """The next unused code of the user's device: pure arithmetic, no database."""
    from django_otp.oath import totp

    key, used = _KEYS[username]
    _KEYS[username] = (key, used + 1)
    return f"{totp(key, drift=used):06d}"


# -- accessibility: axe-core (bundled by the axe-playwright-python package; no CDN)

AXE_RUNNING = False  # while axe-core runs, the inline styles it applies are its own
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"critical", "serious"}


def axe_violations(page) -> list[dict]:
    """axe-core's WCAG 2.2 A and AA violations on the page as it stands."""
    from axe_playwright_python.sync_playwright import Axe

    global AXE_RUNNING
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    AXE_RUNNING = True
    try:
        return Axe().run(page, options=options).response["violations"]
    finally:
        AXE_RUNNING = False


def describe(violations: list[dict]) -> str:
    """Each violation, with the first elements it is found at and why (axe's own words)."""
    lines = []
    for violation in violations:
        lines.append(f"  {violation['impact']}: {violation['id']} ({violation['help']})")
        for node in violation["nodes"][:5]:
            checks = node.get("any", []) + node.get("all", []) + node.get("none", [])
            why = next((check["message"] for check in checks if check.get("message")), "")
            lines.append(f"    at {' '.join(node['target'])}: {why}")
    return "\n".join(lines)


def assert_accessible(page, *, public: bool = False) -> None:
    """No critical or serious WCAG 2.2 violation (a public page: none at all)."""
    found = axe_violations(page)
    blocking = found if public else [v for v in found if v["impact"] in BLOCKING]
    assert not blocking, f"axe-core on {page.url}:\n{describe(blocking)}"
