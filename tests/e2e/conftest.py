"""Browser tests: Playwright for Python driving Debian's chromium against the live server.

Playwright's own browser download does not work here, so the system chromium is launched
directly. Without it the tests are skipped with a printed reason, except under CI=true where a
missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.e2e.journey_checks import SCREENS

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a thread
# with a running loop unless told that this is deliberate (it is: tests set up data directly).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("BAOMI_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if Path(CHROMIUM).exists() or os.environ.get("CI") == "true":
        return
    reason = f"no chromium at {CHROMIUM} (apt-get install chromium fonts-wqy-microhei)"
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"CI=true but no chromium at {CHROMIUM}")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "locale": "en-US", "timezone_id": "Asia/Shanghai"}


@pytest.fixture
def console_errors(page) -> list[str]:
    """Every console error and uncaught exception of the page (CSP violations show up here)."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


@pytest.fixture(autouse=True)
def _close_every_context(request):
    """Every browser context a test opened is closed when it ends. An open context keeps its
    keep-alive connections to the live server, and each of those holds a database connection
    until it closes: on PostgreSQL the journeys once used up every connection slot."""
    yield
    if "browser" in request.fixturenames:
        browser = request.getfixturevalue("browser")
        for context in list(browser.contexts):
            context.close()


FAILURE_SHOTS = Path(os.environ.get("BAOMI_VAR_DIR", "var")) / "screenshots" / "failures"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def signed_in(request, browser, live_server):
    """``signed_in(user, locale="zh-CN", width=1366)``: a page of a new browser context already
    past both factors and the agreement (the session of ``tests.helpers.client_verified``), in
    Chinese by default. Every page it made is screenshotted into var/screenshots/failures/ when
    the test fails (CI keeps that folder as an artifact)."""
    from django.conf import settings

    from tests.helpers import client_verified

    pages = []

    def open_page(user, locale: str = "zh-CN", width: int = SCREENS["desktop"]):
        cookie = client_verified(user).cookies[settings.SESSION_COOKIE_NAME]
        context = browser.new_context(locale=locale, timezone_id="Asia/Shanghai")
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
        page = context.new_page()
        page.set_viewport_size({"width": width, "height": 900})
        page.console_errors = []
        page.on(
            "console",
            lambda m, p=page: p.console_errors.append(m.text) if m.type == "error" else None,
        )
        pages.append((getattr(user, "username", str(user)), page))
        return page

    yield open_page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        FAILURE_SHOTS.mkdir(parents=True, exist_ok=True)
        name = request.node.name.replace("/", "_").replace("[", "-").replace("]", "")
        for username, page in pages:
            try:
                page.screenshot(path=str(FAILURE_SHOTS / f"{name}-{username}.png"), full_page=True)
            except Exception as problem:  # a closed page must not hide the failure
                print(f"no screenshot of {username}'s page: {problem}")
    for _username, page in pages:
        page.context.close()
