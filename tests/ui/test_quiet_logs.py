"""An open page follows the change log without writing a request log line each time it looks;
real API calls keep their one line each."""

from __future__ import annotations

import logging

import pytest

from emulator.logs import REQUEST_LOG
from tests.support import basic_auth, message

pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
from playwright.sync_api import expect  # noqa: E402


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def request_log():
    lines = Lines()
    REQUEST_LOG.addHandler(lines)
    level = REQUEST_LOG.level
    REQUEST_LOG.setLevel(logging.INFO)
    yield lines.lines
    REQUEST_LOG.removeHandler(lines)
    REQUEST_LOG.setLevel(level)


@pytest.mark.parametrize(
    "size", [{"width": 1280, "height": 900}, {"width": 360, "height": 740}], ids=["1280px", "360px"]
)
def test_following_changes_writes_no_line_and_an_api_call_writes_one(page, http, request_log, size):
    page.set_viewport_size(size)
    page.goto("/")
    for _ in range(3):
        with page.expect_request(lambda sent: "/changes?" in sent.url):
            pass

    body = {"messages": [message(content="Logged once")]}
    assert http.post("/v1/messages", json=body, headers=basic_auth()).status_code == 202
    expect(page.locator(".handset", has_text="Logged once")).to_be_visible()
    with page.expect_request(lambda sent: "/changes?" in sent.url):
        pass

    assert not [line for line in request_log if "/changes" in line or "/_emulator/" in line]
    assert len([line for line in request_log if line.startswith("POST /v1/messages 202")]) == 1
