"""Fault injection served by several worker processes on one store: a --chaos file's rules hold
in every process, their counters and rate windows are shared, and a dropped connection is a
connection error whichever process drops it."""

from __future__ import annotations

import pytest
import requests

from tests.support import basic_auth, message
from tests.test_cli import running_emulator

SEND = {"messages": [message()]}
RULES = """\
rules:
  - name: sends fail twice
    method: POST
    path: /v1/messages
    fault: {status: 503, retry_after: 1}
    times: 2
  - name: status reads are dropped
    method: GET
    path: /v1/messages/*
    fault: {drop: true}
  - name: replies are rate limited
    path: /v1/replies
    fault: {rate_limit: 3}
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("chaos-processes")
    (folder / "chaos.yaml").write_text(RULES)
    arguments = ["--port", "0", "--workers", "3", "--db", str(folder / "emulator.db")]
    with running_emulator(*arguments, "--chaos", str(folder / "chaos.yaml")) as base_url:
        yield base_url


def fresh_sessions(count: int) -> list[requests.Session]:
    """Sessions with connections of their own: the kernel hands each to any worker."""
    return [requests.Session() for _ in range(count)]


def test_the_next_n_are_counted_across_processes(served):
    requests.post(f"{served}/_emulator/reset", json={}, timeout=10)
    statuses = [
        session.post(f"{served}/v1/messages", json=SEND, headers=basic_auth(), timeout=10)
        for session in fresh_sessions(8)
    ]
    assert [response.status_code for response in statuses] == [503, 503] + [202] * 6
    stored = requests.get(f"{served}/_emulator/messages", timeout=10).json()["messages"]
    assert len(stored) == 6


def test_a_dropped_connection_in_any_process(served):
    requests.post(f"{served}/_emulator/reset", json={}, timeout=10)
    answers = [
        requests.post(f"{served}/v1/messages", json=SEND, headers=basic_auth(), timeout=10)
        for _ in range(3)
    ]
    [sent] = answers[-1].json()["messages"]
    for session in fresh_sessions(6):
        with pytest.raises(requests.ConnectionError):
            session.get(f"{served}/v1/messages/{sent['message_id']}", headers=basic_auth())


def test_a_rate_window_shared_by_every_process(served):
    requests.post(f"{served}/_emulator/reset", json={}, timeout=10)
    # Reset puts the file's rules back with fresh windows.
    answers = []
    for session in fresh_sessions(12):
        answers.append(session.get(f"{served}/v1/replies", headers=basic_auth(), timeout=10))
    through = [answer for answer in answers if answer.status_code == 200]
    # Twelve quick requests span one window, two at most.
    assert 3 <= len(through) <= 6
    assert {answer.status_code for answer in answers} == {200, 429}
    # The window is on the emulator's clock, which every process shares.
    requests.post(f"{served}/_emulator/clock/advance", json={"seconds": 1.1}, timeout=10)
    assert requests.get(f"{served}/v1/replies", headers=basic_auth(), timeout=10).ok
