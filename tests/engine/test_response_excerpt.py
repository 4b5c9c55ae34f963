"""Each webhook attempt keeps the start of the receiver's answer, for people to read."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from emulator.engine.delivery_http import RESPONSE_EXCERPT_BYTES, WebhookSender
from emulator.engine.delivery_requests import WebhookRequest


@pytest.fixture
def answering() -> Iterator[str]:
    """A receiver whose answer body is the request path's tail repeated: /x/5000 -> 5000 x."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            _, char, count = self.path.split("/")
            body = (char * int(count)).encode()
            self.send_response(503 if char == "e" else 200)
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


def test_a_short_answer_is_kept_whole(answering):
    result = WebhookSender(5).send(post(answering + "/e/12", {"a": 1}))
    assert result.status_code == 503
    assert result.response == "e" * 12


def test_a_long_answer_keeps_its_first_2_kb_and_the_connection_stays_usable(answering):
    sender = WebhookSender(5)
    first = sender.send(post(answering + "/x/50000", {"a": 1}))
    assert first.ok and first.response == "x" * RESPONSE_EXCERPT_BYTES == "x" * 2048
    again = sender.send(post(answering + "/y/3", {"a": 1}))
    assert again.response == "yyy"


def test_an_empty_answer_adds_nothing_to_the_attempt(answering):
    result = WebhookSender(5).send(post(answering + "/x/0", {}))
    assert "response" not in result.as_attempt(datetime.now(UTC))
    with_body = WebhookSender(5).send(post(answering + "/x/2", {}))
    assert with_body.as_attempt(datetime.now(UTC))["response"] == "xx"


def post(url: str, payload: dict) -> WebhookRequest:
    return WebhookRequest("POST", url, {"Content-Type": "application/json"}, repr(payload).encode())
