"""Helpers the tests share: demo credentials, signed headers and valid messages."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from email.utils import formatdate

from emulator.domain.records import new_delivery_report, new_reply
from emulator.store import inbox, webhook_deliveries
from emulator.store import messages as stored_messages
from emulator.store.messages import Planned


@dataclass(frozen=True)
class Credentials:
    key: str
    secret: str


DEMO = Credentials("demo_api_key", "demo_api_secret")
OTHER = Credentials("other_api_key", "other_api_secret")


def basic_auth(credentials: Credentials = DEMO, account: str | None = None) -> dict[str, str]:
    token = base64.b64encode(f"{credentials.key}:{credentials.secret}".encode()).decode()
    headers = {"Authorization": f"Basic {token}"}
    if account:
        headers["Account"] = account
    return headers


def hmac_auth(
    method: str,
    target: str,
    body: bytes = b"",
    credentials: Credentials = DEMO,
    algorithm: str = "hmac-sha1",
    date_header: str = "Date",
    md5_header: str = "Content-MD5",
    date: str | None = None,
    signed_method: str | None = None,
    account: str | None = None,
) -> dict[str, str]:
    """Headers signed the way the reference describes, with every part adjustable for tests."""
    date = date or formatdate(usegmt=True)
    headers = {date_header: date}
    names = [date_header]
    lines = [f"{date_header}: {date}"]
    if body:
        digest = hashlib.md5(body).hexdigest()
        headers[md5_header] = digest
        names.append(md5_header)
        lines.append(f"{md5_header}: {digest}")
    names.append("request-line")
    lines.append(f"{signed_method or method} {target} HTTP/1.1")
    hash_function = hashlib.sha256 if algorithm == "hmac-sha256" else hashlib.sha1
    mac = hmac.new(credentials.secret.encode(), "\n".join(lines).encode(), hash_function)
    signature = base64.b64encode(mac.digest()).decode()
    headers["Authorization"] = (
        f'hmac username="{credentials.key}", algorithm="{algorithm}", '
        f'headers="{" ".join(names)}", signature="{signature}"'
    )
    if account:
        headers["Account"] = account
    return headers


def message(**fields) -> dict:
    """A valid message, with `fields` added or replaced."""
    return {"content": "Hello from the tests", "destination_number": "+61491570156", **fields}


def alpha_tag_request(tag: str, **changes) -> dict:
    """A body of POST /v1/messaging/numbers/sender_address/requests asking for alpha tag `tag`
    for Australia, with `changes` over it."""
    return {
        "sender_address": tag,
        "sender_address_type": "ALPHANUMERIC",
        "usage_type": "ALPHANUMERIC",
        "destination_countries": ["AU"],
        "reason": "Our brand",
        **changes,
    }


def send_body(*messages: dict) -> bytes:
    return json.dumps({"messages": list(messages)}).encode()


def record_delivery_report(store, message: dict, status: str, error_code: str, at) -> str:
    """Seed a delivery report of `message` straight into the store; returns its ID."""
    report = new_delivery_report(message, status, error_code, at)
    with store.transaction() as connection:
        stored_messages.apply_transitions(connection, Planned(reports=[report]))
    return report["id"]


def record_reply(store, message: dict, content: str, at) -> str:
    """Seed a handset's reply to `message` straight into the store; returns its ID."""
    reply = new_reply(message, content, at)
    with store.transaction() as tx:
        inbox.insert_reply(tx, reply, [])
    return reply["id"]


def find_message(store, account_id: str, message_id: str):
    """The stored message of this account and ID, or None."""
    with store.reading() as tx:
        return stored_messages.find(tx, account_id, message_id)


def list_messages(store, **filters):
    """Stored messages of every account (or as `filters` narrow them), newest first."""
    with store.reading() as tx:
        return stored_messages.newest(tx, **filters)


def list_webhooks(store, message_id: str | None = None):
    """Webhook deliveries (of one message, when given), newest first."""
    with store.reading() as tx:
        return webhook_deliveries.newest(tx, message_id)


# Plugins installed for this project's own tests that a user's suite does not have: loading
# them (hypothesis above all) would add 1.6 s to each pytest process pytester starts.
OWN_TEST_PLUGINS_OFF = ("-p", "no:schemathesis", "-p", "no:hypothesispytest")


def run_users_suite(pytester):
    """Run the files made in `pytester` in a new pytest process, as a user's suite with the
    emulator's plugin installed would run."""
    return pytester.runpytest_subprocess(*OWN_TEST_PLUGINS_OFF)
