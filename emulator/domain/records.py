"""The typed records every layer passes around: a message, a delivery report, a reply, a webhook
delivery, an account webhook and a signature key, each field named once; the builders of new
ones; and the API's views of them."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypedDict
from urllib.parse import urlsplit

from emulator.domain.ids import new_id
from emulator.domain.statuses import WEBHOOK_PENDING

VENDOR_ID = "MessageMedia"


class MessageRequest(TypedDict):
    """What a client sends for one message; a field it left out is None."""

    content: str
    destination_number: str
    source_number: str | None
    source_number_type: str | None
    format: str
    delivery_report: bool
    callback_url: str | None
    scheduled: datetime | None
    message_expiry_timestamp: datetime | None
    metadata: dict[str, str] | None
    media: list[str] | None
    subject: str | None


class OutcomeData(TypedDict):
    """How a message will end, fixed when it is accepted."""

    status: str
    error_code: str
    delays: dict[str, float] | None


class Message(MessageRequest):
    """A stored message: the request, what acceptance decided, and where its life stands."""

    id: str
    account_id: str
    status: str
    billing_units: int
    # The content as handed to the carrier, when the character converter changed it.
    sent_content: str | None
    # Withheld by de-duplication: later messages are not compared with it.
    is_duplicate: bool
    error_code: str | None
    outcome: OutcomeData
    # When the engine moves it next; None once it has reached a final status.
    next_transition_at: datetime | None
    created_at: datetime
    updated_at: datetime


class DeliveryReport(TypedDict):
    """A message reaching a reported status."""

    id: str
    account_id: str
    message_id: str
    status: str
    error_code: str | None
    billing_units: int
    submitted_date: datetime
    date_received: datetime
    confirmed: bool


class Reply(TypedDict):
    """A handset's answer to a message, or an inbound message to an account's number."""

    id: str
    account_id: str
    message_id: str | None
    source_number: str
    destination_number: str | None
    content: str
    metadata: dict[str, str] | None
    callback_url: str | None
    attachments: list[dict[str, Any]] | None
    date_received: datetime
    confirmed: bool


class WebhookDelivery(TypedDict):
    """One notification to a receiver, with every attempt made at it."""

    id: str
    account_id: str
    message_id: str | None
    url: str
    # The URL's host and port, so a busy receiver can be passed over in one query.
    receiver: str
    event: str
    payload: dict[str, Any]
    state: str
    attempts: list[dict[str, Any]]
    # When the next attempt is due; None once delivered or failed.
    next_attempt_at: datetime | None
    created_at: datetime
    # The account webhook that made it; None for a message's callback_url.
    account_webhook_id: str | None
    method: str
    headers: dict[str, str]
    # None when nothing is sent in the body (a GET sends its template in the query).
    content_type: str | None
    # A Velocity template rendered with `payload` at each attempt; None: `payload` goes as JSON.
    template: str | None
    # What the template rendered for the latest attempt.
    body: str | None
    # None: the server's settings (timeout, attempts, exponential backoff with jitter).
    timeout_seconds: float | None
    max_attempts: int | None
    retry_delay_seconds: float | None
    # While a process attempts it: until when (real time), and which claim holds it.
    claimed_until: datetime | None
    claim_token: str | None
    # The faults injected into it, decided before its first attempt; None until then.
    chaos: list[dict[str, Any]] | None


class AccountWebhook(TypedDict):
    """A webhook of the Webhooks Management API: where and how an account's events are sent."""

    id: str
    account_id: str
    url: str
    method: str
    encoding: str
    headers: dict[str, str]
    events: list[str]
    template: str
    # Milliseconds, as the API gives them.
    read_timeout: int
    retries: int
    # Seconds.
    retry_delay: int
    created_at: datetime


class SignatureKey(TypedDict):
    """A key pair of the Signature Key API; callbacks are signed with the enabled one."""

    id: str
    account_id: str
    digest: str
    cipher: str
    # Base64 of the DER SubjectPublicKeyInfo, as the API returns it.
    public_key: str
    # PKCS#8 PEM; never shown.
    private_key: str
    enabled: bool
    created_at: datetime


class ReportedMessage(TypedDict):
    """The fields of a message that its delivery reports show."""

    destination_number: str
    content: str
    callback_url: str | None
    metadata: dict[str, str] | None


MESSAGE_REQUEST_FIELDS = tuple(MessageRequest.__annotations__)


def new_delivery_report(
    message: Message, status: str, error_code: str | None, at: datetime
) -> DeliveryReport:
    """A report of `message` reaching `status` at `at`."""
    return {
        "id": new_id(),
        "account_id": message["account_id"],
        "message_id": message["id"],
        "status": status,
        "error_code": error_code,
        "billing_units": message["billing_units"],
        "submitted_date": at,
        "date_received": at,
        "confirmed": False,
    }


def new_reply(
    message: Message, content: str, at: datetime, attachments: list[dict[str, Any]] | None = None
) -> Reply:
    """A handset's reply to `message`, source and destination inverted."""
    return {
        "id": new_id(),
        "account_id": message["account_id"],
        "message_id": message["id"],
        "source_number": message["destination_number"],
        "destination_number": message["source_number"],
        "content": content,
        "metadata": message["metadata"],
        "callback_url": message["callback_url"],
        "attachments": attachments,
        "date_received": at,
        "confirmed": False,
    }


def new_inbound_reply(
    account_id: str,
    source_number: str,
    destination_number: str,
    content: str,
    at: datetime,
    attachments: list[dict[str, Any]] | None = None,
) -> Reply:
    """A handset writing to an account's number without answering a message."""
    return {
        "id": new_id(),
        "account_id": account_id,
        "message_id": None,
        "source_number": source_number,
        "destination_number": destination_number,
        "content": content,
        "metadata": None,
        "callback_url": None,
        "attachments": attachments,
        "date_received": at,
        "confirmed": False,
    }


def new_webhook_delivery(
    account_id: str,
    message_id: str | None,
    url: str,
    event: str,
    payload: dict[str, Any],
    at: datetime,
    webhook: AccountWebhook | None = None,
    content_type: str | None = "application/json",
) -> WebhookDelivery:
    """A pending notification, due at `at`: a JSON POST of `payload` with the server's timeout and
    retries, or what `webhook` says (its template rendered with `payload` as variables)."""
    return {
        "id": new_id(),
        "account_id": account_id,
        "message_id": message_id,
        "url": url,
        "receiver": receiver_of(url),
        "event": event,
        "payload": payload,
        "state": WEBHOOK_PENDING,
        "attempts": [],
        "next_attempt_at": at,
        "created_at": at,
        "account_webhook_id": webhook["id"] if webhook else None,
        "method": webhook["method"] if webhook else "POST",
        "headers": webhook["headers"] if webhook else {},
        "content_type": content_type,
        "template": webhook["template"] if webhook else None,
        "body": None,
        "timeout_seconds": webhook["read_timeout"] / 1000 if webhook else None,
        "max_attempts": webhook["retries"] + 1 if webhook else None,
        "retry_delay_seconds": webhook["retry_delay"] if webhook else None,
        "claimed_until": None,
        "claim_token": None,
        "chaos": None,
    }


def receiver_of(url: str) -> str:
    """The host and port a delivery goes to, without any credentials in the URL."""
    return urlsplit(url).netloc.rpartition("@")[2]


def vendor_account_id(account_id: str) -> dict[str, str]:
    return {"vendor_id": VENDOR_ID, "account_id": account_id}


def delivery_report_view(report: DeliveryReport, message: ReportedMessage) -> dict[str, Any]:
    """A report as the API shows it, with its message's fields (source inverted)."""
    return {
        "callback_url": message["callback_url"],
        "delivery_report_id": report["id"],
        "source_number": message["destination_number"],
        "date_received": report["date_received"],
        "status": report["status"],
        "delay": 0,
        "billing_units": report["billing_units"],
        "submitted_date": report["submitted_date"],
        "original_text": message["content"],
        "message_id": report["message_id"],
        "vendor_account_id": vendor_account_id(report["account_id"]),
        "error_code": report["error_code"],
        "metadata": message["metadata"] or {},
    }


def reply_view(reply: Reply) -> dict[str, Any]:
    """A reply as the API shows it; no destination_number when the message had no source."""
    view: dict[str, Any] = {
        "callback_url": reply["callback_url"],
        "content": reply["content"],
        "date_received": reply["date_received"],
        "message_id": reply["message_id"],
        "metadata": reply["metadata"] or {},
        "reply_id": reply["id"],
        "source_number": reply["source_number"],
        "vendor_account_id": vendor_account_id(reply["account_id"]),
    }
    if reply["destination_number"]:
        view["destination_number"] = reply["destination_number"]
    return view
