"""Slow clients are bounded: a request's header and body each have a deadline of their own, which
bytes trickling in do not extend, and a crowd of trickling connections does not keep a normal
client waiting."""

from __future__ import annotations

import selectors
import socket
import ssl
import time
from contextlib import ExitStack, suppress

import pytest
import requests

from emulator.server import Deadlines, EmulatorServer
from emulator.tls import own_certificate, server_context
from tests.support import basic_auth, message

HEADER_START = b"POST /v1/messages HTTP/1.1\r\nHost: localhost\r\n"
# Deadlines are checked once a second: a connection goes at most that long after its deadline.
CHECK_SECONDS = 1
TRICKLING = 1100


@pytest.fixture
def short_deadlines(app):
    running = EmulatorServer(app, deadlines=Deadlines(header_seconds=1, body_seconds=2)).start()
    yield running
    running.stop()


def connect(server: EmulatorServer) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=10)


def wait_readable(connection: socket.socket, seconds: float) -> bool:
    """Whether `connection` has something to read (its end included) within `seconds`."""
    with selectors.DefaultSelector() as selector:
        selector.register(connection, selectors.EVENT_READ)
        return bool(selector.select(seconds))


def closed_within(connection: socket.socket, seconds: float, trickle: bytes = b"") -> float:
    """Seconds until the server closed `connection`, sending `trickle` a byte at a time
    meanwhile; fails if it is still open after `seconds`."""
    began = time.monotonic()
    while time.monotonic() - began < seconds:
        if trickle:
            try:
                connection.sendall(trickle[:1])
            except OSError:
                return time.monotonic() - began
            trickle = trickle[1:] or b"X"
        if wait_readable(connection, 0.25):
            with suppress(ConnectionResetError):
                assert connection.recv(1024) == b""
            return time.monotonic() - began
    raise AssertionError(f"the connection was still open after {seconds} s")


def test_a_header_trickled_a_byte_at_a_time_is_cut_off_at_its_deadline(short_deadlines):
    with connect(short_deadlines) as connection:
        started = time.monotonic()  # before the server can see the first byte
        connection.sendall(HEADER_START)
        # Each byte resets the idle timeout (30 s), not the header's deadline.
        closed_within(connection, 1 + CHECK_SECONDS + 2, trickle=b"X-Slow: 1")
        elapsed = time.monotonic() - started
    assert 1 <= elapsed <= 1 + CHECK_SECONDS + 1


def test_a_body_that_does_not_arrive_in_time_is_cut_off(short_deadlines):
    with connect(short_deadlines) as connection:
        started = time.monotonic()  # before the server can see the header end
        connection.sendall(HEADER_START + b"Content-Length: 1000\r\n\r\n" + b"{" * 10)
        closed_within(connection, 2 + CHECK_SECONDS + 2)
        elapsed = time.monotonic() - started
    assert 2 <= elapsed <= 2 + CHECK_SECONDS + 1


def test_requests_in_time_are_answered_and_the_connection_kept(short_deadlines):
    with requests.Session() as session:
        for _ in range(3):
            answer = session.post(
                f"{short_deadlines.base_url}/v1/messages",
                json={"messages": [message()]},
                headers=basic_auth(),
            )
            assert answer.status_code == 202


def test_a_tls_handshake_that_does_not_come_counts_against_the_header_deadline(app, tmp_path):
    tls = server_context(own_certificate(tmp_path, ["127.0.0.1"]))
    server = EmulatorServer(app, deadlines=Deadlines(header_seconds=1), tls=tls).start()
    try:
        # The deadline counts from the server's accept, which comes before the client's
        # connect returns: time it from before the connect.
        started = time.monotonic()
        with connect(server) as connection:
            closed_within(connection, 1 + CHECK_SECONDS + 2)
        elapsed = time.monotonic() - started
        assert 1 <= elapsed <= 1 + CHECK_SECONDS + 1
        context = ssl.create_default_context(cafile=str(tmp_path / "mm-emulator-ca.pem"))
        with (
            connect(server) as connection,
            context.wrap_socket(connection, server_hostname="127.0.0.1") as secure,
        ):
            secure.sendall(HEADER_START)
            assert closed_within(secure, 1 + CHECK_SECONDS + 2) <= 1 + CHECK_SECONDS + 1
    finally:
        server.stop()


def send(server: EmulatorServer) -> float:
    """Seconds a normal send took to be answered (202)."""
    began = time.monotonic()
    answer = requests.post(
        f"{server.base_url}/v1/messages",
        json={"messages": [message()]},
        headers=basic_auth(),
        timeout=30,
    )
    assert answer.status_code == 202
    return time.monotonic() - began


def test_a_normal_send_is_answered_while_1100_connections_trickle(server):
    """More connections than a process served before the limit was raised (1,000), each
    sending a header in parts; the default deadlines (10 s) close none of them meanwhile. A
    starved send would wait for those deadlines or for ever; on a quiet machine it takes about
    7 ms, on a machine busy with the rest of the suite up to a second or two, so the bound is
    half a deadline."""
    starved = Deadlines().header_seconds / 2
    with ExitStack() as trickling:
        connections = [trickling.enter_context(connect(server)) for _ in range(TRICKLING)]
        for connection in connections:
            connection.sendall(HEADER_START[:10])
        # Answered once the server has taken in the crowd, however long that took.
        send(server)
        for connection in connections:
            connection.sendall(HEADER_START[10:20])
        assert send(server) < starved
        for connection in connections:
            connection.sendall(HEADER_START[20:30])
        assert send(server) < starved
        # The trickling connections are all still open: none was closed to make room.
        assert not any(wait_readable(connection, 0) for connection in connections)
