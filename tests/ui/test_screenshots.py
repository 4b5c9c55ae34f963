"""Every page of the web inbox at 1280 and 360 px wide, with a demo's worth of data.

The pictures go to docs/screenshots/ when MM_EMULATOR_SCREENSHOTS is set (that is how the
manual's are made), otherwise to a temporary folder. At 360 px nothing may scroll sideways.
"""

from __future__ import annotations

import base64
import os
import struct
import threading
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.support import basic_auth

pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
from playwright.sync_api import expect  # noqa: E402

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WIDTHS = {"desktop": 1280, "mobile": 360}
# Scroll the phone's screen (not the window) so that the bubble starts at its top.
SCROLL_INTO_THREAD = """bubble => {
  const scroller = document.getElementById("thread-scroller");
  const top = bubble.getBoundingClientRect().top - scroller.getBoundingClientRect().top;
  scroller.scrollTop += top - 12;
}"""


def png(width: int, height: int, top: tuple, bottom: tuple) -> bytes:
    """A vertical gradient with a sun, as a PNG: a stand-in photo for MMS."""
    rows = []
    for y in range(height):
        mix = y / (height - 1)
        row = bytearray([0])
        for x in range(width):
            colour = [round(a + (b - a) * mix) for a, b in zip(top, bottom, strict=True)]
            if (x - width * 0.7) ** 2 + (y - height * 0.35) ** 2 < (height * 0.16) ** 2:
                colour = [255, 214, 102]
            if y > height * (0.72 - 0.08 * abs(x / width - 0.4)):
                colour = [46, 125, 80]
            row.extend(colour)
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        checksum = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + checksum

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def local_site() -> Iterator[str]:
    """A stand-in for the demo's outside world: /photo.png is an MMS media host, POST /hook a
    receiver that answers 200 with a small body, POST /down one that answers 503."""
    photo = png(240, 160, (116, 185, 255), (200, 230, 255))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self._answer(200, "image/png", photo)

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.path == "/down":
                self._answer(503, "text/plain", b"Service Unavailable: queue is full, retry later")
            else:
                self._answer(200, "application/json", b'{"received": true}')

        def _answer(self, status: int, kind: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def send(http, *messages: dict, account: str | None = None) -> list[str]:
    response = http.post(
        "/v1/messages", json={"messages": list(messages)}, headers=basic_auth(account=account)
    )
    assert response.status_code == 202, response.text
    return [echo["message_id"] for echo in response.json()["messages"]]


def earlier_days(http) -> None:
    """A few days of messages before the demo's own, to handsets it writes to later: what the
    Reports page charts."""
    for day in range(4):
        orders = [
            {"content": f"Order 10{day}{n} has shipped.", "destination_number": "+61491570177"}
            for n in range(1 + day % 3)
        ]
        send(
            http,
            *orders,
            {"content": "Your parcel is waiting.", "destination_number": "+61400000411"},
        )
        http.post("/_emulator/clock/advance", json={"seconds": 10})
        reply = {"source_number": "+61491570177", "content": "Thanks!"}
        assert http.post("/_emulator/replies", json=reply).status_code == 201
        http.post("/_emulator/clock/advance", json={"seconds": 86400})


def numbers_and_sender_addresses(http) -> None:
    """A dedicated number taken with a label, and sender address requests in each state."""
    pool = http.get("/v1/messaging/numbers/dedicated/?matching=570201", headers=basic_auth())
    [number] = pool.json()["data"]
    taken = http.post(
        f"/v1/messaging/numbers/dedicated/{number['id']}/assignment",
        json={"label": "Support line"},
        headers=basic_auth(),
    )
    assert taken.status_code == 201
    requests = [
        ("HOLDBrand", "ALPHANUMERIC", "ALPHANUMERIC"),
        ("Clinic", "ALPHANUMERIC", "ALPHANUMERIC"),
        ("+61491570321", "INTERNATIONAL", "OWN_NUMBER"),
    ]
    for address, kind, usage in requests:
        body = {
            "sender_address": address,
            "sender_address_type": kind,
            "usage_type": usage,
            "destination_countries": ["AU"],
            "reason": "Our brand",
        }
        made = http.post(
            "/v1/messaging/numbers/sender_address/requests", json=body, headers=basic_auth()
        )
        assert made.status_code == 201, made.text


@pytest.fixture
def demo(http, local_site) -> dict:
    """Conversations, replies, a failing receiver and a feature change, as in a demo."""
    earlier_days(http)
    numbers_and_sender_addresses(http)
    happy, failing = f"{local_site}/hook", f"{local_site}/down"
    handset = "+61491570156"
    [appointment] = send(
        http,
        {
            "content": "Hi Sam, your appointment with Dr Lee is tomorrow at 9:30. Reply YES to"
            " confirm.",
            "destination_number": handset,
            "source_number": "+61491570157",
            "delivery_report": True,
            "callback_url": happy,
            "metadata": {"patient": "1042", "clinic": "Surry Hills"},
        },
    )
    http.post("/_emulator/clock/advance", json={"seconds": 5})
    reply = {"source_number": handset, "content": "Yes, see you then!", "message_id": appointment}
    assert http.post("/_emulator/replies", json=reply).status_code == 201
    send(
        http,
        {
            "content": "Thanks Sam — you’re confirmed. Here’s the map to the clinic.",
            "destination_number": handset,
            "source_number": "+61491570157",
            "format": "MMS",
            "subject": "Your visit",
            "media": [f"{local_site}/photo.png"],
            "delivery_report": True,
            "callback_url": happy,
        },
    )
    send(
        http,
        {
            "content": "Reminder: bring your Medicare card.",
            "destination_number": handset,
            "source_number": "+61491570157",
            "scheduled": "2099-01-01T08:00:00Z",
        },
    )
    send(
        http,
        {
            "content": "Flash sale! 20% off everything until midnight.",
            "destination_number": "+61491570188",
            "delivery_report": True,
            "callback_url": failing,
        },
        {"content": "Your code is 448 120", "destination_number": "+61491570177"},
        {
            "content": "Order #5531 could not be delivered.",
            "destination_number": "+61400000411",
            "delivery_report": True,
        },
    )
    send(
        http,
        {"content": "Team standup moved to 10:15.", "destination_number": "+61491570199"},
        account="DemoSubAccount1",
    )
    http.post("/_emulator/clock/advance", json={"seconds": 30})
    photo = base64.b64encode(png(160, 120, (255, 183, 148), (255, 236, 210))).decode()
    picture = {
        "source_number": "+61491570177",
        "content": "Here is the receipt",
        "attachments": [{"content_type": "image/png", "content": photo, "original_name": "r.png"}],
    }
    assert http.post("/_emulator/replies", json=picture).status_code == 201
    http.post("/_emulator/replies", json={"source_number": "+61491570188", "content": "STOP"})
    http.post("/_emulator/clock/advance", json={"seconds": 2})
    http.patch("/_emulator/accounts/DemoAccount", json={"features": {"deduplication": True}})
    chaos = [
        {
            "name": "the next send fails",
            "method": "POST",
            "path": "/v1/messages",
            "fault": {"status": 503, "retry_after": 2},
            "times": 1,
        },
        {
            "name": "status reads are slow",
            "path": "/v1/messages/*",
            "fault": {"latency_seconds": [0.1, 0.3]},
        },
        {
            "name": "reports twice",
            "side": "webhook",
            "fault": {"duplicate": True},
            "probability": 0.2,
            "seed": 7,
        },
    ]
    assert http.put("/_emulator/chaos", json={"rules": chaos}).status_code == 200
    refused = http.post(
        "/v1/messages",
        json={"messages": [{"content": "Hi", "destination_number": handset}]},
        headers=basic_auth(),
    )
    assert refused.status_code == 503
    return {"handset": handset}


def pages(demo) -> list[tuple[str, str]]:
    return [
        ("handsets", "/"),
        ("conversation", f"/handsets/{demo['handset']}"),
        ("webhooks", "/webhooks"),
        ("numbers", "/numbers"),
        ("reports", "/reports"),
        ("accounts", "/accounts"),
        ("chaos", "/chaos"),
    ]


@pytest.mark.parametrize("size", list(WIDTHS))
def test_screenshots_of_every_page(page, demo, size, tmp_path):
    folder = DOCS if os.environ.get("MM_EMULATOR_SCREENSHOTS") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": WIDTHS[size], "height": 1000 if size == "desktop" else 760})
    for name, path in pages(demo):
        page.goto(path)
        expect(page.locator("#live-indicator")).to_have_attribute("data-state", "live")
        if name == "conversation":
            if size == "desktop":
                page.locator(".bubble-in summary", has_text="Segments").nth(1).click()
                page.locator(".bubble-in").first.evaluate(SCROLL_INTO_THREAD)
            else:
                # On a phone a message's panels fold behind its Details button.
                page.locator(".bubble-in").first.get_by_role("button", name="Details").click()
                page.locator(".bubble-in summary", has_text="Delivery").first.click()
                page.evaluate("window.scrollTo(0, 0)")
        if name == "webhooks":
            page.locator(".delivery summary", has_text="Request body").first.click()
        if name == "reports" and size == "mobile":
            # On a phone the charts are below the form.
            page.locator(".report-window").evaluate("element => element.scrollIntoView()")
        page.evaluate("document.activeElement && document.activeElement.blur()")
        page.screenshot(path=str(folder / f"{name}-{size}.png"))
        overflow = page.evaluate(
            "document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways at {WIDTHS[size]} px"
