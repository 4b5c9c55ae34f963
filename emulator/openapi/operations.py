"""How a handler declares its operation in the document, beside it: `v1_operation`, `operation`
and `page_operation`, with the security requirements and the answers many operations share."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from flask_smorest.blueprint import Blueprint
from marshmallow import Schema

from emulator.schemas import common

Security = list[dict[str, list[str]]]
# Status -> (description, schema of the body, an instance for a list of them, TEXT, or None).
Answers = dict[int, tuple[str, type[Schema] | Schema | str | None]]
View = TypeVar("View", bound=Callable[..., Any])

V1: Security = [{"basic_auth": []}, {"hmac_auth": []}]
# Open on loopback; a bearer token when one is configured.
CONTROL: Security = [{}, {"admin_token": []}]
OPEN: Security = [{}]
# In place of a schema: a text/plain body.
TEXT = "text/plain"

BAD_REQUEST: Answers = {400: ("Invalid request", common.BadRequestSchema)}
NOT_FOUND: Answers = {404: ("Resource not found", common.ErrorSchema)}
FORBIDDEN: Answers = {403: ("Invalid authentication credentials", common.ErrorSchema)}
# Taking a dedicated number, through the API or the web inbox.
NUMBER_TAKEN: Answers = {
    409: ("Assigned to an account already, or not available yet", common.ErrorSchema)
}
# The web inbox's pages send a browser without the admin cookie to sign in first.
SIGN_IN_FIRST: Answers = {302: ("To /sign-in, with --admin-token and no admin cookie", None)}
HTML: Answers = {200: ("HTML", None)}


def operation(
    operation_id: str,
    summary: str,
    tag: str,
    answers: Answers,
    *,
    body: type[Schema] | None = None,
    example: Mapping[str, object] | None = None,
    query: type[Schema] | None = None,
    security: Security = CONTROL,
) -> Callable[[View], View]:
    """Declare the handler's operation: what it takes (`body`, with the `example` the docs
    page's "Try it out" sends, and `query`) and what it answers. Errors an operation answers by
    the kind it is (413, 415, the control plane's 403) are added when the document is made.

    Documentation only: the handler is returned as it is, so a request pays nothing for it
    (flask-smorest's own `doc` wraps the handler in a call of its own)."""
    described: dict[str, Any] = {
        "operationId": operation_id,
        "summary": summary,
        "tags": [tag],
        "responses": {
            str(status): _answer(description, schema)
            for status, (description, schema) in sorted(answers.items())
        },
        "security": security,
    }
    if query is not None:
        described["parameters"] = [{"in": "query", "schema": query}]
    if body is not None:
        media: dict[str, Any] = {"schema": body}
        if example is not None:
            media["example"] = example
        described["requestBody"] = {"required": True, "content": {"application/json": media}}

    def declare(view: View) -> View:
        documented = Blueprint.doc(**described)(view)
        vars(view)[_DOC_ATTRIBUTE] = vars(documented)[_DOC_ATTRIBUTE]
        return view

    return declare


def v1_operation(
    operation_id: str,
    summary: str,
    tag: str,
    answers: Answers,
    *,
    body: type[Schema] | None = None,
    example: Mapping[str, object] | None = None,
    query: type[Schema] | None = None,
) -> Callable[[View], View]:
    """A /v1 operation: Basic or HMAC authentication, 403 on bad credentials (or the
    operation's own 403)."""
    return operation(
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
    operation_id: str,
    summary: str,
    answers: Answers | None = None,
    *,
    query: type[Schema] | None = None,
) -> Callable[[View], View]:
    """A page of the web inbox: HTML, behind the control plane's guard."""
    return operation(
        operation_id, summary, "Web inbox", HTML | SIGN_IN_FIRST | (answers or {}), query=query
    )


# Where flask-smorest keeps what a handler's decorators declared, read when its blueprint is
# registered.
_DOC_ATTRIBUTE = "_apidoc"


def _answer(description: str, schema: type[Schema] | Schema | str | None) -> dict[str, Any]:
    if schema is None:
        return {"description": description}
    if schema == TEXT:
        return {"description": description, "content": {TEXT: {"schema": {"type": "string"}}}}
    return {"description": description, "content": {"application/json": {"schema": schema}}}
