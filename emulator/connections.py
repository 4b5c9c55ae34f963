"""Dropping a client's connection without an answer, for fault injection.

The app marks the request (`drop_connection`); the server layer then sends nothing and resets
the TCP connection, so the client sees what a crashed server or a broken network shows it: a
connection reset with no HTTP answer at all.
"""

from __future__ import annotations

import logging
import socket
import struct
from collections.abc import Iterable
from typing import Any
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from waitress.channel import ClientDisconnected

log = logging.getLogger(__name__)

_DROP = "mm_emulator.drop_connection"
# SO_LINGER on, with no time to linger: closing the socket sends a reset, not an orderly end.
_RESET_ON_CLOSE = struct.pack("ii", 1, 0)


def drop_connection(environ: dict[str, Any]) -> None:
    """Ask the server to reset this request's connection instead of sending its answer."""
    environ[_DROP] = True


class DroppingConnections:
    """WSGI middleware for waitress: the answer to a request marked with `drop_connection` is
    never sent, and its connection is reset."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        answer = self.app(environ, start_response)
        if not environ.get(_DROP):
            return answer
        close = getattr(answer, "close", None)
        if close is not None:
            close()
        _reset_on_close(environ)
        # waitress closes a connection whose client went away, writing nothing more to it.
        raise ClientDisconnected("connection dropped on purpose")


def _reset_on_close(environ: WSGIEnvironment) -> None:
    # waitress puts a method of the connection's channel in the environ; its socket is there.
    channel = getattr(environ.get("waitress.client_disconnected"), "__self__", None)
    connection = getattr(channel, "socket", None)
    if not isinstance(connection, socket.socket):
        return
    try:
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _RESET_ON_CLOSE)
    except OSError:
        log.debug("could not set the dropped connection to reset; it is closed instead")
