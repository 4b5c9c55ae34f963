"""What every operation of the document is made of: the Operation type, the security
requirements, the answers many operations share, and the examples path parameters take."""

from __future__ import annotations

from dataclasses import dataclass, field

from marshmallow import Schema

from emulator.schemas import common

Security = list[dict[str, list[str]]]
# Status -> (description, schema of the body, an instance for a list of them, or None).
Answers = dict[int, tuple[str, type[Schema] | Schema | str | None]]

V1: Security = [{"basic_auth": []}, {"hmac_auth": []}]
# Open on loopback; a bearer token when one is configured.
CONTROL: Security = [{}, {"admin_token": []}]
OPEN: Security = [{}]
# In place of a schema: a text/plain body.
TEXT = "text/plain"


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
# Errors an operation answers by the kind it is rather than by what it does (see `answers_of`).
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
# The web inbox's pages send a browser without the admin cookie to sign in first.
SIGN_IN_FIRST: Answers = {302: ("To /sign-in, with --admin-token and no admin cookie", None)}

# Path parameters as the docs page fills them in: the demo account, and IDs that are well
# formed (an unknown one answers 404).
PATH_EXAMPLES = {
    "messageId": "0b5e2a44-9d7e-4c2f-8a0e-7f1d2c3b4a59",
    "account_id": "DemoAccount",
    "webhookId": "a7f11bb0-f299-4861-a5ca-9b29d04bc5ad",
    "key_id": "7ca628a8-08b0-4e42-aeb8-960b37049c31",
    "number": "+61491570156",
    "numbers": "+61491570156,+61491570157",
    "rule_id": "5d1f8a3e-2b7c-4e0a-9f61-3c8d2e7b1a40",
}


def v1_operation(
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


def page_operation(
    path: str, operation_id: str, summary: str, answers: Answers | None = None
) -> Operation:
    """A page of the web inbox: HTML, behind the control plane's guard."""
    html: Answers = {200: ("HTML", None)}
    return Operation(
        "get", path, operation_id, summary, "Web inbox", html | SIGN_IN_FIRST | (answers or {})
    )
