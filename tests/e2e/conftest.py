"""Browser tests: Playwright drives Debian's chromium against pytest-django's live server.

Never `playwright install`: the browser is the system's /usr/bin/chromium (`apt-get install
chromium`). Without it the tests are skipped with that hint, except in CI where they must run.
"""

import os
from pathlib import Path

import pytest

from tests.conftest import running_in_ci

CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
E2E_DIR = Path(__file__).parent
MISSING = f"chromium not installed at {CHROMIUM}: apt-get install chromium"
SKIP_REASON = f"{MISSING} (browser tests skipped)"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-extensions",
    "--no-first-run",
]


def chromium_available() -> bool:
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)


def pytest_collection_modifyitems(config, items):
    if chromium_available() or running_in_ci():
        return
    skip = pytest.mark.skip(reason=SKIP_REASON)
    for item in items:
        if E2E_DIR in Path(str(item.fspath)).parents:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter):
    # -ra lists the skips too, but one plain line is easier to notice at the end of `make test`.
    if not chromium_available() and not running_in_ci():
        terminalreporter.write_line(f"e2e: {SKIP_REASON}", yellow=True)


@pytest.fixture(scope="package")
def browser():
    """One chromium for all the browser tests; each visitor gets a fresh context (cookies, storage)."""
    if not chromium_available():
        pytest.fail(f"CI must run the browser tests, but {MISSING}")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an asyncio loop in this thread; Django then refuses ORM calls from
    # the test body ("You cannot call this from an async context") unless told it is safe. Only
    # while the browser runs: the variable must not leak into later tests (check --deploy flags it).
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()


@pytest.fixture(autouse=True)
def _live_server_settings(settings, live_server):
    """Links the app prints (the certificate's verification URL) must point at the live server.

    Nothing else is overridden: settings_test already gives locmem mail and eager Celery, and the
    production cookie settings (Secure, __Host- session and CSRF cookies) work as they are: chromium
    treats http://localhost as a secure context.
    """
    settings.SITE_URL = live_server.url


@pytest.fixture
def open_browser(browser, live_server, request):
    """open_browser(name) -> a Visitor with its own cookies (a fresh, logged-out context)."""
    from .browsing import Visitor

    visitors = []

    def open_(name: str, **kwargs) -> "Visitor":
        visitor = Visitor(browser, live_server.url, journey=request.node.name, name=name, **kwargs)
        visitors.append(visitor)
        return visitor

    yield open_
    for visitor in visitors:
        visitor.close()
