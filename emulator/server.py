"""Serve a WSGI app with waitress, over HTTP or HTTPS, in the foreground or on a background thread.

waitress reads every request whole in its event loop before a thread sees it; the server here
adds deadlines of their own for a request's header and body (waitress's idle timeout restarts on
every byte, so a client trickling a header would hold its connection for ever), and TLS, the
handshake done in the event loop too, so a slow or silent client costs a connection, not a
thread.
"""

from __future__ import annotations

import errno
import logging
import os
import select
import socket
import ssl
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any, Protocol

from flask import Flask
from waitress import wasyncore
from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.server import TcpWSGIServer
from waitress.task import ThreadedTaskDispatcher

from emulator.connections import DroppingConnections

log = logging.getLogger(__name__)

# poll() watches any number of connections; select() at most FD_SETSIZE (1024) descriptors.
USE_POLL = hasattr(select, "poll")
CONNECTION_LIMIT = 10_000 if USE_POLL else 1000
# Descriptors kept for the store, log files and webhook requests besides the connections.
SPARE_DESCRIPTORS = 256
SHUTDOWN_GRACE_SECONDS = 0.5
BACKLOG = 1024
# How often connections are checked against their deadlines.
DEADLINE_CHECK_SECONDS = 1


_PLAIN_HTTP_BODY = (
    b'{"message": "This port serves HTTPS: use https:// and trust the emulator\'s certificate'
    b' (GET /_emulator/tls/certificate)."}'
)
PLAIN_HTTP_ANSWER = (
    b"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nConnection: close\r\n"
    b"Content-Length: %d\r\n\r\n%s" % (len(_PLAIN_HTTP_BODY), _PLAIN_HTTP_BODY)
)


@dataclass(frozen=True)
class Deadlines:
    """How long a connection may take: idle between requests, to send a request's header (and
    the TLS handshake before its first), and to send the body once the header is in."""

    idle_seconds: int = 30
    header_seconds: int = 10
    body_seconds: int = 30


DEFAULT_DEADLINES = Deadlines()


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
    serving on a socket already listening (`listening`, shared by worker processes); HTTPS with
    the `tls` context, plain HTTP without one."""

    def __init__(
        self,
        app: Flask,
        host: str = "127.0.0.1",
        port: int = 0,
        threads: int = 8,
        deadlines: Deadlines = DEFAULT_DEADLINES,
        listening: socket.socket | None = None,
        tls: ssl.SSLContext | None = None,
    ):
        self.app = app
        self.host = host
        self.tls = tls
        if listening is None:
            listening = listening_socket(host, port)
        adjustments = Adjustments(
            sockets=[listening],
            threads=threads,
            # Idle clients are cut off, and a crowd of them cannot use up the connections that
            # real clients need.
            channel_timeout=deadlines.idle_seconds,
            cleanup_interval=DEADLINE_CHECK_SECONDS,
            connection_limit=connection_limit(),
            asyncore_use_poll=USE_POLL,
            backlog=BACKLOG,
        )
        dispatcher = ThreadedTaskDispatcher()
        dispatcher.set_thread_count(threads)
        self._server = _Server(
            DroppingConnections(app),
            map={},
            _sock=listening,
            dispatcher=dispatcher,
            adj=adjustments,
            bind_socket=False,
            sockinfo=(listening.family, listening.type, listening.proto, listening.getsockname()),
            deadlines=deadlines,
            tls=tls,
        )
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        port: int = self._server.effective_port
        return port

    @property
    def base_url(self) -> str:
        return base_url(self.host, self.port, tls=self.tls is not None)

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


def base_url(host: str, port: int, tls: bool = False) -> str:
    """The URL a client on this machine uses for a server listening on `host:port`."""
    shown = f"[{host}]" if ":" in host else host
    return f"{'https' if tls else 'http'}://{shown}:{port}"


def connection_limit() -> int:
    """Connections each process serves at once: CONNECTION_LIMIT, or fewer when the process
    may not open that many files (its soft limit is first raised as far as the hard one)."""
    try:
        import resource
    except ImportError:  # Windows: no such limit, and select() bounds the connections
        return CONNECTION_LIMIT
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = CONNECTION_LIMIT + SPARE_DESCRIPTORS
    if soft != resource.RLIM_INFINITY and soft < wanted:
        raised = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
            soft = raised
        except (ValueError, OSError):
            log.debug("could not raise the open files limit from %d", soft)
    if soft == resource.RLIM_INFINITY:
        return CONNECTION_LIMIT
    return max(1, min(CONNECTION_LIMIT, soft - SPARE_DESCRIPTORS))


# waitress has no type hints: its classes are Any to mypy.
class _Channel(HTTPChannel):  # type: ignore[misc]
    """A connection that knows when the request it is reading began, and when its header ended:
    the server closes it when either part takes longer than its deadline."""

    header_began: float | None = None
    body_began: float | None = None
    _timed_request: object = None

    def received(self, data: bytes) -> bool:
        handled: bool = super().received(data)
        request = self.request
        # handle_read has just set last_activity to the time these bytes arrived.
        if request is not self._timed_request:
            self._timed_request = request
            self.header_began = None if request is None else self.last_activity
            self.body_began = None
        if request is not None and request.headers_finished and self.body_began is None:
            self.header_began = None
            self.body_began = self.last_activity
        return handled

    def overdue(self, header_cutoff: float, body_cutoff: float) -> bool:
        """Whether the header began before `header_cutoff` and is not in yet, or the body
        before `body_cutoff` and is not whole yet."""
        return (self.header_began is not None and self.header_began < header_cutoff) or (
            self.body_began is not None and self.body_began < body_cutoff
        )


class _TlsChannel(_Channel):
    """A connection over TLS: the handshake, then reads and writes, never block the event loop;
    the handshake counts against the header deadline of the connection's first request."""

    def __init__(
        self, server: _Server, sock: ssl.SSLSocket, addr: Any, adj: Adjustments, map: Any
    ) -> None:
        super().__init__(server, sock, addr, adj, map)
        self._handshaking = True
        self._handshake_wants_write = False
        self.header_began = self.creation_time

    def readable(self) -> bool:
        if self._handshaking:
            return not self._handshake_wants_write
        readable: bool = super().readable()
        return readable

    def writable(self) -> bool:
        if self._handshaking:
            return self._handshake_wants_write or self.will_close
        return bool(super().writable())

    def handle_write(self) -> None:
        if self._handshaking:
            if self.will_close:
                self.handle_close()
            else:
                self._handshake()
            return
        super().handle_write()

    def handle_read(self) -> None:
        if self._handshaking:
            self._handshake()
            return
        tls_socket: ssl.SSLSocket = self.socket
        try:
            data = tls_socket.recv(self.adj.recv_bytes)
            # What TLS has decrypted but not handed over yet will not wake the event loop.
            while data and tls_socket.pending():
                data += tls_socket.recv(tls_socket.pending())
        except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
            return
        except OSError:
            self.handle_close()
            return
        if not data:
            self.handle_close()
            return
        self.last_activity = time.time()
        self.received(data)

    def send(self, data: bytes, do_close: bool = True) -> int:
        try:
            sent: int = super().send(data, do_close)
        except (ssl.SSLWantWriteError, ssl.SSLWantReadError):
            return 0
        return sent

    def _handshake(self) -> None:
        try:
            self.socket.do_handshake()
        except ssl.SSLWantReadError:
            self._handshake_wants_write = False
            return
        except ssl.SSLWantWriteError:
            self._handshake_wants_write = True
            return
        except ssl.SSLError as error:
            if error.reason == "HTTP_REQUEST":
                self._answer_plain_http()
            # Otherwise a client that does not trust the certificate, most likely.
            log.debug("TLS handshake with %s failed: %s", self.addr, error)
            self.handle_close()
            return
        except OSError:
            self.handle_close()
            return
        self._handshaking = False
        self.header_began = None
        self.last_activity = time.time()
        # The request may have come with the end of the handshake.
        self.handle_read()

    def _answer_plain_http(self) -> None:
        """Tell a client that spoke plain HTTP to the HTTPS port what to do, in plain HTTP."""
        try:
            # Past TLS, on the connection itself: the client speaks no TLS to read it through.
            socket.socket.send(self.socket, PLAIN_HTTP_ANSWER)
        except OSError:
            log.debug("could not answer a plain HTTP request on the HTTPS port")


class _Server(TcpWSGIServer):  # type: ignore[misc]
    """waitress's server with deadlines for a request's header and body, and TLS when given a
    context."""

    def __init__(
        self, *args: Any, deadlines: Deadlines, tls: ssl.SSLContext | None, **kwargs: Any
    ) -> None:
        self.deadlines = deadlines
        self.tls = tls
        super().__init__(*args, **kwargs)

    @staticmethod
    def channel_class(
        server: _Server, sock: socket.socket, addr: Any, adj: Adjustments, map: Any = None
    ) -> None:
        """Open a connection that waitress accepted (it calls this with the server first)."""
        if server.tls is None:
            _Channel(server, sock, addr, adj, map)
            return
        try:
            tls_socket = server.tls.wrap_socket(
                sock, server_side=True, do_handshake_on_connect=False
            )
        except OSError:
            # The client went away between the accept and now.
            sock.close()
            return
        _TlsChannel(server, tls_socket, addr, adj, map)

    def maintenance(self, now: float) -> None:
        """Close idle connections, and those whose request's header or body is overdue."""
        super().maintenance(now)
        header_cutoff = now - self.deadlines.header_seconds
        body_cutoff = now - self.deadlines.body_seconds
        for channel in self.active_channels.values():
            if channel.overdue(header_cutoff, body_cutoff):
                channel.will_close = True
