"""The webhook deliveries that announce delivery reports and replies, with the bodies the
reference gives them."""

from __future__ import annotations

from marshmallow import Schema, fields

from emulator.domain.records import (
    DeliveryReport,
    Message,
    Reply,
    WebhookDelivery,
    delivery_report_view,
    new_webhook_delivery,
    reply_view,
)
from emulator.schemas.inbox import DeliveryReportSchema, ReplySchema

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


def delivery_report_webhook(message: Message, report: DeliveryReport) -> WebhookDelivery:
    """The webhook announcing `report` of `message` to the message's callback_url."""
    assert message["callback_url"] is not None
    return new_webhook_delivery(
        message["account_id"],
        message["id"],
        message["callback_url"],
        DELIVERY_REPORT_EVENT,
        _report_schema.dump(delivery_report_view(report, message)),
        report["date_received"],
    )


def reply_webhook(reply: Reply) -> WebhookDelivery:
    """The webhook announcing `reply` to the callback_url of the message it answers."""
    assert reply["callback_url"] is not None
    view = reply_view(reply)
    if reply["attachments"]:
        view["attachments"] = reply["attachments"]
    return new_webhook_delivery(
        reply["account_id"],
        reply["message_id"],
        reply["callback_url"],
        REPLY_EVENT,
        _reply_schema.dump(view),
        reply["date_received"],
    )
