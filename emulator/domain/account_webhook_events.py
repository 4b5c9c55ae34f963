"""Account webhooks' vocabulary: the events they subscribe to, their methods and encodings, which
events a delivery report or a reply raises, and the template variables of each event."""

from __future__ import annotations

from typing import Any

from emulator.domain.records import VENDOR_ID, DeliveryReport, Message, Reply
from emulator.timestamps import format_timestamp

RECEIVED_SMS = "RECEIVED_SMS"
OPT_OUT_SMS = "OPT_OUT_SMS"
RECEIVED_MMS = "RECEIVED_MMS"
EVENTS = (
    RECEIVED_SMS,
    OPT_OUT_SMS,
    RECEIVED_MMS,
    "ENROUTE_DR",
    "EXPIRED_DR",
    "REJECTED_DR",
    "FAILED_DR",
    "DELIVERED_DR",
    "SUBMITTED_DR",
)
METHODS = ("POST", "PUT", "PATCH", "GET", "DELETE")
# The Content-Type each encoding sends; a webhook's own headers may not set one.
CONTENT_TYPES = {
    "JSON": "application/json",
    "FORM_ENCODED": "application/x-www-form-urlencoded",
    "XML": "application/xml",
}


def report_event(status: str) -> str:
    """`DELIVERED_DR` for a report of status `delivered`, and so on."""
    return f"{status.upper()}_DR"


def reply_events(reply: Reply, opts_out: bool) -> list[str]:
    """A reply is a received SMS, or MMS when it has attachments; an opt-out keyword (`opts_out`)
    is an opt-out too."""
    events = [RECEIVED_MMS if reply["attachments"] else RECEIVED_SMS]
    if opts_out:
        events.append(OPT_OUT_SMS)
    return events


def report_variables(message: Message, report: DeliveryReport) -> dict[str, Any]:
    """The variables of a delivery report event (`DR` in the spec's table). The handset is the
    source, as in the delivery report body."""
    return {
        "type": message["format"],
        "mtId": message["id"],
        "messageId": message["id"],
        "drId": report["id"],
        "reportId": report["id"],
        "accountId": report["account_id"],
        "vendorId": VENDOR_ID,
        "submittedTimestamp": format_timestamp(report["submitted_date"]),
        "receivedTimestamp": format_timestamp(report["date_received"]),
        "status": report["status"],
        "statusCode": report["error_code"],
        "metadata": message["metadata"] or {},
        "sourceAddress": message["destination_number"],
        "destinationAddress": message["source_number"],
        "mtContent": message["content"],
        "messageContent": message["content"],
        "billingUnits": report["billing_units"],
    }


def trial_variables() -> dict[str, Any]:
    """Every variable a report or a reply gives a template, each as large as the API lets it
    be (a content of 5,000 characters, 10 metadata pairs of the longest keys and values): a
    webhook whose template renders these beyond the limits is refused when it is saved."""
    content = "x" * 5000
    identifier = "00000000-0000-4000-8000-000000000000"
    return {
        "type": "MMS",
        **dict.fromkeys(("mtId", "messageId", "drId", "reportId", "moId", "replyId"), identifier),
        "accountId": "DeveloperPortal7000",
        "vendorId": VENDOR_ID,
        "submittedTimestamp": "2026-01-01T00:00:00.000Z",
        "receivedTimestamp": "2026-01-01T00:00:00.000Z",
        "status": "delivered",
        "statusCode": "000",
        "metadata": {f"{n:0>100}": "v" * 256 for n in range(10)},
        "sourceAddress": "+61491570156",
        "destinationAddress": "+61491570157",
        **dict.fromkeys(("mtContent", "messageContent", "moContent", "replyContent"), content),
        "billingUnits": 34,
        "attachments": [
            {"content_type": "image/png", "content": "iVBORw0KGgo=", "original_name": "a.png"}
        ],
    }


def reply_variables(reply: Reply, answered: Message | None) -> dict[str, Any]:
    """The variables of a reply event (`MO`, or `MO MMS` with attachments); the message fields
    only when the reply answers a message."""
    received = format_timestamp(reply["date_received"])
    variables: dict[str, Any] = {
        "type": "MMS" if reply["attachments"] else "SMS",
        "mtId": reply["message_id"],
        "messageId": reply["message_id"],
        "moId": reply["id"],
        "replyId": reply["id"],
        "accountId": reply["account_id"],
        "vendorId": VENDOR_ID,
        "submittedTimestamp": received,
        "receivedTimestamp": received,
        "metadata": reply["metadata"] or {},
        "sourceAddress": reply["source_number"],
        "destinationAddress": reply["destination_number"],
        "moContent": reply["content"],
        "replyContent": reply["content"],
        "attachments": reply["attachments"] or None,
    }
    if answered is not None:
        variables["mtContent"] = variables["messageContent"] = answered["content"]
    return variables
