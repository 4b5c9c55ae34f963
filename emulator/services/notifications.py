"""Webhook deliveries as stored rows, and the bodies the reference gives them."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from marshmallow import Schema, fields

from emulator.schemas.inbox import DeliveryReportSchema, ReplySchema
from emulator.services.ids import new_id
from emulator.services.inbox import delivery_report_of, reply_view

DELIVERY_REPORT_EVENT = "delivery_report"
REPLY_EVENT = "reply"


class AttachmentSchema(Schema):
    content_type = fields.String()
    content = fields.String()
    original_name = fields.String()


class ReplyWebhookSchema(ReplySchema):
    """The SMS reply body, or the MMS reply body when the reply has attachments."""

    attachments = fields.List(fields.Nested(AttachmentSchema))


_report_schema = DeliveryReportSchema()
_reply_schema = ReplyWebhookSchema()


def delivery_report_webhook(message: dict, report: dict, at: datetime) -> dict:
    """The webhook announcing `report` of `message` to the message's callback_url."""
    payload = _report_schema.dump(delivery_report_of(message, report))
    return webhook_row(
        message["account_id"],
        message["id"],
        message["callback_url"],
        DELIVERY_REPORT_EVENT,
        payload,
        at,
    )


def reply_webhook(reply: dict) -> dict:
    """The webhook announcing `reply` to the callback_url of the message it answers."""
    view = reply_view(reply)
    if reply["attachments"]:
        view["attachments"] = reply["attachments"]
    return webhook_row(
        reply["account_id"],
        reply["message_id"],
        reply["callback_url"],
        REPLY_EVENT,
        _reply_schema.dump(view),
        reply["date_received"],
    )


def webhook_row(
    account_id: str, message_id: str | None, url: str, event: str, payload: dict, at: datetime
) -> dict:
    """A pending webhook delivery, due at `at`."""
    return {
        "id": new_id(),
        "account_id": account_id,
        "message_id": message_id,
        "url": url,
        "receiver": urlsplit(url).netloc,
        "event": event,
        "payload": payload,
        "state": "pending",
        "attempts": [],
        "next_attempt_at": at,
        "created_at": at,
    }
