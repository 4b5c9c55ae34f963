"""The emulator's own OpenAPI 3 document, generated from its marshmallow schemas and routes."""

from __future__ import annotations

import re
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import Schema

from emulator import __version__
from emulator.openapi.chaos_rules import CHAOS_OPERATIONS
from emulator.openapi.control import CONTROL_OPERATIONS, INBOX_OPERATIONS
from emulator.openapi.number_authorisation import NUMBER_AUTHORISATION_OPERATIONS
from emulator.openapi.operations import (
    CONTROL,
    NOT_JSON,
    PATH_EXAMPLES,
    REFUSED,
    TEXT,
    TOO_LARGE,
    Answers,
    Operation,
)
from emulator.openapi.v1 import V1_OPERATIONS

OPERATIONS = [
    *V1_OPERATIONS,
    *NUMBER_AUTHORISATION_OPERATIONS,
    *CONTROL_OPERATIONS,
    *CHAOS_OPERATIONS,
    *INBOX_OPERATIONS,
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


def _answer(description: str, schema: type[Schema] | Schema | str | None) -> dict:
    if schema is None:
        return {"description": description}
    if schema == TEXT:
        return {"description": description, "content": {TEXT: {"schema": {"type": "string"}}}}
    return {"description": description, "content": {"application/json": {"schema": schema}}}
