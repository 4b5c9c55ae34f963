"""Browser tests of the web inbox: Debian's chromium driven by Playwright, against a real server.

Playwright's own browser download is not used: the tests launch /usr/bin/chromium, and skip,
saying why, when it or the playwright package is missing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator.settings import Settings
from tests.receivers import WebhookReceiver

CHROMIUM = Path(os.environ.get("MM_EMULATOR_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# How long a test waits for what it expects.
DEADLINE_MS = 10_000


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed (pip install playwright)"
    )
    if not CHROMIUM.exists():
        pytest.skip(f"no chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, server):
    """A desktop-sized page whose relative URLs go to the server; it fails the test if the
    page logs a script error or opens a dialog."""
    context = browser.new_context(base_url=server.base_url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(DEADLINE_MS)
    opened = context.new_page()
    problems: list[str] = []
    opened.on("dialog", lambda dialog: _dialog(dialog, problems))
    opened.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    opened.on("console", lambda message: _console_error(message, problems))
    opened.problems = problems
    yield opened
    context.close()
    assert problems == []


def _dialog(dialog, problems: list[str]) -> None:
    problems.append(f"dialog: {dialog.message}")
    dialog.dismiss()


def _console_error(message, problems: list[str]) -> None:
    # An answer like 400 is logged by the browser itself; the tests provoke some on purpose.
    if message.type == "error" and not message.text.startswith("Failed to load resource"):
        problems.append(f"console: {message.text}")


@pytest.fixture
def receivers() -> Iterator:
    """Start webhook receivers on demand; all are stopped afterwards."""
    started: list[WebhookReceiver] = []

    def _start(**options) -> WebhookReceiver:
        receiver = WebhookReceiver(**options).start()
        started.append(receiver)
        return receiver

    yield _start
    for receiver in started:
        receiver.stop()


@pytest.fixture
def settings(store_db) -> Settings:
    """The page looks for changes five times a second: the tests wait less for what they expect."""
    return Settings(db=store_db, inbox_refresh_seconds=0.2)
