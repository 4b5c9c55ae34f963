"""Times in the viewer's own zone, each a <time> whose UTC value shows on hover, and UTC for
every viewer with --inbox-times-utc."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from emulator.settings import Settings
from tests.support import basic_auth, message
from tests.ui.conftest import DEADLINE_MS

pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
from playwright.sync_api import expect  # noqa: E402

HANDSET = "+61491570156"
SYDNEY = "Australia/Sydney"
SIZES = pytest.mark.parametrize(
    "size", [{"width": 1280, "height": 900}, {"width": 360, "height": 740}], ids=["1280px", "360px"]
)


@pytest.fixture
def open_page(browser, server):
    """Pages of a browser set to a time zone, at a size."""
    contexts = []

    def _open(size: dict, zone: str):
        context = browser.new_context(base_url=server.base_url, viewport=size, timezone_id=zone)
        context.set_default_timeout(DEADLINE_MS)
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()


def sent_at(http) -> tuple[str, datetime]:
    body = {"messages": [message(content="What time is it?")]}
    assert http.post("/v1/messages", json=body, headers=basic_auth()).status_code == 202
    stored = http.get("/_emulator/messages").json()["messages"][0]
    return stored["created_at"], datetime.fromisoformat(stored["created_at"])


def short(moment: datetime, now: datetime) -> str:
    if moment.date() == now.date():
        return moment.strftime("%H:%M:%S")
    return moment.strftime("%d %b %H:%M")


@SIZES
def test_times_show_in_the_viewers_zone_with_utc_on_hover(open_page, http, size):
    stamp, moment = sent_at(http)
    now = datetime.fromisoformat(http.get("/_emulator/clock").json()["now"])
    page = open_page(size, SYDNEY)
    page.goto(f"/handsets/{HANDSET}")

    shown = page.locator(".bubble-in .bubble-meta time")
    local = moment.astimezone(ZoneInfo(SYDNEY))
    expect(shown).to_have_text(short(local, now.astimezone(ZoneInfo(SYDNEY))))
    expect(shown).to_have_attribute("datetime", stamp)
    expect(shown).to_have_attribute("title", f"{stamp} (UTC)")
    expect(page.locator(".clock-zone")).not_to_have_text("UTC")
    clock = page.locator("#emulator-clock")
    expect(clock).to_contain_text(now.astimezone(ZoneInfo(SYDNEY)).strftime("%d %b"))


class TestUtcForEveryone:
    @pytest.fixture
    def settings(self, store_db) -> Settings:
        return Settings(db=store_db, inbox_refresh_seconds=0.2, inbox_times_utc=True)

    @SIZES
    def test_the_setting_shows_utc_whatever_the_viewers_zone(self, open_page, http, size):
        _, moment = sent_at(http)
        now = datetime.fromisoformat(http.get("/_emulator/clock").json()["now"])
        page = open_page(size, SYDNEY)
        page.goto(f"/handsets/{HANDSET}")

        expect(page.locator(".bubble-in .bubble-meta time")).to_have_text(short(moment, now))
        expect(page.locator(".clock-zone")).to_have_text("UTC")
