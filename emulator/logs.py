"""Log set-up: one line per event, plain text or JSON, and one line per HTTP request when
the access log is on.

Log lines carry text clients chose (paths, names of rules, URLs, account IDs, error messages).
The formatters, not the callers, make that text safe: the plain format escapes control
characters, so no client can start a forged line or colour the terminal; the JSON format is one
JSON object per line whatever the text holds."""

from __future__ import annotations

import json
import logging
import time

from flask import Flask, Response, g, request

from emulator.redaction import escape_control

PLAIN, JSON = "plain", "json"
FORMATS = (PLAIN, JSON)
REQUEST_LOG = logging.getLogger("emulator.requests")


PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Each line of a traceback under a plain line starts with this, so that none of them (an
# exception's message holds text a client chose) can pass for a line of its own.
TRACEBACK_INDENT = "    | "


class PlainFormatter(logging.Formatter):
    """`time LEVEL logger: message` on one line, control characters escaped; a traceback
    follows on indented lines."""

    def __init__(self) -> None:
        super().__init__(PLAIN_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        record.message = record.getMessage()
        record.asctime = self.formatTime(record, self.datefmt)
        lines = [escape_control(self.formatMessage(record))]
        # Formatted afresh: another handler may have cached the traceback unindented.
        if record.exc_info:
            lines.append(_indented(self.formatException(record.exc_info)))
        elif record.exc_text:
            lines.append(_indented(record.exc_text))
        if record.stack_info:
            lines.append(_indented(self.formatStack(record.stack_info)))
        return "\n".join(lines)


def _indented(text: str) -> str:
    return "\n".join(TRACEBACK_INDENT + escape_control(line) for line in text.splitlines())


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and any structured fields."""

    FIELDS = ("method", "path", "status", "duration_ms", "account")

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({name: getattr(record, name) for name in self.FIELDS if hasattr(record, name)})
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(
    log_format: str = PLAIN, level: int = logging.INFO, access_log: bool = False
) -> None:
    """Send the emulator's logs to stderr in the chosen format; a line per request only with
    `access_log` (formatting and writing it costs a request about a sixth of its time)."""
    handler = logging.StreamHandler()
    if log_format == JSON:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(PlainFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # APScheduler reports every run of the periodic jobs at INFO, and Alembic each migration
    # it runs on a new store; the store logs one line when it upgrades one that held data.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("apscheduler.scheduler").addFilter(_skipped_tick)
    REQUEST_LOG.setLevel(logging.INFO if access_log else logging.WARNING)


def _skipped_tick(record: logging.LogRecord) -> bool:
    """False for APScheduler's warning that the engine's tick was skipped because the last one
    is still running: one tick at a time is how the engine is meant to work under load, where
    every send asks for a tick at once."""
    return "maximum number of running instances" not in record.getMessage()


def unlogged_request() -> None:
    """Leave the current request out of the request log: for what a page asks on its own over
    and over, such as the web inbox following the change log."""
    g.unlogged = True


def log_requests(app: Flask) -> None:
    """Log method, path, status, duration and account of every request, while the request log
    is enabled at INFO; never its headers."""

    @app.before_request
    def _start_timer() -> None:
        if REQUEST_LOG.isEnabledFor(logging.INFO):
            g.started = time.perf_counter()

    @app.after_request
    def _log(response: Response) -> Response:
        if g.get("unlogged") or not REQUEST_LOG.isEnabledFor(logging.INFO):
            return response
        duration_ms = round((time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 1)
        account = g.get("account_id")
        path = escape_control(request.path)
        REQUEST_LOG.info(
            "%s %s %s %.1f ms%s",
            escape_control(request.method),
            path,
            response.status_code,
            duration_ms,
            f" account={account}" if account else "",
            extra={
                "method": request.method,
                "path": path,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "account": account,
            },
        )
        return response
