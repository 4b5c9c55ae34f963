"""Serve from several processes on one port.

gunicorn's master forks the workers, replaces one that dies and stops them all on SIGTERM; each
worker answers with waitress and runs the engine on the shared store. waitress reads every
request whole in its event loop before a thread sees it, so idle or half-sent connections cost
no thread (gunicorn's own sync and threaded workers give each such connection a thread until it
times out).
"""

from __future__ import annotations

import logging
import os
import signal
import ssl
import sys
import threading
from collections.abc import Callable
from types import FrameType

from flask import Flask
from gunicorn import glogging
from gunicorn.app.base import BaseApplication
from gunicorn.config import Config
from gunicorn.workers.base import Worker

from emulator.server import (
    DEFAULT_DEADLINES,
    Closable,
    Deadlines,
    EmulatorServer,
    StopServing,
    shut_down_and_exit,
)

# The master kills a worker that has not stopped this long after SIGTERM.
STOP_TIMEOUT_SECONDS = 2
# A worker that shows no sign of life for this long is replaced.
HEARTBEAT_TIMEOUT_SECONDS = 30
SWITCH_INTERVAL_SECONDS = 0.0005


# gunicorn has no type hints: its classes are Any to mypy.
class WorkerProcesses(BaseApplication):  # type: ignore[misc]
    """`workers` processes serving `app` on the listening socket `listening_fd`, each with
    `threads` threads, over HTTPS with the `tls` context; `start_worker` runs in each worker
    before it serves and returns what to close when it stops; `on_ready` runs in the master once
    it listens."""

    def __init__(
        self,
        app: Flask,
        listening_fd: int,
        workers: int,
        on_ready: Callable[[], None],
        start_worker: Callable[[], Closable],
        threads: int = 8,
        deadlines: Deadlines = DEFAULT_DEADLINES,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self._app = app
        self._listening_fd = listening_fd
        self._workers = workers
        self._on_ready = on_ready
        self.start_worker = start_worker
        self.threads = threads
        self.deadlines = deadlines
        self.tls = tls
        super().__init__()

    def load_config(self) -> None:
        on_ready = self._on_ready
        settings = {
            "bind": [f"fd://{self._listening_fd}"],
            "workers": self._workers,
            "worker_class": WaitressWorker,
            # The app is built once, here, and forked: a broken store or fixture is one error
            # before any worker starts, and the workers share the imported code's memory.
            "preload_app": True,
            "graceful_timeout": STOP_TIMEOUT_SECONDS,
            "timeout": HEARTBEAT_TIMEOUT_SECONDS,
            "logger_class": _GunicornLog,
            "loglevel": "warning",
            "control_socket_disable": True,
            "when_ready": lambda _arbiter: on_ready(),
        }
        for name, value in settings.items():
            self.cfg.set(name, value)

    def load(self) -> Flask:
        return self._app


class WaitressWorker(Worker):  # type: ignore[misc]
    """A worker process: waitress on the shared socket, the engine, and a heartbeat for the
    master."""

    def init_signals(self) -> None:
        for number in self.SIGNALS:
            signal.signal(number, signal.SIG_DFL)
        for number in (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT):
            signal.signal(number, _stop_serving)

    def run(self) -> None:
        # A thread holding the store's write lock gives up the GIL at every database call and
        # must get it back to go on; at the default 5 ms switch interval it can wait that long
        # each time behind threads parsing requests, and every writer waits with it.
        sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
        processes: WorkerProcesses = self.app
        server: EmulatorServer | None = None
        started: Closable | None = None
        try:
            server = EmulatorServer(
                self.wsgi,
                threads=processes.threads,
                deadlines=processes.deadlines,
                listening=self.sockets[0].sock,
                tls=processes.tls,
            )
            threading.Thread(target=self._heartbeat, name="mm-heartbeat", daemon=True).start()
            started = processes.start_worker()
            server.serve_forever()
        except StopServing:
            pass
        finally:
            shut_down_and_exit(server, started)

    def _heartbeat(self) -> None:
        """Tell the master this worker is alive; stop when the master is gone."""
        while True:
            if os.getppid() != self.ppid:
                os.kill(os.getpid(), signal.SIGTERM)
                return
            self.notify()
            threading.Event().wait(self.timeout / 2)


def _stop_serving(_signum: int, _frame: FrameType | None) -> None:
    raise StopServing()


class _GunicornLog(glogging.Logger):  # type: ignore[misc]
    """gunicorn's warnings and errors go through the emulator's log handler, plain or JSON."""

    def setup(self, cfg: Config) -> None:
        self.cfg = cfg
        self._access_log_enabled = False
        self.error_log.setLevel(logging.WARNING)
        self.error_log.propagate = True
        self.access_log.disabled = True
