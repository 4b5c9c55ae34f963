"""The typed records every layer passes around: a message, a delivery report, a reply and a webhook
delivery, each field named once; the builders of new ones; and the API's views of them."""

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
    message: Message, content: str, at: datetime, attachments: list[dict] | None = None
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
    attachments: list[dict] | None = None,
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
    account_id: str, message_id: str | None, url: str, event: str, payload: dict, at: datetime
) -> WebhookDelivery:
    """A pending notification, due at `at`."""
    return {
        "id": new_id(),
        "account_id": account_id,
        "message_id": message_id,
        "url": url,
        "receiver": urlsplit(url).netloc,
        "event": event,
        "payload": payload,
        "state": WEBHOOK_PENDING,
        "attempts": [],
        "next_attempt_at": at,
        "created_at": at,
    }


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
