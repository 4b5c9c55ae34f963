"""The OpenAPI document: valid, complete, and in agreement with the official spec (or with
every difference listed, with a reason, in docs/spec-differences.md).

The official spec is compared through the excerpt kept in tests/spec/, so that a clone of the
repository needs nothing beside it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openapi_spec_validator import validate

from emulator.api.messages import send_messages
from emulator.app import openapi_document
from tests.spec import read_spec
from tests.spec.extract_excerpt import EXCERPT, excerpt
from tests.support import basic_auth

ROOT = Path(__file__).parent.parent
IN_SCOPE = (
    "SendMessages",
    "GetMessageStatus",
    "CancelScheduledMessage",
    "CheckDeliveryReports",
    "ConfirmDeliveryReportsAsReceived",
    "CheckReplies",
    "ConfirmRepliesAsReceived",
    "CreateWebhook",
    "RetrieveWebhook",
    "UpdateWebhook",
    "DeleteWebhook",
    "CreateSignatureKey",
    "GetSignatureKeyList",
    "GetSignatureKeyDetail",
    "DeleteSignatureKey",
    "EnableSignatureKey",
    "GetEnabledSignatureKey",
    "DisableTheCurrentEnabledSignatureKey.",
    "ListAllBlockedNumbers",
    "AddOneOrMoreNumbersToYourBacklist",
    "RemoveANumberFromTheBlacklist",
    "CheckIfOneOrSeveralNumbersAreCurrentlyBlacklisted",
)
# What the official spec gives a body it does not describe: no fields to compare.
UNDESCRIBED = {"(body)": "object"}
_DIFFERENCE_ROW = re.compile(
    r"^\| `(\w+)` \| (request|response) \| `([^`]*)` \| ([^|]+) \| ([^|]+) \|$"
)


@pytest.fixture(scope="module")
def ours() -> dict:
    return openapi_document()


@pytest.fixture(scope="module")
def official() -> dict:
    return read_spec(EXCERPT)


def templated(rule: str) -> str:
    """`/v1/messages/<messageId>` as OpenAPI writes it: `/v1/messages/{messageId}`."""
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)


def test_document_is_valid_openapi(ours):
    validate(ours)


def test_served_document_is_the_generated_one(client, ours):
    assert client.get("/_emulator/openapi.json").json == ours
    page = client.get("/_emulator/docs")
    assert page.status_code == 200 and b"/_emulator/openapi.json" in page.data
    assert client.get("/_emulator/docs/assets/swagger-ui-bundle.js").status_code == 200


def test_every_route_is_documented_and_every_documented_route_exists(app, ours):
    """Each route the app serves (the API, the control plane and the web inbox's pages; not the
    static files) is an operation of the document, with its own path parameters, and the
    document has no other operation."""
    routes = {
        (method.lower(), templated(rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.endpoint.rpartition(".")[2] != "static"
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }
    documented = {
        (method, path)
        for path, item in ours["paths"].items()
        for method in item
        if method != "parameters"
    }
    assert routes == documented
    assert ("post", "/v1/messages") in documented and ("get", "/_emulator/health") in documented


def test_declarations_leave_every_handler_as_it_is(app):
    """Declaring an operation costs a request nothing: the app calls each handler itself, never a
    wrapper that flask-smorest's own decorators put around it."""
    wrapped = [name for name, view in app.view_functions.items() if hasattr(view, "__wrapped__")]
    assert wrapped == []
    assert app.view_functions["v1.messages.send_messages"] is send_messages


def test_every_operation_is_declared_with_an_id_a_summary_a_tag_and_its_answers(ours):
    operations = [
        operation
        for item in ours["paths"].values()
        for method, operation in item.items()
        if method != "parameters"
    ]
    ids = [operation["operationId"] for operation in operations]
    assert len(ids) == len(set(ids))
    for operation in operations:
        assert operation["summary"] and len(operation["tags"]) == 1, operation["operationId"]
        assert operation["security"], operation["operationId"]
        assert any(status.startswith(("2", "3")) for status in operation["responses"])


def test_errors_are_described_in_the_shape_the_api_answers_with(client, ours):
    """The error answers of the document are the emulator's own shape, and so is what a client
    gets: no error body of the OpenAPI library's own (`code`, `status`, `errors`)."""
    error = ours["components"]["schemas"]["Error"]
    assert (error["properties"], error["required"]) == (
        {"message": {"type": "string"}},
        ["message"],
    )
    assert set(ours["components"]) == {"schemas", "securitySchemes"}
    unknown = client.get("/v1/nowhere")
    wrong_method = client.delete("/_emulator/clock")
    assert (unknown.status_code, set(unknown.json)) == (404, {"message"})
    assert (wrong_method.status_code, set(wrong_method.json)) == (405, {"message"})


def test_every_example_request_body_is_accepted(http):
    """What the docs page's "Try it out" sends (the body and path examples) is never a 400."""
    document = http.get("/_emulator/openapi.json").json()
    answered = {}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method == "parameters" or "requestBody" not in operation:
                continue
            example = operation["requestBody"]["content"]["application/json"].get("example")
            assert example is not None, f"{operation['operationId']} has no example body"
            parameters = item.get("parameters", []) + operation.get("parameters", [])
            filled = path.format_map(
                {p["name"]: p["example"] for p in parameters if p["in"] == "path"}
            )
            headers = basic_auth() if path.startswith("/v1/") else {}
            response = http.request(method, filled, json=example, headers=headers)
            answered[operation["operationId"]] = response.status_code
    assert answered["SendMessages"] == 202
    assert {op: status for op, status in answered.items() if status == 400} == {}


def shape(schema: dict, spec: dict, prefix: str = "") -> dict[str, str]:
    """Every field of a schema as `path: type`, following $refs, arrays as `name[]`."""
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    kind = schema.get("type", "object" if "properties" in schema else "string")
    if kind == "array":
        return shape(schema.get("items", {}), spec, prefix + "[]")
    if kind == "object" and schema.get("properties"):
        fields = {}
        for name, child in schema["properties"].items():
            fields.update(shape(child, spec, f"{prefix}.{name}" if prefix else name))
        return fields
    return {prefix or "(body)": kind}


def operation_shapes(spec: dict, operation_id: str) -> dict[str, dict[str, str]]:
    for item in spec["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                shapes = {}
                body = operation.get("requestBody", {}).get("content", {})
                if "application/json" in body:
                    shapes["request"] = shape(body["application/json"]["schema"], spec)
                success = next(v for k, v in operation["responses"].items() if str(k)[0] == "2")
                content = success.get("content", {})
                media = content.get("application/json") or content.get("text/plain")
                shapes["response"] = shape(media["schema"], spec) if media else {}
                return shapes
    raise AssertionError(f"{operation_id} is not in the document")


def differences(official: dict, ours: dict) -> set[tuple[str, str, str, str]]:
    found = set()
    for operation_id in IN_SCOPE:
        theirs, mine = (
            operation_shapes(official, operation_id),
            operation_shapes(ours, operation_id),
        )
        for part in ("request", "response"):
            a, b = theirs.get(part, {}), mine.get(part, {})
            if a == UNDESCRIBED:
                continue
            for name in sorted(set(a) | set(b)):
                if name not in b:
                    found.add((operation_id, part, name, "only in the official spec"))
                elif name not in a:
                    found.add((operation_id, part, name, "only in the emulator"))
                elif a[name] != b[name]:
                    found.add((operation_id, part, name, f"official {a[name]}, emulator {b[name]}"))
    return found


def listed_in_the_docs() -> set[tuple[str, str, str, str]]:
    rows = set()
    for line in (ROOT / "docs" / "spec-differences.md").read_text().splitlines():
        match = _DIFFERENCE_ROW.match(line.strip())
        if match and match.group(5).strip():
            rows.add((match.group(1), match.group(2), match.group(3), match.group(4).strip()))
    return rows


def test_the_official_excerpt_is_valid_and_self_contained(official):
    validate(official)
    assert excerpt(official) == official


def test_v1_schemas_agree_with_the_official_spec_but_for_listed_differences(official, ours):
    assert differences(official, ours) == listed_in_the_docs()
