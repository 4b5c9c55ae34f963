"""The sender address API: alpha tags reviewed on the emulator's clock (or rejected for magic
names), own numbers verified with a code sent to them by SMS, and the addresses listed, read,
relabelled, deleted and verified again; an approved address is a valid source, a deleted one
is not."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from emulator.timestamps import format_timestamp
from tests.numbering.support import DEDICATED, SENDER, may_send_from, number_id
from tests.support import OTHER, alpha_tag_request, basic_auth

INVALID = "Invalid request. Please check the details and try again."
OWN = "+61491570555"


def alpha_tag(tag: str, **changes) -> dict:
    reason = '{"useCase": "COMPANY_NAME", "statement": "We are authorised."}'
    return alpha_tag_request(tag, **{"reason": reason, "label": "label", **changes})


def own_number(number: str = OWN, **changes) -> dict:
    return {
        "sender_address": number,
        "sender_address_type": "INTERNATIONAL",
        "usage_type": "OWN_NUMBER",
        "destination_countries": ["AU"],
        "reason": "my personal number",
        **changes,
    }


def request(client, body: dict, headers: dict | None = None):
    return client.post(f"{SENDER}/requests", json=body, headers=headers or basic_auth())


def advance(client, seconds: float) -> None:
    assert client.post("/_emulator/clock/advance", json={"seconds": seconds}).status_code == 200


def status(client, request_id: str, headers: dict | None = None) -> str:
    response = client.get(f"{SENDER}/requests/{request_id}", headers=headers or basic_auth())
    assert response.status_code == 200, response.json
    return response.json["status"]


def code_on_the_handset(client, number: str) -> str:
    """The code of the latest SMS the handset received, as a test reads it in the inbox."""
    shown = client.get("/_emulator/messages", query_string={"destination_number": number}).json
    content = shown["messages"][0]["content"]
    assert content.startswith("Your MessageMedia verification code is ")
    return content.split()[5].rstrip(".")


def verify(client, request_id: str, code: str, headers: dict | None = None):
    return client.post(
        f"{SENDER}/requests/{request_id}/verify",
        json={"verification_code": code},
        headers=headers or basic_auth(),
    )


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def listed(client, query: str = "", headers: dict | None = None) -> list[dict]:
    response = client.get(f"{SENDER}/addresses/{query}", headers=headers or basic_auth())
    assert response.status_code == 200, response.json
    return response.json["data"]


def approved_at(created_date: str) -> str:
    """The time a review of --sender-review-seconds (300) ends, as the API writes times."""
    created = datetime.fromisoformat(created_date.replace("Z", "+00:00"))
    return format_timestamp(created + timedelta(seconds=300))


def test_an_alpha_tag_is_open_until_its_review_then_approved_and_a_valid_source(client):
    created = request(client, alpha_tag("ACME"))

    assert created.status_code == 201
    assert created.json == {
        "id": created.json["id"],
        "sender_address": "ACME",
        "sender_address_type": "ALPHANUMERIC",
        "usage_type": "ALPHANUMERIC",
        "destination_countries": ["AU"],
        "reason": alpha_tag("ACME")["reason"],
        "label": "label",
        "status": "OPEN",
        "account_id": "DemoAccount",
        "created_date": created.json["created_date"],
        "last_modified_date": created.json["created_date"],
    }
    assert not may_send_from(client, "ACME")
    advance(client, 280)
    assert status(client, created.json["id"]) == "OPEN"
    advance(client, 20)
    assert status(client, created.json["id"]) == "APPROVED"
    assert may_send_from(client, "ACME")
    assert may_send_from(client, "ACME", source_number_type="ALPHANUMERIC")
    assert "ACME" in [a["sender_address"] for a in listed(client)]
    reviews = [e for e in client.get("/_emulator/events").json["events"] if "review" in e["kind"]]
    assert [(e["kind"], e["data"]["status"], e["at"]) for e in reviews] == [
        ("sender_address_reviewed", "APPROVED", approved_at(created.json["created_date"]))
    ]


def test_the_review_time_is_a_setting(tmp_path):
    from emulator.app import create_app
    from emulator.settings import Settings
    from emulator.web.requests import EXTENSION_KEY

    app = create_app(Settings(db=str(tmp_path / "e.db"), sender_review_seconds=5))
    try:
        client = app.test_client()
        created = request(client, alpha_tag("QUICK")).json
        advance(client, 5)
        assert status(client, created["id"]) == "APPROVED"
    finally:
        app.extensions[EXTENSION_KEY].close()


@pytest.mark.parametrize("tag", ["REJECTME", "reject 2"])
def test_magic_names_starting_with_reject_are_rejected_at_review(client, tag):
    created = request(client, alpha_tag(tag)).json
    advance(client, 300)
    assert status(client, created["id"]) == "REJECTED"
    assert not may_send_from(client, tag)
    assert tag not in [a["sender_address"] for a in listed(client)]
    # A rejected tag may be asked for again.
    assert request(client, alpha_tag(tag)).status_code == 201


def test_magic_names_starting_with_hold_wait_for_the_control_planes_review(client):
    held = request(client, alpha_tag("HOLDCO")).json
    advance(client, 86_400 * 30)
    assert status(client, held["id"]) == "OPEN"

    reviewed = client.post(
        f"/_emulator/sender_addresses/{held['id']}/review", json={"verdict": "APPROVED"}
    )

    assert reviewed.status_code == 200 and reviewed.json["status"] == "APPROVED"
    assert may_send_from(client, "HOLDCO")
    refused = client.post(
        f"/_emulator/sender_addresses/{held['id']}/review", json={"verdict": "MAYBE"}
    )
    assert refused.status_code == 400


def test_an_alpha_tag_held_already_is_a_conflict_in_any_case(client):
    assert request(client, alpha_tag("ACME")).status_code == 201
    for tag in ("acme", "DemoCo"):
        response = request(client, alpha_tag(tag))
        assert response.status_code == 409
        assert response.json == {
            "message": "The sender address is registered to your account already."
        }
    assert request(client, alpha_tag("ACME"), basic_auth(OTHER)).status_code == 201


def test_an_own_number_is_verified_with_the_code_sent_to_it(client):
    created = request(client, own_number())

    assert created.status_code == 201 and created.json["status"] == "PENDING"
    assert not may_send_from(client, OWN)
    code = code_on_the_handset(client, OWN)
    # The inbox shows the code on the handset's page too.
    handset = client.get(f"/handsets/{OWN.replace('+', '%2B')}")
    assert handset.status_code == 200 and code.encode() in handset.data
    listed_requests = client.get("/_emulator/sender_addresses").json["sender_addresses"]
    assert [r["verification_code"] for r in listed_requests] == [code]

    verified = verify(client, created.json["id"], code)

    assert verified.status_code == 201 and verified.json["status"] == "APPROVED"
    assert may_send_from(client, OWN)
    assert may_send_from(client, OWN, source_number_type="INTERNATIONAL")
    [address] = [a for a in listed(client) if a["sender_address"] == OWN]
    assert address["usage_type"] == "OWN_NUMBER" and address["display_status"] == "APPROVED"
    assert address["expiry"][:4] == str(int(verified.json["last_modified_date"][:4]) + 1)


def test_a_wrong_code_is_400_and_the_third_rejects_the_request(client):
    created = request(client, own_number()).json
    code = code_on_the_handset(client, created["sender_address"])

    first = verify(client, created["id"], wrong(code))
    second = verify(client, created["id"], wrong(code))
    third = verify(client, created["id"], wrong(code))
    late = verify(client, created["id"], code)

    assert (first.status_code, first.json) == (
        400,
        {
            "message": "The verification code is incorrect.",
            "details": ["verification_code: 2 tries left."],
        },
    )
    assert second.json["details"] == ["verification_code: 1 tries left."]
    assert third.status_code == 400
    assert third.json["message"] == "Too many incorrect verification codes."
    assert (late.status_code, late.json["message"]) == (
        400,
        "No verification code is pending for this sender address.",
    )
    assert status(client, created["id"]) == "REJECTED"
    assert not may_send_from(client, OWN)
    assert request(client, own_number()).status_code == 201


def test_a_code_expires_after_ten_minutes(client):
    created = request(client, own_number()).json
    code = code_on_the_handset(client, OWN)
    advance(client, 600)

    response = verify(client, created["id"], code)

    assert (response.status_code, response.json["message"]) == (
        400,
        "The verification code has expired.",
    )
    assert status(client, created["id"]) == "REJECTED"


def test_a_number_registered_to_any_account_is_a_conflict(client):
    request(client, own_number())
    response = request(client, own_number(), basic_auth(OTHER))
    assert (response.status_code, response.json) == (
        409,
        {"message": "The number is registered to an account already."},
    )


def test_reverifying_sends_a_new_code_and_extends_the_expiry(client):
    created = request(client, own_number()).json
    verify(client, created["id"], code_on_the_handset(client, OWN))
    advance(client, 86_400 * 340)
    [address] = [a for a in listed(client) if a["sender_address"] == OWN]
    assert address["display_status"] == "EXPIRING"
    assert [
        a["sender_address"]
        for a in listed(
            client,
            "?sender_address_type=INTERNATIONAL&usage_type=OWN_NUMBER&expiry_status=EXPIRING",
        )
    ] == [OWN]

    again = client.post(f"{SENDER}/addresses/{created['id']}/reverify", headers=basic_auth())

    assert again.status_code == 200 and again.json["status"] == "PENDING"
    # Still a valid source while the new code is awaited.
    assert may_send_from(client, OWN)
    assert verify(client, created["id"], code_on_the_handset(client, OWN)).status_code == 201
    [address] = [a for a in listed(client) if a["sender_address"] == OWN]
    assert address["display_status"] == "APPROVED"


def test_an_own_number_not_verified_again_expires_and_is_no_longer_a_source(client):
    created = request(client, own_number()).json
    verify(client, created["id"], code_on_the_handset(client, OWN))
    advance(client, 86_400 * 365)
    [address] = [a for a in listed(client) if a["sender_address"] == OWN]
    assert address["display_status"] == "EXPIRED"
    assert not may_send_from(client, OWN)


def test_a_deleted_address_is_no_longer_a_source(client):
    created = request(client, alpha_tag("ACME")).json
    advance(client, 300)
    assert may_send_from(client, "ACME")

    missing_reason = client.delete(f"{SENDER}/addresses/{created['id']}", headers=basic_auth())
    deleted = client.delete(
        f"{SENDER}/addresses/{created['id']}?reason=No%20longer%20used", headers=basic_auth()
    )

    assert missing_reason.status_code == 400
    assert missing_reason.json["details"] == ["reason: Missing data for required field."]
    assert deleted.status_code == 202
    assert not may_send_from(client, "ACME")
    assert not may_send_from(client, "ACME", source_number_type="ALPHANUMERIC")
    gone = client.get(f"{SENDER}/addresses/{created['id']}", headers=basic_auth())
    assert gone.status_code == 404


def test_an_address_is_read_and_relabelled_by_id(client):
    created = request(client, own_number()).json
    verify(client, created["id"], code_on_the_handset(client, OWN))
    path = f"{SENDER}/addresses/{created['id']}"

    relabelled = client.patch(path, json={"label": "My mobile"}, headers=basic_auth())

    assert relabelled.status_code == 200 and relabelled.json["label"] == "My mobile"
    assert client.get(path, headers=basic_auth()).json == relabelled.json
    too_long = client.patch(path, json={"label": "x" * 101}, headers=basic_auth())
    assert too_long.json["details"] == ["label: Longer than maximum length 100."]


def test_a_request_not_yet_approved_is_not_an_address(client):
    created = request(client, alpha_tag("ACME")).json
    response = client.get(f"{SENDER}/addresses/{created['id']}", headers=basic_auth())
    assert response.status_code == 404


def test_the_list_shows_the_fixtures_and_dedicated_numbers_read_only(client):
    client.post(
        f"{DEDICATED}/{number_id('+61491570201')}/assignment",
        json={"label": "Support"},
        headers=basic_auth(),
    )
    addresses = listed(client)
    assert [(a["sender_address"], a["usage_type"]) for a in addresses] == [
        ("DemoCo", "ALPHANUMERIC"),
        ("+61491570157", "DEDICATED"),
        ("+61491570158", "DEDICATED"),
        ("+61491570159", "DEDICATED"),
        ("+61491570201", "DEDICATED"),
    ]
    assert addresses[-1]["label"] == "Support"
    assert addresses[-1]["number"]["capabilities"] == ["SMS"]
    for address in (addresses[0], addresses[-1]):
        path = f"{SENDER}/addresses/{address['id']}"
        assert client.get(path, headers=basic_auth()).json == address
        refused = client.delete(f"{path}?reason=x", headers=basic_auth())
        assert refused.status_code == 400
        assert refused.json["message"] == (
            "This sender address is not registered through the sender address API."
        )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?usage_type=DEDICATED&page_size=2", ["+61491570157", "+61491570158"]),
        ("?sender_address_type=ALPHANUMERIC", ["DemoCo"]),
        ("?sender_address=democo", ["DemoCo"]),
        ("?sender_address=0158", ["+61491570158"]),
    ],
)
def test_list_filters(client, query, expected):
    assert [a["sender_address"] for a in listed(client, query)] == expected


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        (
            "?page_size=0",
            "page_size: Must be greater than or equal to 1 and less than or equal to 100.",
        ),
        ("?usage_type=SHARED", "usage_type: Must be one of: ALPHANUMERIC, OWN_NUMBER, DEDICATED."),
        (
            "?expiry_status=EXPIRED",
            "expiry_status: Only with both sender_address_type and usage_type.",
        ),
        ("?include_related_accounts=maybe", "include_related_accounts: Not a valid boolean."),
        ("?token=nowhere", "token: Not a valid pagination token."),
    ],
)
def test_bad_list_queries_are_400_naming_the_field(client, query, detail):
    response = client.get(f"{SENDER}/addresses/{query}", headers=basic_auth())
    assert (response.status_code, response.json) == (400, {"message": INVALID, "details": [detail]})


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (
            alpha_tag("TOOLONGFORATAG"),
            "sender_address: An alpha tag is 1 to 11 letters, digits or spaces, with a letter.",
        ),
        (
            alpha_tag("ACME", usage_type="OWN_NUMBER"),
            "usage_type: Must be ALPHANUMERIC with sender_address_type ALPHANUMERIC,"
            " or OWN_NUMBER with sender_address_type INTERNATIONAL.",
        ),
        (
            own_number("0491570555"),
            "sender_address: Not a valid E.164 number: expected + followed by up to 15 digits.",
        ),
        (own_number(reason="x" * 201), "reason: Longer than 200 characters."),
        (
            alpha_tag("ACME", destination_countries=[]),
            "destination_countries: Shorter than minimum length 1.",
        ),
        (
            alpha_tag("ACME", destination_countries=["Australia"]),
            "destination_countries[0]: Not an ISO 3166 alpha-2 country code.",
        ),
        (
            {k: v for k, v in alpha_tag("ACME").items() if k != "reason"},
            "reason: Missing data for required field.",
        ),
    ],
)
def test_bad_requests_are_400_naming_the_field(client, body, detail):
    response = request(client, body)
    assert (response.status_code, response.json) == (400, {"message": INVALID, "details": [detail]})


def test_an_account_sees_only_its_own_addresses_unless_it_asks_for_related_ones(client):
    created = request(client, alpha_tag("ACME")).json
    sub = basic_auth(account="DemoSubAccount2")
    sub_request = request(client, alpha_tag("SUBCO"), sub).json
    advance(client, 300)

    assert (
        client.get(f"{SENDER}/requests/{created['id']}", headers=basic_auth(OTHER)).status_code
        == 404
    )
    assert (
        client.get(f"{SENDER}/addresses/{created['id']}", headers=basic_auth(OTHER)).status_code
        == 404
    )
    assert "ACME" not in [a["sender_address"] for a in listed(client, headers=basic_auth(OTHER))]
    assert "SUBCO" not in [a["sender_address"] for a in listed(client)]
    assert not may_send_from(client, "SUBCO")
    assert may_send_from(client, "SUBCO", sub)
    related = listed(client, "?include_related_accounts=true")
    assert {"ACME", "SUBCO"} <= {a["sender_address"] for a in related}
    assert status(client, sub_request["id"], sub) == "APPROVED"


def test_the_change_feed_shows_requests_codes_and_verifications(client):
    created = request(client, own_number()).json
    verify(client, created["id"], code_on_the_handset(client, OWN))
    events = client.get("/_emulator/events").json["events"]
    kinds = [e["kind"] for e in events if e["kind"].startswith("sender_address")]
    assert kinds == ["sender_address_requested", "sender_address_verified"]
    assert "message_accepted" in [e["kind"] for e in events]


def test_only_own_numbers_are_verified_and_only_verified_ones_again(client):
    tag = request(client, alpha_tag("ACME")).json
    number = request(client, own_number()).json

    by_code = verify(client, tag["id"], "123456")
    again = client.post(f"{SENDER}/addresses/{number['id']}/reverify", headers=basic_auth())

    only_own = "Only an own number (usage_type OWN_NUMBER) is verified with a code."
    assert (by_code.status_code, by_code.json) == (
        400,
        {"message": only_own, "details": [only_own]},
    )
    not_yet = "Only a verified own number is verified again."
    assert (again.status_code, again.json) == (400, {"message": not_yet, "details": [not_yet]})


def test_the_third_try_may_be_the_right_code(client):
    created = request(client, own_number()).json
    code = code_on_the_handset(client, OWN)
    assert verify(client, created["id"], wrong(code)).status_code == 400
    assert verify(client, created["id"], wrong(code)).status_code == 400
    assert verify(client, created["id"], code).status_code == 201
