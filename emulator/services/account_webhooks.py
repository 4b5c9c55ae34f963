"""The Webhooks Management API without HTTP: an account's webhooks, created, listed, changed and
deleted; the engine fires them."""

from __future__ import annotations

from typing import Any

from emulator.clock import Clock
from emulator.domain.account_webhook_events import trial_variables
from emulator.domain.ids import new_id, normalise_id
from emulator.domain.records import AccountWebhook
from emulator.domain.velocity import (
    DEFAULT_LIMITS,
    RenderLimits,
    TemplateProblem,
    TemplateTooCostly,
    render,
)
from emulator.errors import BadRequest, Conflict, NotFound
from emulator.schemas.validation import INVALID_REQUEST
from emulator.store import Store, account_webhooks

DUPLICATE = "A webhook with the given url and method already exists."


class WebhookService:
    """What happens when an account manages its webhooks."""

    def __init__(
        self, store: Store, clock: Clock, template_limits: RenderLimits = DEFAULT_LIMITS
    ) -> None:
        self._store = store
        self._clock = clock
        self._template_limits = template_limits

    def create(self, account_id: str, fields: dict[str, Any]) -> AccountWebhook:
        """Store a validated webhook; Conflict when the account has one with its URL and method,
        BadRequest when its template costs too much to render."""
        self._check_cost(fields["template"])
        webhook: AccountWebhook = {
            "id": new_id(),
            "account_id": account_id,
            "url": fields["url"],
            "method": fields["method"],
            "encoding": fields["encoding"],
            "headers": fields.get("headers") or {},
            "events": fields["events"],
            "template": fields["template"],
            "read_timeout": fields["read_timeout"],
            "retries": fields["retries"],
            "retry_delay": fields["retry_delay"],
            "created_at": self._clock.now(),
        }
        with self._store.transaction() as tx:
            saved = account_webhooks.save(tx, webhook, new=True)
        if not saved:
            raise Conflict(DUPLICATE)
        return webhook

    def page(self, account_id: str, page: int, page_size: int) -> dict[str, Any]:
        """Page `page` (from 0) of the account's webhooks, oldest first."""
        with self._store.reading() as tx:
            found = account_webhooks.page(tx, account_id, page * page_size, page_size)
        return {"page": page, "pageSize": page_size, "pageData": found}

    def get(self, account_id: str, webhook_id: str) -> AccountWebhook:
        """The account's webhook; NotFound for an unknown, malformed or another account's ID."""
        return self._find(account_id, webhook_id)

    def update(self, account_id: str, webhook_id: str, changes: dict[str, Any]) -> AccountWebhook:
        """Apply the validated changes that are not None; NotFound for an unknown ID."""
        webhook = self._find(account_id, webhook_id)
        if changes.get("template") is not None:
            self._check_cost(changes["template"])
        given = {name: value for name, value in changes.items() if value is not None}
        changed: AccountWebhook = {**webhook, **given}  # type: ignore[typeddict-item]
        with self._store.transaction() as tx:
            saved = account_webhooks.save(tx, changed, new=False)
        if not saved:
            raise Conflict(DUPLICATE)
        return changed

    def delete(self, account_id: str, webhook_id: str) -> None:
        canonical = normalise_id(webhook_id)
        if canonical is None:
            raise NotFound()
        with self._store.transaction() as tx:
            deleted = account_webhooks.delete(tx, account_id, canonical)
        if not deleted:
            raise NotFound()

    def _check_cost(self, template: str) -> None:
        """BadRequest naming `template` when rendering the largest variables a message can give
        goes beyond the limits: known now, it would fail every delivery. A template that fails
        otherwise here may well render the real variables."""
        try:
            render(template, trial_variables(), self._template_limits)
        except TemplateTooCostly as problem:
            raise BadRequest(INVALID_REQUEST, [f"template: {problem}"]) from None
        except TemplateProblem:
            pass

    def _find(self, account_id: str, webhook_id: str) -> AccountWebhook:
        canonical = normalise_id(webhook_id)
        if canonical is None:
            raise NotFound()
        with self._store.reading() as tx:
            found = account_webhooks.find(tx, account_id, canonical)
        if found is None:
            raise NotFound()
        return found
