"""A server exposed to the network or to careless clients: a generated admin token, idle
connections cut off, and a prompt exit on SIGTERM even in the middle of a clock advance."""

from __future__ import annotations

import contextlib
import signal
import socket
import subprocess
import threading
import time

import requests

from emulator.app import create_app
from emulator.settings import Settings
from emulator.web.requests import EXTENSION_KEY
from tests.receivers import HANG, WebhookReceiver
from tests.support import basic_auth, message
from tests.test_cli import BANNER, mm_emulator_command


def _start(*args: str) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [*mm_emulator_command(), "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    match = BANNER.search(process.stdout.readline())
    assert match, process.stderr.read()
    return process, match.group(1)


def _stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=15) == 0


def test_listening_on_every_address_generates_an_admin_token_and_says_so(tmp_path):
    process, base_url = _start("--host", "0.0.0.0", "--db", str(tmp_path / "net.db"))
    try:
        notice = process.stdout.readline()
        assert "need the admin token" in notice
        token = notice.split("admin token ", 1)[1].split(" ", 1)[0]
        local = base_url.replace("0.0.0.0", "127.0.0.1")
        assert requests.post(f"{local}/_emulator/reset", json={}, timeout=5).status_code == 403
        with_token = {"Authorization": f"Bearer {token}"}
        answer = requests.post(f"{local}/_emulator/reset", json={}, headers=with_token, timeout=5)
        assert answer.status_code == 200
        assert requests.get(f"{local}/_emulator/health", timeout=5).status_code == 200
    finally:
        _stop(process)


def test_a_crowd_of_idle_half_sent_connections_does_not_starve_real_clients(tmp_path):
    process, base_url = _start("--db", str(tmp_path / "idle.db"))
    port = int(base_url.rsplit(":", 1)[1])
    idle = []
    try:
        for _ in range(150):
            connection = socket.create_connection(("127.0.0.1", port), timeout=5)
            connection.sendall(b"POST /v1/messages HTTP/1.1\r\nHost: localhost\r\n")
            idle.append(connection)
        answer = requests.get(f"{base_url}/v1/delivery_reports", headers=basic_auth(), timeout=5)
        assert answer.status_code == 200
    finally:
        for connection in idle:
            connection.close()
        _stop(process)


def test_sigterm_during_an_advance_waiting_on_a_hanging_receiver_exits_within_two_seconds(
    tmp_path,
):
    receiver = WebhookReceiver(always=HANG).start()
    process, base_url = _start("--db", str(tmp_path / "term.db"), "--webhook-timeout-seconds", "60")
    try:
        sent = requests.post(
            f"{base_url}/v1/messages",
            json={"messages": [message(delivery_report=True, callback_url=receiver.url)]},
            headers=basic_auth(),
            timeout=5,
        )
        assert sent.status_code == 202
        threading.Thread(target=_advance_quietly, args=(base_url,), daemon=True).start()
        assert receiver.wait_for_requests(1, 10), "the advance never reached the receiver"

        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        assert time.monotonic() - started < 2.0
    finally:
        if process.poll() is None:
            process.kill()
        receiver.stop()


def _advance_quietly(base_url: str) -> None:
    """Ask for an advance whose answer is cut short by the server's exit."""
    with contextlib.suppress(requests.RequestException):
        requests.post(f"{base_url}/_emulator/clock/advance", json={"seconds": 3600}, timeout=30)


def test_allowed_hosts_are_served_without_a_token_and_others_are_not(tmp_path):
    app = create_app(
        Settings(db=str(tmp_path / "hosts.db"), allowed_hosts="emulator.test, Demo.Local")
    )
    client = app.test_client()
    try:
        for host in ("emulator.test:8080", "demo.local", "localhost:1", "127.0.0.1"):
            assert client.get("/_emulator/clock", headers={"Host": host}).status_code == 200, host
        refused = client.get("/_emulator/clock", headers={"Host": "rebind.example"})
        assert refused.status_code == 403
        assert "rebind.example" in refused.json["message"]
    finally:
        app.extensions[EXTENSION_KEY].close()
