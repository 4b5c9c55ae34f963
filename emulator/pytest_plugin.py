"""pytest plugin: the `mm_emulator` fixture, a real emulator on loopback, reset before each test.

Installed with the package (entry point `pytest11`). The emulator runs in its own process for the
whole session, so its server threads never meet the test process's output capture; each test
that asks for `mm_emulator` starts from an empty store and real time.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import pytest
import urllib3

from emulator.domain.signing import signed_bytes, verify

DEMO_KEY, DEMO_SECRET = "demo_api_key", "demo_api_secret"
_BANNER = re.compile(r"listening on (https?://\S+)")
_CERTIFICATE = re.compile(r"HTTPS certificate to trust: (.+)")
_EVENTS_PAGE = 1000
# A JSON object as the emulator answers it.
JsonObject = dict[str, Any]


class RunningEmulator:
    """A running emulator and helpers over its control plane (fault injection included) and the
    /v1 APIs that configure webhooks and signature keys. Over HTTPS, `certificate_path` is the
    PEM file a client trusts to reach it (None over plain HTTP)."""

    api_key = DEMO_KEY
    api_secret = DEMO_SECRET

    def __init__(
        self,
        base_url: str,
        process: subprocess.Popen[str],
        log_path: str,
        certificate_path: str | None = None,
    ) -> None:
        self.base_url = base_url
        self.log_path = log_path
        self.certificate_path = certificate_path
        self._process = process
        self._http = urllib3.PoolManager(
            retries=False, timeout=urllib3.Timeout(total=30), ca_certs=certificate_path
        )

    def reset(self) -> None:
        """Empty the store, put features back and the clock at real time."""
        self._call("POST", "/_emulator/reset", {})

    def messages(self, **filters: object) -> list[JsonObject]:
        """Stored messages, newest first; filters: account, destination_number, status, limit."""
        messages: list[JsonObject] = self._call("GET", "/_emulator/messages", fields=filters)[
            "messages"
        ]
        return messages

    def advance(self, seconds: float) -> str:
        """Move the emulator's time forward, processing everything due; returns the new now."""
        now: str = self._call("POST", "/_emulator/clock/advance", {"seconds": seconds})["now"]
        return now

    def reply(self, source_number: str, content: str, **fields: object) -> JsonObject:
        """A handset answers (message_id, destination_number, attachments are optional)."""
        body = {"source_number": source_number, "content": content, **fields}
        return self._call("POST", "/_emulator/replies", body)

    def webhooks(self, **filters: object) -> list[JsonObject]:
        """Webhook deliveries and their attempts, newest first; filters: message_id, limit."""
        webhooks: list[JsonObject] = self._call("GET", "/_emulator/webhooks", fields=filters)[
            "webhooks"
        ]
        return webhooks

    def webhook(
        self,
        url: str,
        events: list[str],
        template: str,
        account: str | None = None,
        **fields: object,
    ) -> JsonObject:
        """Create an account webhook with the Webhooks Management API, as DemoAccount or its
        sub-account `account`; `fields` override POST and JSON and add headers, retries...:
        `webhook(url, ["DELIVERED_DR"], '{"id": "$mtId"}', method="PUT")`. Returns it."""
        body: JsonObject = {"url": url, "method": "POST", "encoding": "JSON", "events": events}
        body.update(template=template, **fields)
        return self._call("POST", "/v1/webhooks/messages", body, account=account)

    def signature_key(
        self, digest: str = "SHA256", enable: bool = True, account: str | None = None
    ) -> JsonObject:
        """Create a signature key with the Signature Key API and, unless `enable` is False,
        enable it: every callback and webhook of the account is signed from then on. Returns
        the key with its `public_key`, for `verify_signature`."""
        body = {"digest": digest, "cipher": "RSA"}
        key = self._call("POST", "/v1/iam/signature_keys", body, account=account)
        if enable:
            enabled = {"key_id": key["key_id"]}
            self._call("PATCH", "/v1/iam/signature_keys/enabled", enabled, account=account)
            key["enabled"] = True
        return key

    @contextmanager
    def chaos(self, *rules: JsonObject) -> Iterator[list[JsonObject]]:
        """Fault injection rules in force for the block, removed after it (those a reset has
        not removed already); yields them with their IDs and counters as added:
        `with mm_emulator.chaos({"method": "POST", "path": "/v1/messages",
        "fault": {"status": 503, "retry_after": 1}, "times": 1}):`."""
        added = self._call("POST", "/_emulator/chaos", {"rules": list(rules)})["rules"]
        try:
            yield added
        finally:
            for rule in added:
                response = self._http.request(
                    "DELETE", f"{self.base_url}/_emulator/chaos/{rule['id']}"
                )
                if response.status not in (204, 404):
                    raise AssertionError(
                        f"removing chaos rule {rule['id']} answered {response.status}"
                    )

    def set_features(self, account: str = "DemoAccount", **features: object) -> JsonObject:
        """Change account features, e.g. `set_features(deduplication=True)`."""
        return self._call("PATCH", f"/_emulator/accounts/{account}", {"features": features})

    def wait_for_status(self, message_id: str, status: str, timeout: float = 5.0) -> JsonObject:
        """Poll until the message has `status` (with the real clock running); returns it."""
        deadline = time.monotonic() + timeout
        while True:
            found_messages = self.messages(message_id=message_id)
            message = found_messages[0] if found_messages else None
            if message is not None and message["status"] == status:
                return message
            if time.monotonic() >= deadline:
                found = message["status"] if message else "no such message"
                raise AssertionError(f"message {message_id} is {found}, not {status}")
            time.sleep(0.02)

    def events(self, after: int = 0) -> list[JsonObject]:
        """The change log after the cursor `after` (an event's `seq`), oldest first: kinds
        message_accepted, status_changed, delivery_report, reply, webhook_attempt,
        features_changed, blacklist_changed, chaos and reset. Each has seq, kind, at,
        account_id, message_id, number (the handset) and data."""
        found: list[JsonObject] = []
        while True:
            fields = {"after": after, "limit": _EVENTS_PAGE}
            page = self._call("GET", "/_emulator/events", fields=fields)
            found.extend(page["events"])
            if len(page["events"]) < _EVENTS_PAGE:
                return found
            after = page["next"]

    def wait_for_event(self, kind: str, timeout: float = 5.0, **match: object) -> JsonObject:
        """Poll the change log until an event of `kind` matches, and return it. Each keyword is
        compared with the event's field of that name, else with the same key of its data:
        `wait_for_event("status_changed", message_id=sent, status="delivered")`."""
        deadline = time.monotonic() + timeout
        after, seen = 0, []
        while True:
            for event in self.events(after):
                after = event["seq"]
                seen.append(event)
                if event["kind"] == kind and all(
                    (event[key] if key in event else event["data"].get(key)) == value
                    for key, value in match.items()
                ):
                    return event
            if time.monotonic() >= deadline:
                wanted = ", ".join(f"{key}={value!r}" for key, value in match.items())
                recent = ", ".join(event["kind"] for event in seen[-10:]) or "none"
                raise AssertionError(
                    f"no {kind} event ({wanted}) within {timeout:g} s; latest events: {recent}"
                )
            time.sleep(0.02)

    def stop(self) -> None:
        self._process.terminate()
        self._process.wait(timeout=15)

    def _call(
        self,
        method: str,
        path: str,
        body: JsonObject | None = None,
        fields: Mapping[str, object] | None = None,
        account: str | None = None,
    ) -> JsonObject:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if path.startswith("/v1/"):
            headers.update(urllib3.make_headers(basic_auth=f"{self.api_key}:{self.api_secret}"))
            if account:
                headers["Account"] = account
        response = self._http.request(
            method,
            self.base_url + path,
            body=None if body is None else json.dumps(body).encode(),
            headers=headers,
            fields=fields,
        )
        payload: JsonObject = json.loads(response.data or b"{}")
        if response.status >= 400:
            raise AssertionError(f"{method} {path} answered {response.status}: {payload}")
        return payload


def verify_signature(
    public_key: str, method: str, target: str, headers: Mapping[str, str], body: bytes
) -> bool:
    """Whether a request your receiver got was signed with the key whose `public_key` the
    Signature Key API returned. `target` is the path and query as received (`/hook?a=1`),
    `headers` its headers (any case) and `body` its raw bytes."""
    lowered = {name.lower(): value for name, value in headers.items()}
    needed = ("date", "x-messagemedia-digest-type", "x-messagemedia-signature")
    if any(name not in lowered for name in needed):
        return False
    signed = signed_bytes(method, target, lowered["date"], body)
    digest, signature = lowered["x-messagemedia-digest-type"], lowered["x-messagemedia-signature"]
    return verify(public_key, digest, signature, signed)


def start_emulator(*args: str) -> RunningEmulator:
    """Start `mm-emulator serve` on a free loopback port with a throwaway store; with `--tls`
    among `args`, over HTTPS."""
    command = [sys.executable, "-m", "emulator", "serve", "--host", "127.0.0.1", "--port", "0"]
    with tempfile.NamedTemporaryFile(prefix="mm-emulator-", suffix=".log", delete=False) as log:
        # The server's log goes to a file: a pipe nobody reads would fill up and block it.
        process = subprocess.Popen(
            [*command, "--db", ":memory:", *args],
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
    assert process.stdout is not None
    certificate_path = None
    # The certificate's line, when there is one, comes before the banner.
    for line in process.stdout:
        certificate = _CERTIFICATE.search(line)
        if certificate is not None:
            certificate_path = certificate.group(1).strip()
            continue
        banner = _BANNER.search(line)
        if banner is not None:
            return RunningEmulator(banner.group(1), process, log.name, certificate_path)
        break
    process.kill()
    raise RuntimeError(f"mm-emulator did not start; see {log.name}")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "mm_emulator_args",
        type="args",
        default=[],
        help="Extra `mm-emulator serve` arguments for the mm_emulator fixture, e.g. --instant;"
        " --tls serves HTTPS, whose certificate is mm_emulator.certificate_path",
    )


@pytest.fixture(scope="session")
def mm_emulator_session(pytestconfig: pytest.Config) -> Iterator[RunningEmulator]:
    """One emulator for the whole test session."""
    emulator = start_emulator(*pytestconfig.getini("mm_emulator_args"))
    yield emulator
    emulator.stop()


@pytest.fixture
def mm_emulator(mm_emulator_session: RunningEmulator) -> RunningEmulator:
    """The session's emulator, reset: no messages, reports, replies or webhooks; real time."""
    mm_emulator_session.reset()
    return mm_emulator_session
