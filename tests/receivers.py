"""Real webhook receivers on loopback that record what they are sent and answer as told."""

from __future__ import annotations

import json
import selectors
import socket
import threading
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HANG = "hang"
# Answers that never finish, a byte or a chunk at a time: the status line and headers, a body
# longer than it ever sends, or a chunked body without its last chunk.
TRICKLE_HEADERS = "trickle-headers"
TRICKLE_BODY = "trickle-body"
ENDLESS_CHUNKS = "endless-chunks"
TRICKLES = (TRICKLE_HEADERS, TRICKLE_BODY, ENDLESS_CHUNKS)
# How often a trickling answer sends its next byte: far more often than any read timeout.
TRICKLE_SECONDS = 0.02


class WebhookReceiver:
    """An HTTP server answering any method with scripted statuses (then 200) and `answer_body`, or
    never answering.

    Each request is recorded as a dict: `method`, `path` (with the query), `query`, `headers`,
    `body` (the raw bytes) and `json` (the parsed body, None when it is not JSON).
    """

    def __init__(
        self,
        answers: list[int | str] | None = None,
        always: int | str | None = None,
        answer_body: bytes = b"",
    ):
        self.requests: list[dict] = []
        self._answer_body = answer_body
        self._answers = deque(answers or [])
        self._always = always
        self._release = threading.Event()
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        # Written to by `stop`: socketserver's serve_forever would notice a shutdown only at its
        # next half-second poll.
        self._wake_reader, self._wake_writer = socket.socketpair()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/hook"

    @property
    def payloads(self) -> list[dict]:
        with self._lock:
            return [request["json"] for request in self.requests]

    def wait_for_requests(self, count: int, timeout: float) -> bool:
        """Whether `count` requests have arrived, waiting at most `timeout` seconds for them."""
        with self._arrived:
            return self._arrived.wait_for(lambda: len(self.requests) >= count, timeout)

    def start(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop at once: requests left hanging are released and the server closed."""
        self._release.set()
        if self._thread.is_alive():
            self._wake_writer.send(b"\0")
            self._thread.join()
        self._server.server_close()
        self._wake_reader.close()
        self._wake_writer.close()

    def _serve(self) -> None:
        with selectors.DefaultSelector() as selector:
            selector.register(self._server, selectors.EVENT_READ)
            selector.register(self._wake_reader, selectors.EVENT_READ)
            while True:
                ready = {key.fileobj for key, _ in selector.select()}
                if self._wake_reader in ready:
                    return
                self._server.handle_request()

    def _next_answer(self) -> int | str:
        with self._lock:
            if self._answers:
                return self._answers.popleft()
        return self._always if self._always is not None else 200

    def _record(self, handler: BaseHTTPRequestHandler) -> None:
        body = handler.rfile.read(int(handler.headers.get("Content-Length", 0)))
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
        with self._lock:
            self.requests.append(
                {
                    "method": handler.command,
                    "path": handler.path,
                    "query": urlsplit(handler.path).query,
                    "headers": dict(handler.headers),
                    "body": body,
                    "json": parsed,
                }
            )
            self._arrived.notify_all()

    def _handler_class(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def answer(self):
                receiver._record(self)
                answer = receiver._next_answer()
                if answer == HANG:
                    receiver._release.wait()
                    return
                if answer in TRICKLES:
                    self.trickle(answer)
                    return
                self.send_response(answer)
                self.send_header("Content-Length", str(len(receiver._answer_body)))
                self.end_headers()
                self.wfile.write(receiver._answer_body)

            def trickle(self, answer):
                if answer == TRICKLE_HEADERS:
                    head, endless = b"HTTP/1.1 200 OK\r\nX-Slow: ", b"a"
                elif answer == TRICKLE_BODY:
                    head, endless = b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n", b"b"
                else:
                    head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                    endless = b"1\r\nc\r\n"
                try:
                    for byte in head:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        if receiver._release.wait(TRICKLE_SECONDS):
                            return
                    while not receiver._release.wait(TRICKLE_SECONDS):
                        self.wfile.write(endless)
                        self.wfile.flush()
                except OSError:
                    return  # the client gave up and closed the connection

            do_POST = do_PUT = do_PATCH = do_GET = do_DELETE = answer

            def log_message(self, *args):
                pass

        return Handler
