"""Serve a WSGI app with waitress, in the foreground or on a background thread."""

from __future__ import annotations

import threading

from flask import Flask
from waitress import wasyncore
from waitress.server import create_server


class EmulatorServer:
    """A multi-threaded waitress server bound to `host:port` (port 0 picks a free one)."""

    def __init__(self, app: Flask, host: str = "127.0.0.1", port: int = 0, threads: int = 8):
        self.app = app
        self.host = host
        self._server = create_server(app, host=host, port=port, threads=threads)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._server.effective_port

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def serve_forever(self) -> None:
        """Answer requests until the server is closed or the process is interrupted."""
        self._server.run()

    def start(self) -> EmulatorServer:
        """Serve on a daemon thread and return at once."""
        self._thread = threading.Thread(target=self.serve_forever, name="mm-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Close the listener and every open connection, then wait for the serving thread."""
        server = self._server
        if self._thread is not None and self._thread.is_alive():
            # Closing channels here would race the event loop; the trigger runs it in the loop.
            server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
            self._thread.join(timeout=10)
        else:
            wasyncore.close_all(server._map)
        server.task_dispatcher.shutdown()
