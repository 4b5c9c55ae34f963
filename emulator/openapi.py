"""The emulator's own OpenAPI 3 document, generated from its marshmallow schemas and routes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import Schema

from emulator import __version__
from emulator.schemas import common, control, events, inbox, messages, signature_keys, webhooks

Security = list[dict[str, list[str]]]
# Status -> (description, schema of the body, an instance for a list of them, or None).
Answers = dict[int, tuple[str, type[Schema] | Schema | None]]

V1: Security = [{"basic_auth": []}, {"hmac_auth": []}]
# Open on loopback; a bearer token when one is configured.
CONTROL: Security = [{}, {"admin_token": []}]
OPEN: Security = [{}]


@dataclass(frozen=True)
class Operation:
    """One route and method, with the schemas of what it takes and answers."""

    method: str
    path: str
    operation_id: str
    summary: str
    tag: str
    answers: Answers
    body: type[Schema] | None = None
    # A body the route accepts: the docs page's "Try it out" sends it as it is.
    example: dict | None = None
    query: type[Schema] | None = None
    security: Security = field(default_factory=list)


BAD_REQUEST: Answers = {400: ("Invalid request", common.BadRequestSchema)}
NOT_FOUND: Answers = {404: ("Resource not found", common.ErrorSchema)}
FORBIDDEN: Answers = {403: ("Invalid authentication credentials", common.ErrorSchema)}
DUPLICATE_WEBHOOK: Answers = {
    409: ("A webhook with the given url and method already exists.", common.ErrorSchema)
}
FEATURE_OFF: Answers = {
    403: (
        (
            "Invalid authentication credentials, or an account without the signature_keys "
            "feature: This feature has not been enabled in your account."
        ),
        common.ErrorSchema,
    )
}
# The Signature Key API's own error bodies.
KEY_BAD_REQUEST: Answers = {400: ("Bad Request", common.BadRequestSchema)} | FEATURE_OFF
NO_SUCH_KEY: Answers = {404: ("Entity not found", common.ErrorSchema)}
WEBHOOK_EXAMPLE = {
    "url": "http://webhook.com",
    "method": "POST",
    "encoding": "JSON",
    "headers": {"Account": "DeveloperPortal7000"},
    "events": ["ENROUTE_DR", "DELIVERED_DR"],
    "template": '{"id":"$mtId","status":"$statusCode"}',
    "read_timeout": 5000,
    "retries": 3,
    "retry_delay": 30,
}
# Errors an operation answers by the kind it is rather than by what it does (see `_answers`).
TOO_LARGE: Answers = {413: ("The body is larger than --max-body-bytes", common.ErrorSchema)}
NOT_JSON: Answers = {415: ("The body is not application/json", common.ErrorSchema)}
REFUSED: Answers = {
    403: (
        (
            "A missing or wrong admin token, a Host not served without a token, "
            "or a change sent from another site"
        ),
        common.ErrorSchema,
    )
}


def _v1(
    method, path, operation_id, summary, tag, answers, body=None, example=None, query=None
) -> Operation:
    """A /v1 operation: Basic or HMAC authentication, 403 on bad credentials (or the
    operation's own 403)."""
    return Operation(
        method,
        path,
        operation_id,
        summary,
        tag,
        FORBIDDEN | answers,
        body=body,
        example=example,
        query=query,
        security=V1,
    )


# Path parameters as the docs page fills them in: the demo account, and IDs that are well
# formed (an unknown one answers 404).
PATH_EXAMPLES = {
    "messageId": "0b5e2a44-9d7e-4c2f-8a0e-7f1d2c3b4a59",
    "account_id": "DemoAccount",
    "webhookId": "a7f11bb0-f299-4861-a5ca-9b29d04bc5ad",
    "key_id": "7ca628a8-08b0-4e42-aeb8-960b37049c31",
    "number": "+61491570156",
}
# The web inbox's pages send a browser without the admin cookie to sign in first.
SIGN_IN_FIRST: Answers = {302: ("To /sign-in, with --admin-token and no admin cookie", None)}


def _page(path: str, operation_id: str, summary: str, answers: Answers | None = None) -> Operation:
    """A page of the web inbox: HTML, behind the control plane's guard."""
    html: Answers = {200: ("HTML", None)}
    return Operation(
        "get", path, operation_id, summary, "Web inbox", html | SIGN_IN_FIRST | (answers or {})
    )


OPERATIONS = [
    _v1(
        "post",
        "/v1/messages",
        "SendMessages",
        "Send 1 to 100 messages",
        "Messages",
        {202: ("Accepted, all queued", messages.SendMessagesResponseSchema)} | BAD_REQUEST,
        body=messages.SendMessagesRequestSchema,
        example={
            "messages": [
                {
                    "content": "Hello from the emulator",
                    "destination_number": "+61491570156",
                    "delivery_report": True,
                    "metadata": {"order": "1234"},
                }
            ]
        },
    ),
    _v1(
        "get",
        "/v1/messages/{messageId}",
        "GetMessageStatus",
        "Get a message's status",
        "Messages",
        {200: ("The message", messages.MessageStatusSchema)} | NOT_FOUND,
    ),
    _v1(
        "put",
        "/v1/messages/{messageId}",
        "CancelScheduledMessage",
        "Cancel a scheduled message",
        "Messages",
        {
            200: ("Cancelled", common.EmptySchema),
        }
        | BAD_REQUEST
        | NOT_FOUND,
        body=messages.CancelMessageRequestSchema,
        example={"status": "cancelled"},
    ),
    _v1(
        "get",
        "/v1/delivery_reports",
        "CheckDeliveryReports",
        "The oldest 100 unconfirmed delivery reports",
        "Delivery Reports",
        {200: ("Unconfirmed reports", inbox.CheckDeliveryReportsResponseSchema)},
    ),
    _v1(
        "post",
        "/v1/delivery_reports/confirmed",
        "ConfirmDeliveryReportsAsReceived",
        "Confirm delivery reports",
        "Delivery Reports",
        {202: ("Confirmed", common.EmptySchema)} | BAD_REQUEST,
        body=inbox.ConfirmDeliveryReportsRequestSchema,
        example={"delivery_report_ids": ["011dcead-6988-4ad6-a1c7-6b6c68ea628d"]},
    ),
    _v1(
        "get",
        "/v1/replies",
        "CheckReplies",
        "The oldest 100 unconfirmed replies",
        "Replies",
        {200: ("Unconfirmed replies", inbox.CheckRepliesResponseSchema)},
    ),
    _v1(
        "post",
        "/v1/replies/confirmed",
        "ConfirmRepliesAsReceived",
        "Confirm replies",
        "Replies",
        {202: ("Confirmed", common.EmptySchema)} | BAD_REQUEST,
        body=inbox.ConfirmRepliesRequestSchema,
        example={"reply_ids": ["3487b3fa-6586-4979-a233-2d1b095c7718"]},
    ),
    _v1(
        "post",
        "/v1/webhooks/messages",
        "CreateWebhook",
        "Create a webhook for some of the account's events",
        "Webhooks Management",
        {201: ("The webhook", webhooks.AccountWebhookSchema)} | BAD_REQUEST | DUPLICATE_WEBHOOK,
        body=webhooks.CreateWebhookRequestSchema,
        example=WEBHOOK_EXAMPLE,
    ),
    _v1(
        "get",
        "/v1/webhooks/messages",
        "RetrieveWebhook",
        "A page of the account's webhooks, oldest first",
        "Webhooks Management",
        {200: ("A page", webhooks.WebhookPageSchema)} | BAD_REQUEST,
        query=webhooks.WebhookPageQuerySchema,
    ),
    _v1(
        "get",
        "/v1/webhooks/messages/",
        "RetrieveWebhookWithSlash",
        "The same, as the official SDK asks for it",
        "Webhooks Management",
        {200: ("A page", webhooks.WebhookPageSchema)} | BAD_REQUEST,
        query=webhooks.WebhookPageQuerySchema,
    ),
    _v1(
        "patch",
        "/v1/webhooks/messages/{webhookId}",
        "UpdateWebhook",
        "Change some of a webhook's fields; null ones keep their value",
        "Webhooks Management",
        {200: ("The webhook", webhooks.AccountWebhookSchema)}
        | BAD_REQUEST
        | NOT_FOUND
        | DUPLICATE_WEBHOOK,
        body=webhooks.UpdateWebhookRequestSchema,
        example={"method": "PUT", "events": ["FAILED_DR"]},
    ),
    _v1(
        "delete",
        "/v1/webhooks/messages/{webhookId}",
        "DeleteWebhook",
        "Delete a webhook",
        "Webhooks Management",
        {204: ("Deleted", None)} | NOT_FOUND,
    ),
    _v1(
        "post",
        "/v1/iam/signature_keys",
        "CreateSignatureKey",
        "Create a key pair, not enabled; the answer holds its public key",
        "Signature Key Management",
        {201: ("The key", signature_keys.CreatedSignatureKeySchema)} | KEY_BAD_REQUEST,
        body=signature_keys.CreateSignatureKeyRequestSchema,
        example={"digest": "SHA224", "cipher": "RSA"},
    ),
    _v1(
        "get",
        "/v1/iam/signature_keys",
        "GetSignatureKeyList",
        "A page of the account's keys, newest first",
        "Signature Key Management",
        {200: ("The keys", signature_keys.SignatureKeySchema(many=True))} | KEY_BAD_REQUEST,
        query=signature_keys.SignatureKeyPageQuerySchema,
    ),
    _v1(
        "get",
        "/v1/iam/signature_keys/{key_id}",
        "GetSignatureKeyDetail",
        "A key, without its public key",
        "Signature Key Management",
        {200: ("The key", signature_keys.SignatureKeySchema)} | KEY_BAD_REQUEST | NO_SUCH_KEY,
    ),
    _v1(
        "delete",
        "/v1/iam/signature_keys/{key_id}",
        "DeleteSignatureKey",
        "Delete a key",
        "Signature Key Management",
        {200: ("Deleted", None)} | KEY_BAD_REQUEST | NO_SUCH_KEY,
    ),
    _v1(
        "patch",
        "/v1/iam/signature_keys/enabled",
        "EnableSignatureKey",
        "Enable a key, the one that signs callbacks; any other is disabled",
        "Signature Key Management",
        {200: ("The key", signature_keys.SignatureKeySchema)} | KEY_BAD_REQUEST | NO_SUCH_KEY,
        body=signature_keys.EnableSignatureKeyRequestSchema,
        example={"key_id": "7ca628a8-08b0-4e42-aeb8-960b37049c31"},
    ),
    _v1(
        "get",
        "/v1/iam/signature_keys/enabled",
        "GetEnabledSignatureKey",
        "The enabled key",
        "Signature Key Management",
        {
            200: ("The key", signature_keys.SignatureKeySchema),
            404: ("Currently no key is enabled", common.ErrorSchema),
        }
        | FEATURE_OFF,
    ),
    _v1(
        "delete",
        "/v1/iam/signature_keys/enabled",
        # The official operation ID, full stop included.
        "DisableTheCurrentEnabledSignatureKey.",
        "Disable the enabled key, if there is one",
        "Signature Key Management",
        {204: ("No key is enabled now", None)} | FEATURE_OFF,
    ),
    Operation(
        "get",
        "/_emulator/health",
        "Health",
        "Is it up, and does its store answer (a readiness probe)",
        "Emulator",
        {
            200: ("Up, and the store answers", common.StatusSchema),
            503: ("The store does not answer", common.UnavailableSchema),
        },
        security=OPEN,
    ),
    Operation(
        "post",
        "/_emulator/reset",
        "Reset",
        "Delete all messages, reports, replies, webhooks and feature changes; real time again",
        "Emulator",
        {200: ("Reset", common.StatusSchema)},
    ),
    Operation(
        "get",
        "/_emulator/messages",
        "InspectMessages",
        "Every stored message of every account, newest first",
        "Emulator",
        {200: ("Messages", control.InspectedMessagesSchema)} | BAD_REQUEST,
        query=control.MessageFilterSchema,
    ),
    Operation(
        "get",
        "/_emulator/webhooks",
        "InspectWebhooks",
        "Webhook deliveries and their attempts, newest first",
        "Emulator",
        {200: ("Webhooks", control.WebhooksSchema)} | BAD_REQUEST,
        query=control.WebhookFilterSchema,
    ),
    Operation(
        "get",
        "/_emulator/clock",
        "GetClock",
        "The emulator's time",
        "Emulator",
        {200: ("Now", control.ClockSchema)},
    ),
    Operation(
        "post",
        "/_emulator/clock/advance",
        "AdvanceClock",
        "Move time forward, processing everything that falls due, in time order",
        "Emulator",
        {200: ("The new now", control.ClockSchema)} | BAD_REQUEST,
        body=control.AdvanceClockRequestSchema,
        example={"seconds": 10},
    ),
    Operation(
        "post",
        "/_emulator/replies",
        "SimulateReply",
        "A handset answers, or writes to an account number",
        "Emulator",
        {201: ("The stored reply", control.SimulatedReplyResponseSchema)} | BAD_REQUEST,
        body=control.SimulatedReplySchema,
        # To an account number: answers even when nothing was sent to the handset yet.
        example={
            "source_number": "+61491570156",
            "destination_number": "+61491570157",
            "content": "Yes please",
        },
    ),
    Operation(
        "get",
        "/_emulator/accounts/{account_id}",
        "GetAccount",
        "An account's numbers, alpha tags, sub-accounts and features",
        "Emulator",
        {200: ("The account", control.AccountSchema)} | NOT_FOUND,
    ),
    Operation(
        "patch",
        "/_emulator/accounts/{account_id}",
        "ChangeAccountFeatures",
        "Change some of an account's features",
        "Emulator",
        {
            200: ("The account", control.AccountSchema),
        }
        | BAD_REQUEST
        | NOT_FOUND,
        body=control.AccountChangeSchema,
        example={"features": {"deduplication": True}},
    ),
    Operation(
        "get",
        "/_emulator/events",
        "ListEvents",
        "The change log after a cursor, oldest first: messages accepted, status changes, "
        "delivery reports, replies, webhook attempts, feature changes and resets",
        "Emulator",
        {200: ("Events", events.EventsSchema)} | BAD_REQUEST,
        query=events.EventFilterSchema,
    ),
    Operation(
        "get",
        "/_emulator/openapi.json",
        "OpenApi",
        "This document",
        "Emulator",
        {200: ("OpenAPI 3", None)},
        security=OPEN,
    ),
    Operation(
        "get",
        "/_emulator/docs",
        "Docs",
        "This document, readable",
        "Emulator",
        {200: ("HTML", None)},
        security=OPEN,
    ),
    _page("/", "InboxHandsets", "Handsets, latest message first; ?account, ?q, ?page"),
    _page(
        "/handsets/{number}",
        "InboxConversation",
        "A handset's messages and replies, with timelines, segments and a composer; ?account",
        NOT_FOUND,
    ),
    _page("/webhooks", "InboxWebhooks", "Webhook deliveries and attempts; ?message_id, ?state"),
    _page("/accounts", "InboxAccounts", "Accounts and their features, the clock, and reset"),
    Operation(
        "get",
        "/sign-in",
        "InboxSignIn",
        "The form that asks for the admin token",
        "Web inbox",
        {200: ("HTML", None), 302: ("Without --admin-token: on to the page asked for", None)},
        security=OPEN,
    ),
    Operation(
        "post",
        "/sign-in",
        "InboxSignInSubmit",
        "Check the form's `token` and keep it in an HttpOnly, SameSite=Strict cookie",
        "Web inbox",
        {
            302: ("On to the form's `next` page", None),
            403: ("A wrong token, or a form sent from another site", None),
        },
        security=OPEN,
    ),
]

_PARAMETER = re.compile(r"{(\w+)}")


def build_openapi() -> dict:
    """The OpenAPI 3 document of every route, as a dict."""
    spec = APISpec(
        title="messagemedia-emulator",
        version=__version__,
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={"description": "A local emulator of the MessageMedia Messages API."},
    )
    spec.components.security_scheme("basic_auth", {"type": "http", "scheme": "basic"})
    spec.components.security_scheme(
        "hmac_auth", {"type": "apiKey", "in": "header", "name": "Authorization"}
    )
    spec.components.security_scheme("admin_token", {"type": "http", "scheme": "bearer"})
    for operation in OPERATIONS:
        spec.path(path=operation.path, operations={operation.method: _describe(operation)})
    return spec.to_dict()


def _describe(operation: Operation) -> dict:
    described: dict[str, Any] = {
        "operationId": operation.operation_id,
        "summary": operation.summary,
        "tags": [operation.tag],
        "responses": {
            str(status): _answer(description, schema)
            for status, (description, schema) in sorted(_answers(operation).items())
        },
    }
    parameters: list[dict[str, Any]] = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "string"},
            "example": PATH_EXAMPLES[name],
        }
        for name in _PARAMETER.findall(operation.path)
    ]
    if operation.query is not None:
        parameters.append({"in": "query", "schema": operation.query})
    if parameters:
        described["parameters"] = parameters
    if operation.body is not None:
        media: dict[str, Any] = {"schema": operation.body}
        if operation.example is not None:
            media["example"] = operation.example
        described["requestBody"] = {"required": True, "content": {"application/json": media}}
    described["security"] = operation.security or CONTROL
    return described


def _answers(operation: Operation) -> Answers:
    """What the operation answers, with the errors of its kind: every /v1 request and every
    body is read, so may be too large; a body, and any change to the guarded control plane,
    must be JSON; the guarded control plane refuses a request it does not serve."""
    answers = dict(operation.answers)
    guarded = not operation.security
    if operation.path.startswith("/v1/") or operation.body is not None:
        answers |= TOO_LARGE
    if operation.body is not None or (guarded and operation.method != "get"):
        answers |= NOT_JSON
    if guarded:
        answers |= REFUSED
    return answers


def _answer(description: str, schema: type[Schema] | Schema | None) -> dict:
    if schema is None:
        return {"description": description}
    return {"description": description, "content": {"application/json": {"schema": schema}}}
