"""Serve a WSGI app with waitress, in the foreground or on a background thread."""

from __future__ import annotations

import errno
import logging
import os
import socket
import sys
import threading
import time
from typing import Protocol

from flask import Flask
from waitress import wasyncore
from waitress.server import create_server

from emulator.connections import DroppingConnections

log = logging.getLogger(__name__)

CONNECTION_LIMIT = 1000
SHUTDOWN_GRACE_SECONDS = 0.5
BACKLOG = 1024


class ServerError(Exception):
    """The server cannot listen where it was asked to; the message says where and why."""


# waitress has no type hints: its classes are Any to mypy.
class StopServing(wasyncore.ExitNow):  # type: ignore[misc]
    """Raised by a signal handler to leave `serve_forever` at once, wherever the event loop is:
    the loop passes this on, where it would swallow other errors, and a SystemExit would make
    the server wait five seconds for requests in flight."""


class Closable(Protocol):
    def close(self, grace_seconds: float | None = None) -> None: ...


def can_fork() -> bool:
    """Whether this platform can run worker processes (Windows cannot fork)."""
    return hasattr(os, "fork")


class EmulatorServer:
    """A multi-threaded waitress server bound to `host:port` (port 0 picks a free one), or
    serving on a socket already listening (`listening`, shared by worker processes)."""

    def __init__(
        self,
        app: Flask,
        host: str = "127.0.0.1",
        port: int = 0,
        threads: int = 8,
        idle_timeout_seconds: int = 30,
        listening: socket.socket | None = None,
    ):
        self.app = app
        self.host = host
        where = {"sockets": [listening]} if listening else {"host": host, "port": port}
        try:
            self._server = create_server(
                DroppingConnections(app),
                threads=threads,
                # Idle or slow clients are cut off, and a crowd of them cannot use up the
                # connections that real clients need.
                channel_timeout=idle_timeout_seconds,
                connection_limit=CONNECTION_LIMIT,
                backlog=BACKLOG,
                **where,
            )
        except ValueError:
            # waitress's answer when it cannot resolve the host.
            raise ServerError(f"cannot listen on {host}: no such host or address") from None
        except OSError as error:
            raise ServerError(_cannot_listen(error, host, port)) from None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        port: int = self._server.effective_port
        return port

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def serve_forever(self) -> None:
        """Answer requests until the server is closed or StopServing is raised."""
        try:
            self._server.run()
        except StopServing:
            return

    def start(self) -> EmulatorServer:
        """Serve on a daemon thread and return at once."""
        self._thread = threading.Thread(target=self.serve_forever, name="mm-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self, grace_seconds: float = 5.0) -> None:
        """Finish requests in flight (waiting at most `grace_seconds`), close every connection,
        and wait for the serving thread."""
        server = self._server
        # Workers first: one still answering would pull the event loop's trigger after it closed.
        server.task_dispatcher.shutdown(cancel_pending=False, timeout=grace_seconds)
        if self._thread is not None and self._thread.is_alive():
            # Closing channels here would race the event loop; the trigger runs it in the loop.
            try:
                server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
            except OSError:
                log.warning("server trigger already closed; closing connections directly")
                wasyncore.close_all(server._map, ignore_all=True)
            self._thread.join(timeout=10)
        else:
            wasyncore.close_all(server._map)


def shut_down_and_exit(server: EmulatorServer | None, emulator: Closable | None) -> None:
    """Stop within about two seconds whatever is in flight, then exit.

    A clock advance or a webhook attempt cut short loses nothing: everything accepted is
    committed, and a delivery whose attempt was not recorded is still pending in the store and
    is attempted again once its claim runs out. The process exits without waiting for webhook
    threads still blocked on a receiver that does not answer.
    """
    # One grace for both: requests in flight, then webhook attempts, get what is left of it.
    deadline = time.monotonic() + SHUTDOWN_GRACE_SECONDS
    try:
        if server is not None:
            server.stop(grace_seconds=SHUTDOWN_GRACE_SECONDS)
        if emulator is not None:
            emulator.close(grace_seconds=max(0.0, deadline - time.monotonic()))
    finally:
        logging.shutdown()
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        os._exit(0)


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to `host:port` and listening, for processes to share (port 0 picks a free
    one); ServerError, with the same messages as EmulatorServer's, when it cannot be."""
    try:
        address_info = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
    except (OSError, UnicodeError):
        raise ServerError(f"cannot listen on {host}: no such host or address") from None
    family, kind, protocol, _, address = address_info[0]
    listening = socket.socket(family, kind, protocol)
    try:
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.bind(address)
        listening.listen(BACKLOG)
    except OSError as error:
        listening.close()
        raise ServerError(_cannot_listen(error, host, port)) from None
    return listening


def _cannot_listen(error: OSError, host: str, port: int) -> str:
    if error.errno == errno.EADDRINUSE:
        return f"port {port} is already in use on {host}"
    if error.errno == errno.EACCES:
        return f"not allowed to listen on port {port} of {host}"
    if error.errno == errno.EADDRNOTAVAIL:
        return f"cannot listen on {host}: not an address of this machine"
    return f"cannot listen on port {port} of {host}: {error.strerror or error}"
