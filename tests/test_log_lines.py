"""Text a client chose (names of rules, paths, exception messages) cannot forge or colour a line
of the plain log, and the JSON log stays one JSON object per line whatever the text holds."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest

from emulator.logs import TRACEBACK_INDENT, JsonFormatter, PlainFormatter
from emulator.redaction import escape_control
from tests.support import basic_auth

FORGED = "\n2030-01-01 00:00:00,000 INFO emulator.requests: GET /admin 200 1.0 ms"
HOSTILE_NAMES = [
    f"flaky{FORGED}",
    "flaky\r2030-01-01 00:00:00,000 INFO forged",
    "flaky\x1b[31mred\x1b[0m",
    "flaky\x85next\u2028line\u2029paragraph",
    "flaky\x08\x08\x08\x7fhidden\x0bvertical\x0cfeed\x1c\x1d\x1e",
]
PLAIN_LINE = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR) \S+: ")
# What a terminal or a line-based reader takes as the end of a line or a command.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


@pytest.fixture(params=["plain", "json"])
def log_output(request):
    """The root logger's lines, in the format the test runs with."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(PlainFormatter() if request.param == "plain" else JsonFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield request.param, stream
    root.removeHandler(handler)
    root.setLevel(level)


def _check_lines(log_format: str, text: str, records: int) -> list[str]:
    """The lines of `text`: one per record, none that a client could have started."""
    assert not UNSAFE.search(text)
    lines = text.splitlines()
    if log_format == "json":
        entries = [json.loads(line) for line in lines]
        assert len(entries) == records
        return [entry["message"] for entry in entries]
    starts = [line for line in lines if PLAIN_LINE.match(line)]
    assert len(starts) == records, text
    assert all(PLAIN_LINE.match(line) or line.startswith(TRACEBACK_INDENT) for line in lines)
    return starts


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_chaos_rules_name_stays_on_its_line(client, log_output, name):
    log_format, stream = log_output
    added = client.post(
        "/_emulator/chaos",
        json={"rules": [{"name": name, "path": "/v1/replies", "fault": {"status": 503}}]},
    )
    assert added.status_code == 201, added.json
    stream.truncate(0)
    stream.seek(0)
    assert client.get("/v1/replies", headers=basic_auth()).status_code == 503

    lines = _check_lines(log_format, stream.getvalue(), records=2)
    [injected] = [line for line in lines if "chaos rule" in line]
    assert (name if log_format == "json" else escape_control(name)) in injected


@pytest.mark.parametrize(
    "path", ["/v1/x%0a2030-01-01 INFO forged", "/v1/x%1b[31m", "/v1/x%0d%c2%85%e2%80%a8"]
)
def test_a_requests_path_stays_on_its_line(client, log_output, path):
    log_format, stream = log_output
    assert client.get(path, headers=basic_auth()).status_code == 404
    _check_lines(log_format, stream.getvalue(), records=1)


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_an_exceptions_message_stays_under_its_line(log_output, name):
    log_format, stream = log_output
    try:
        raise ValueError(name)
    except ValueError:
        logging.getLogger("emulator.tests").exception("unhandled error")
    _check_lines(log_format, stream.getvalue(), records=1)
    if log_format == "json":
        assert name in json.loads(stream.getvalue())["error"]
