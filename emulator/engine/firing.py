"""Account webhooks firing: the deliveries a delivery report or a reply makes for every webhook of
its account subscribed to its event, beside the message's callback_url."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from emulator.domain.account_webhook_events import (
    CONTENT_TYPES,
    reply_events,
    reply_variables,
    report_event,
    report_variables,
)
from emulator.domain.records import (
    AccountWebhook,
    DeliveryReport,
    Message,
    Reply,
    WebhookDelivery,
    new_webhook_delivery,
)


class Subscriptions:
    """The webhooks of some accounts, looked up once for a batch of reports or a reply."""

    def __init__(self, webhooks: list[AccountWebhook]) -> None:
        self._by_account: dict[str, list[AccountWebhook]] = defaultdict(list)
        for webhook in webhooks:
            self._by_account[webhook["account_id"]].append(webhook)

    @property
    def accounts(self) -> frozenset[str]:
        """The accounts with at least one webhook."""
        return frozenset(self._by_account)

    def for_report(self, message: Message, report: DeliveryReport) -> list[WebhookDelivery]:
        """Deliveries of `report` to the account's webhooks subscribed to its `*_DR` event."""
        webhooks = self._by_account.get(report["account_id"])
        if not webhooks:
            return []
        variables = report_variables(message, report)
        event = report_event(report["status"])
        at = report["date_received"]
        return [
            _delivery(webhook, event, variables, at)
            for webhook in webhooks
            if event in webhook["events"]
        ]

    def for_reply(
        self, reply: Reply, answered: Message | None, opts_out: bool
    ) -> list[WebhookDelivery]:
        """Deliveries of `reply` to the account's webhooks subscribed to any of its events
        (`RECEIVED_SMS` or `RECEIVED_MMS`, and `OPT_OUT_SMS` for an opt-out keyword), one per
        event."""
        webhooks = self._by_account.get(reply["account_id"])
        if not webhooks:
            return []
        variables = reply_variables(reply, answered)
        at = reply["date_received"]
        return [
            _delivery(webhook, event, variables, at)
            for event in reply_events(reply, opts_out)
            for webhook in webhooks
            if event in webhook["events"]
        ]


def _delivery(
    webhook: AccountWebhook, event: str, variables: dict[str, Any], at: datetime
) -> WebhookDelivery:
    # A GET sends its rendered template in the query string: there is no body to type.
    content_type = None if webhook["method"] == "GET" else CONTENT_TYPES[webhook["encoding"]]
    return new_webhook_delivery(
        webhook["account_id"],
        variables["messageId"],
        webhook["url"],
        event,
        variables,
        at,
        webhook=webhook,
        content_type=content_type,
    )
