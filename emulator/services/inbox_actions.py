"""What a person does from the web inbox besides reading it: remove a handset from the inbox, and
deliver a webhook again by hand. No Flask."""

from __future__ import annotations

from typing import Any

from emulator.clock import Clock
from emulator.domain.records import WebhookDelivery
from emulator.domain.velocity import TemplateProblem
from emulator.engine.delivery_http import USER_AGENT, AttemptResult, WebhookSender
from emulator.engine.delivery_requests import build_request
from emulator.engine.signing import CallbackSigner
from emulator.errors import NotFound
from emulator.services.features import FeatureService
from emulator.store import Store, inbox, inbox_views

# Shown in place of a credential the request carries.
HIDDEN = "••••••"
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization"})


class InboxActions:
    """Changes made from the web inbox's pages."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        features: FeatureService,
        webhook_timeout_seconds: float,
    ) -> None:
        self._store = store
        self._clock = clock
        self._features = features
        self._timeout = webhook_timeout_seconds

    def remove_handset(self, number: str, account_ids: tuple[str, ...] | None) -> int:
        """Remove a handset's messages and replies (of these accounts; every account: None)
        from the inbox; the API still serves them. Returns how many were removed."""
        with self._store.transaction() as tx:
            return inbox.hide_handset(tx, number, account_ids, self._clock.now())

    def redeliver(self, webhook_id: str) -> dict[str, Any]:
        """Send a delivery's request again now, as its next attempt (marked `manual`), signed
        as the engine signs it; a success delivers it. Returns the attempt."""
        with self._store.reading() as tx:
            hook = inbox_views.webhook(tx, webhook_id)
        if hook is None:
            raise NotFound("No webhook delivery has this ID.")
        at = self._clock.now()
        try:
            request, _ = build_request(hook)
        except TemplateProblem as problem:
            result = AttemptResult(error=f"the template could not be rendered: {problem}")
        else:
            signer = CallbackSigner(
                self._store, lambda account_id: self._features.features(account_id).signature_keys
            )
            result = WebhookSender(self._timeout).send(signer.sign(hook["account_id"], request))
        attempt = {**result.as_attempt(at), "manual": True}
        with self._store.transaction() as tx:
            inbox.record_manual_attempt(tx, hook, attempt, result.ok)
        return attempt


def request_preview(hook: WebhookDelivery) -> dict[str, Any] | None:
    """The request an attempt at the delivery sends: method, URL, headers (credentials hidden)
    and body; None when its template cannot be rendered. Signed deliveries add their signature
    headers at each attempt."""
    try:
        request, _ = build_request(hook)
    except TemplateProblem:
        return None
    headers = {"User-Agent": USER_AGENT, **request.headers}
    shown = {
        name: HIDDEN if name.lower() in SECRET_HEADERS else value for name, value in headers.items()
    }
    body = request.body.decode("utf-8", errors="replace") if request.body is not None else ""
    return {"method": request.method, "url": request.url, "headers": shown, "body": body}
