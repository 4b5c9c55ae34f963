"""Symfony Notifier's MessageMedia transport (Debian's php-symfony-message-media-notifier),
unmodified: it hard-codes https://, so it sends to the emulator served with --tls, trusting the
emulator's certificate through its HTTP client's `cafile` option."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import requests

from tests.support import DEMO, basic_auth
from tests.test_tls import serving

SEND_SCRIPT = Path(__file__).parent / "symfony" / "send.php"
TRANSPORT = Path("/usr/share/php/Symfony/Component/Notifier/Bridge/MessageMedia")
DESTINATION = "+61491570156"


@pytest.fixture(scope="module")
def php() -> str:
    """The php executable; the transport missing is a failure, not a skip: CI installs both."""
    php = shutil.which("php")
    if php is None or not (TRANSPORT / "MessageMediaTransport.php").is_file():
        pytest.fail("needs php-cli and php-symfony-message-media-notifier (see .ci/run)")
    return php


@pytest.fixture(scope="module")
def emulator(tmp_path_factory):
    """The emulator over HTTPS: its base URL and the certificate to trust."""
    db = tmp_path_factory.mktemp("symfony") / "emulator.db"
    with serving("--tls", "--db", str(db)) as running:
        yield running


def send(php: str, emulator, phone: str, secret: str = DEMO.secret, sender: str | None = None):
    base_url, certificate = emulator
    authority = base_url.removeprefix("https://")
    dsn = f"messagemedia://{DEMO.key}:{secret}@{authority}"
    if sender is not None:
        dsn += f"?from={sender.replace('+', '%2B')}"
    result = subprocess.run(
        [php, str(SEND_SCRIPT), dsn, certificate, phone, "Hello from Symfony"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


def stored(emulator, message_id: str) -> dict:
    base_url, certificate = emulator
    answer = requests.get(
        f"{base_url}/v1/messages/{message_id}", headers=basic_auth(), verify=certificate
    )
    assert answer.status_code == 200
    return answer.json()


def test_a_send_without_a_sender_leaves_the_source_number_to_the_account(php, emulator):
    sent = send(php, emulator, DESTINATION)
    message = stored(emulator, sent["message_id"])
    assert (message["destination_number"], message["content"]) == (
        DESTINATION,
        "Hello from Symfony",
    )
    assert message.get("source_number") is None


def test_a_send_from_one_of_the_accounts_numbers(php, emulator):
    sent = send(php, emulator, DESTINATION, sender="+61491570157")
    assert sent["transport"].endswith("?from=+61491570157")
    assert stored(emulator, sent["message_id"])["source_number"] == "+61491570157"


def test_an_invalid_number_is_a_transport_exception_with_the_400_detail(php, emulator):
    failed = send(php, emulator, "12")
    base_url, certificate = emulator
    direct = requests.post(
        f"{base_url}/v1/messages",
        json={"messages": [{"destination_number": "12", "content": "Hello from Symfony"}]},
        headers=basic_auth(),
        verify=certificate,
    )
    assert direct.status_code == 400
    detail = direct.json()["details"][0]
    assert "destination_number" in detail
    assert failed == {
        "exception": "Symfony\\Component\\Notifier\\Exception\\TransportException",
        "message": f'Unable to send the SMS: "{detail}".',
        "status": 400,
    }


def test_bad_credentials_are_a_transport_exception(php, emulator):
    failed = send(php, emulator, DESTINATION, secret="not-the-secret")
    assert failed == {
        "exception": "Symfony\\Component\\Notifier\\Exception\\TransportException",
        "message": 'Unable to send the SMS: "Invalid authentication credentials".',
        "status": 403,
    }
