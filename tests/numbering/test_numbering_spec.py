"""Every answer of the dedicated numbers and sender address APIs is valid against the official
spec's schema for its operation (the excerpt in tests/spec/), but where the spec contradicts
itself: there the emulator answers what the spec's examples and clients show, as the manual's
choices say, and the answer is checked against the schema those examples fit."""

from __future__ import annotations

import copy

import pytest
from openapi_schema_validator import OAS30Validator

from tests.numbering.support import DEDICATED, SENDER, number_id
from tests.spec import read_spec
from tests.spec.extract_excerpt import EXCERPT
from tests.support import alpha_tag_request, basic_auth

SPEC = read_spec(EXCERPT)
SCHEMAS = SPEC["components"]["schemas"]


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def without_enums(schema: dict, names: tuple[str, ...]) -> dict:
    """`schema` with the enums of the properties `names` dropped."""
    relaxed = copy.deepcopy(schema)
    for name in names:
        relaxed["properties"][name].pop("enum")
    return relaxed


# The choices of docs/choices.md ("Dedicated numbers and sender addresses"), as the schemas
# the answers are checked against instead of the spec's own.
_SENDER_TYPES = ("sender_address_type", "usage_type")
_LISTED = copy.deepcopy(SCHEMAS["GetAllApprovedSenderAddresses"])
_LISTED["properties"]["data"]["items"] = without_enums(
    _LISTED["properties"]["data"]["items"], _SENDER_TYPES
)
CHOICES = {
    # GET /dedicated/{id} points at the blacklist's Number; every example is a dedicated number.
    ("GetNumberById", 200): ref("DedicatedNumber"),
    # PATCH .../assignment is declared 204 with an Assignment body: 200 with that body.
    ("UpdateAssignment", 200): ref("Assignment"),
    # The list's items allow only alpha tags, though its example lists an own number.
    ("GetAllApprovedSenderAddresses", 200): _LISTED,
    # One address allows only own numbers, though an alpha tag is read the same way.
    ("GetSenderAddressById", 200): without_enums(SCHEMAS["GetSenderAddress"], _SENDER_TYPES),
    ("updateSenderAddressUsingPATCH", 200): without_enums(
        SCHEMAS["GetSenderAddress"], _SENDER_TYPES
    ),
    # A request's status is declared an AlphaTagRequestItem whatever its kind.
    ("GetStatusOfSenderAddressRequest", 200): {
        "oneOf": [ref("AlphaTagRequestItem"), ref("VerificationCodeRequestItem")]
    },
}
# AssignedNumber.number points at the blacklist's Number too.
SCHEMAS_AS_CHOSEN = copy.deepcopy(SCHEMAS)
SCHEMAS_AS_CHOSEN["AssignedNumber"]["properties"]["number"] = ref("DedicatedNumber")


def operation(operation_id: str) -> dict:
    for item in SPEC["paths"].values():
        for candidate in item.values():
            if isinstance(candidate, dict) and candidate.get("operationId") == operation_id:
                return candidate
    raise AssertionError(f"{operation_id} is not in the excerpt")


def official_schema(operation_id: str, status: int) -> dict:
    if (operation_id, status) in CHOICES:
        return CHOICES[(operation_id, status)]
    answer = operation(operation_id)["responses"][str(status)]
    [media] = answer["content"].values()
    return media["schema"]


def assert_valid(response, operation_id: str, status: int) -> None:
    assert response.status_code == status, response.json
    schema = {**official_schema(operation_id, status), "components": {"schemas": SCHEMAS_AS_CHOSEN}}
    OAS30Validator(schema).validate(response.json)


@pytest.fixture
def demo(client):
    """Every call as DemoAccount, checked against the official schema of its operation."""

    def call(method: str, path: str, operation_id: str, status: int, **kwargs):
        response = client.open(path, method=method, headers=basic_auth(), **kwargs)
        assert_valid(response, operation_id, status)
        return response.json

    return call


def advance(client, seconds: float) -> None:
    assert client.post("/_emulator/clock/advance", json={"seconds": seconds}).status_code == 200


def test_every_dedicated_numbers_answer_matches_the_spec(demo):
    first = number_id("+61491570202")
    assignment = f"{DEDICATED}/{first}/assignment"
    demo("GET", f"{DEDICATED}/?country=AU&page_size=2", "GetNumbers", 200)
    demo("GET", f"{DEDICATED}/{first}", "GetNumberById", 200)
    body = {"label": "ExampleLabel", "metadata": {"Key1": "value1"}}
    demo("POST", assignment, "CreateAssignment", 201, json=body)
    demo("GET", assignment, "GetAssignment", 200)
    demo("PATCH", assignment, "UpdateAssignment", 200, json={"label": "Changed"})
    demo("GET", f"{DEDICATED}/assignments?page_size=1", "GetAssignedNumbers", 200)
    demo("GET", f"{DEDICATED}/{number_id('+61491570201')}/assignment", "GetAssignment", 404)
    demo("GET", f"{DEDICATED}/0b5e2a44-9d7e-4c2f-8a0e-7f1d2c3b4a59", "GetNumberById", 404)


def test_every_sender_address_answer_matches_the_spec(client, demo):
    alpha = alpha_tag_request("EXAMPLE", reason="The name of our company", label="label")
    own = {
        "sender_address": "+61401234567",
        "sender_address_type": "INTERNATIONAL",
        "usage_type": "OWN_NUMBER",
        "destination_countries": ["AU"],
        "reason": "my personal number",
    }
    requests = f"{SENDER}/requests"
    tag = demo("POST", requests, "requestSenderAddressUsingPOST", 201, json=alpha)
    number = demo("POST", requests, "requestSenderAddressUsingPOST", 201, json=own)
    demo("GET", f"{requests}/{tag['id']}", "GetStatusOfSenderAddressRequest", 200)
    demo("GET", f"{requests}/{number['id']}", "GetStatusOfSenderAddressRequest", 200)
    verify = f"{requests}/{number['id']}/verify"
    demo("POST", verify, "SubmittingVerificationCodePost", 400, json={"verification_code": "1"})
    by_code = f"{requests}/{tag['id']}/verify"
    demo(
        "POST", by_code, "SubmittingVerificationCodePost", 400, json={"verification_code": "123456"}
    )
    code = client.get("/_emulator/sender_addresses").json["sender_addresses"][1][
        "verification_code"
    ]
    demo("POST", verify, "SubmittingVerificationCodePost", 201, json={"verification_code": code})
    advance(client, 300)
    demo("GET", f"{SENDER}/addresses/", "GetAllApprovedSenderAddresses", 200)
    demo("GET", f"{SENDER}/addresses/{tag['id']}", "GetSenderAddressById", 200)
    demo("GET", f"{SENDER}/addresses/{number['id']}", "GetSenderAddressById", 200)
    demo(
        "PATCH",
        f"{SENDER}/addresses/{number['id']}",
        "updateSenderAddressUsingPATCH",
        200,
        json={"label": "My Number"},
    )
    demo(
        "POST", f"{SENDER}/addresses/{number['id']}/reverify", "reVerifySenderAddressUsingPOST", 200
    )
    demo("DELETE", f"{SENDER}/addresses/{number['id']}", "deleteSenderAddressUsingDELETE", 400)
    missing = f"{SENDER}/addresses/0b5e2a44-9d7e-4c2f-8a0e-7f1d2c3b4a59/reverify"
    demo("POST", missing, "reVerifySenderAddressUsingPOST", 404)
