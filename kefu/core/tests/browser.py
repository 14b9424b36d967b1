"""What every browser test shares: Debian's Chromium through Playwright, headless, one browser per test.

The fixtures (`browser`, `browser_page`, `shots`) are a plugin of the root conftest; a test module sets
`pytestmark = BROWSER` and imports the helpers it calls:

    from kefu.core.tests.browser import BROWSER, log_in, new_page
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

# Playwright's sync API runs an event loop in this thread; the ORM calls of a test are still plain synchronous code.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"  # Debian's package, never a browser downloaded by `playwright install`
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PASSWORD = "pass-1234"  # the test users' password (conftest.make_user)

# CI installs Chromium, so there a missing browser is a failure, not a skip.
BROWSER = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not os.environ.get("CI"), reason="Debian's chromium is not installed"
    ),
]


@pytest.fixture
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
        # While Playwright's loop runs, Django keeps this thread's connections in the loop's context, apart from
        # the plain thread-local ones that pytest-django closes: close them here, or the test database cannot be
        # dropped at the end of the run ("being accessed by other users").
        connections.close_all()


def new_page(browser, width: int = 1366, height: int = 900, **context_options):
    """A page in a fresh context (its own cookies): one per person in a flow, a tablet or a phone by its size."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN", **context_options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


@pytest.fixture
def browser_page(browser):
    return new_page(browser)


@pytest.fixture
def shots(request):
    """Screenshots land under var/screenshots/<app>: evidence of what the pages showed."""
    app = request.module.__name__.split(".")[1]
    folder = Path(settings.VAR_DIR) / "screenshots" / app
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def log_in(page, base: str, username: str, *, landing: str | None = "/work-orders/**") -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    if landing:
        page.wait_for_url(f"{base}{landing}")
    else:
        page.wait_for_load_state()


def log_out(page, base: str) -> None:
    page.get_by_test_id("logout").click()
    page.wait_for_url(f"{base}/login/**")


def open_form(page, attribute: str, name: str):
    """Open the folded <details> form of a step or action (`data-<attribute>="<name>"`) and return the form."""
    page.locator(f'details[data-{attribute}="{name}"] > summary').click()
    return page.locator(f'details[data-{attribute}="{name}"] form')
