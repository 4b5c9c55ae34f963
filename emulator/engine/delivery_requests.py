"""What one attempt at a webhook delivery sends, and how it is retried: the template rendered for
that attempt, the method, the URL without its credentials (sent as Basic auth instead), the
headers and the body."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, replace
from urllib.parse import unquote, urlsplit, urlunsplit

from emulator.domain.records import WebhookDelivery
from emulator.domain.retry import RetryPolicy
from emulator.domain.velocity import DEFAULT_LIMITS, RenderLimits, render


@dataclass(frozen=True)
class WebhookRequest:
    """One HTTP request to a receiver; `timeout_seconds` None is the sender's own timeout."""

    method: str
    url: str
    headers: dict[str, str]
    body: bytes | None
    timeout_seconds: float | None = None


def build_request(
    hook: WebhookDelivery, limits: RenderLimits = DEFAULT_LIMITS
) -> tuple[WebhookRequest, str | None]:
    """The request of the hook's next attempt, and the text its template rendered within
    `limits` (None for a JSON callback). A template that fails raises TemplateProblem."""
    if hook["template"] is None:
        text, rendered = json.dumps(hook["payload"]), None
    else:
        variables = {**hook["payload"], "retryCount": len(hook["attempts"])}
        text = rendered = render(hook["template"], variables, limits)
    parts = urlsplit(hook["url"])
    headers = {}
    if parts.username is not None:
        credentials = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        headers["Authorization"] = "Basic " + base64.b64encode(credentials.encode()).decode()
    headers.update(hook["headers"])
    query: str = parts.query
    body: bytes | None = text.encode()
    if hook["method"] == "GET":
        query = "&".join(part for part in (query, text) if part)
        body = None
    elif hook["content_type"] is not None:
        headers["Content-Type"] = hook["content_type"]
    host = parts.netloc.rpartition("@")[2]
    url = urlunsplit((parts.scheme, host, parts.path or "/", query, ""))
    return WebhookRequest(hook["method"], url, headers, body, hook["timeout_seconds"]), rendered


def retry_policy(hook: WebhookDelivery, default: RetryPolicy) -> RetryPolicy:
    """The server's backoff for a callback_url; a webhook's own attempts and fixed delay."""
    policy = default
    if hook["max_attempts"] is not None:
        policy = replace(policy, max_attempts=hook["max_attempts"])
    delay = hook["retry_delay_seconds"]
    if delay is not None:
        policy = replace(policy, base_seconds=delay, factor=1, cap_seconds=delay, jitter=0)
    return policy
