"""The typed records are the one list of each entity's fields: the tables and the request schema
follow them."""

from __future__ import annotations

from emulator.domain.records import (
    MESSAGE_REQUEST_FIELDS,
    AccountWebhook,
    DeliveryReport,
    Message,
    Reply,
    ReportedMessage,
    SignatureKey,
    WebhookDelivery,
)
from emulator.schemas.messages import MessageRequestSchema
from emulator.store.tables import (
    account_webhooks,
    delivery_reports,
    messages,
    replies,
    signature_keys,
    webhooks,
)

# The store's own row counter, not part of any record.
STORE_ONLY = {"seq"}


def _columns(table) -> set[str]:
    return {column.name for column in table.columns} - STORE_ONLY


def test_each_table_holds_exactly_its_record():
    assert _columns(messages) == set(Message.__annotations__)
    assert _columns(delivery_reports) == set(DeliveryReport.__annotations__)
    assert _columns(replies) == set(Reply.__annotations__)
    assert _columns(webhooks) == set(WebhookDelivery.__annotations__)
    assert _columns(account_webhooks) == set(AccountWebhook.__annotations__)
    assert _columns(signature_keys) == set(SignatureKey.__annotations__)


def test_a_message_request_is_what_the_send_schema_accepts():
    assert set(MESSAGE_REQUEST_FIELDS) == set(MessageRequestSchema().fields)


def test_reported_message_fields_are_message_fields():
    assert set(ReportedMessage.__annotations__) <= set(Message.__annotations__)


def test_a_report_and_its_message_share_no_field_name():
    """The store reads a page of reports with their messages' fields as one dict per row."""
    assert not set(DeliveryReport.__annotations__) & set(ReportedMessage.__annotations__)
