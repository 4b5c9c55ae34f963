"""The dedicated numbers API: the pool's numbers listed with the spec's filters and pages, one
number, and an account's assignments, which make a number its source number at once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from emulator.app import create_app
from emulator.settings import Settings
from emulator.web.requests import EXTENSION_KEY
from tests.numbering.support import (
    AU_BRONZE_SMS,
    AU_POOL,
    AU_SILVER_MMS,
    DEDICATED,
    NOT_YET_AVAILABLE,
    may_send_from,
    number_id,
    send_from,
)
from tests.support import OTHER, basic_auth

INVALID = "Invalid request. Please check the details and try again."


def listed(client, query: str = "", headers: dict | None = None) -> dict:
    response = client.get(f"{DEDICATED}/{query}", headers=headers or basic_auth())
    assert response.status_code == 200, response.json
    return response.json


def assign(client, phone_number: str, body: dict | None = None, headers: dict | None = None):
    return client.post(
        f"{DEDICATED}/{number_id(phone_number)}/assignment",
        json={} if body is None else body,
        headers=headers or basic_auth(),
    )


def test_the_pool_is_listed_by_country_with_every_field(client):
    page = listed(client, "?country=AU")
    assert [n["phone_number"] for n in page["data"]] == list(AU_POOL)
    assert page["pagination"] == {"page_size": 50}
    assert page["data"][1] == {
        "id": number_id(AU_SILVER_MMS),
        "phone_number": AU_SILVER_MMS,
        "country": "AU",
        "type": "MOBILE",
        "classification": "SILVER",
        "available_after": "2019-06-21T04:04:31.707Z",
        "capabilities": ["SMS", "MMS"],
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?country=gb", ["+447700900201", "+447700900202"]),
        (
            "?country=AU&matching=5702",
            ["+61491570201", "+61491570202", "+61491570203", "+61491570204", "+61491570299"],
        ),
        ("?matching=0900202", ["+447700900202"]),
        ("?country=AU&service_types=MMS,TTS", ["+61491570203"]),
        ("?country=AU&service_types=MMS&service_types=TTS", ["+61491570203"]),
        ("?country=US&service_types=tts", ["+12025550202"]),
        ("?country=FR", []),
    ],
)
def test_filters(client, query, expected):
    assert [n["phone_number"] for n in listed(client, query)["data"]] == expected


def test_pages_follow_the_next_token_to_the_end(client):
    seen, token, pages = [], None, 0
    while True:
        page = listed(client, f"?country=AU&page_size=3{f'&token={token}' if token else ''}")
        pages += 1
        assert page["pagination"]["page_size"] == 3
        seen += [n["phone_number"] for n in page["data"]]
        token = page["pagination"].get("next_token")
        if token is None:
            break
        assert token == page["data"][-1]["id"]
    assert (seen, pages) == (list(AU_POOL), 3)


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        (
            "?page_size=0",
            "page_size: Must be greater than or equal to 1 and less than or equal to 100.",
        ),
        (
            "?page_size=101",
            "page_size: Must be greater than or equal to 1 and less than or equal to 100.",
        ),
        ("?page_size=ten", "page_size: Not a valid integer."),
        ("?country=AUS", "country: Not an ISO 3166 alpha-2 country code."),
        ("?matching=04x", "matching: Expected 1 to 15 digits."),
        (
            "?service_types=SMS,FAX",
            "service_types: Unknown FAX: expected any of SMS, TTS, MMS, comma-separated.",
        ),
        ("?token=nowhere", "token: Not a valid pagination token."),
        ("?colour=red", "colour: Unknown field."),
    ],
)
def test_bad_queries_are_400_naming_the_field(client, query, detail):
    response = client.get(f"{DEDICATED}/{query}", headers=basic_auth())
    assert (response.status_code, response.json) == (400, {"message": INVALID, "details": [detail]})


def test_the_list_is_served_with_and_without_its_trailing_slash(client):
    without = client.get(f"{DEDICATED}?country=NZ", headers=basic_auth())
    assert without.status_code == 200
    assert without.json == listed(client, "?country=NZ")


def test_one_number_by_id_and_unknown_ids_are_404(client):
    found = client.get(f"{DEDICATED}/{number_id(AU_BRONZE_SMS)}", headers=basic_auth())
    assert found.status_code == 200 and found.json["phone_number"] == AU_BRONZE_SMS
    for unknown in ("0b5e2a44-9d7e-4c2f-8a0e-7f1d2c3b4a59", "not-an-id"):
        response = client.get(f"{DEDICATED}/{unknown}", headers=basic_auth())
        assert (response.status_code, response.json) == (404, {"message": "Resource not found"})


def test_an_assigned_number_is_a_source_of_the_account_until_it_is_released(client):
    assert not may_send_from(client, AU_BRONZE_SMS)

    created = assign(client, AU_BRONZE_SMS, {"label": "Support", "metadata": {"team": "au"}})

    assert created.status_code == 201
    assert created.json == {
        "id": created.json["id"],
        "number_id": number_id(AU_BRONZE_SMS),
        "label": "Support",
        "metadata": {"team": "au"},
    }
    assert may_send_from(client, AU_BRONZE_SMS)
    read = client.get(f"{DEDICATED}/{number_id(AU_BRONZE_SMS)}/assignment", headers=basic_auth())
    assert (read.status_code, read.json) == (200, created.json)
    # Taken numbers leave the list of available ones, but stay readable by ID.
    assert AU_BRONZE_SMS not in [n["phone_number"] for n in listed(client, "?country=AU")["data"]]

    released = client.delete(
        f"{DEDICATED}/{number_id(AU_BRONZE_SMS)}/assignment", headers=basic_auth()
    )

    assert (released.status_code, released.data) == (204, b"")
    assert not may_send_from(client, AU_BRONZE_SMS)
    again = client.get(f"{DEDICATED}/{number_id(AU_BRONZE_SMS)}/assignment", headers=basic_auth())
    assert again.status_code == 404
    assert AU_BRONZE_SMS in [n["phone_number"] for n in listed(client, "?country=AU")["data"]]


def test_a_number_assigned_to_one_account_cannot_be_assigned_to_another(client):
    assert assign(client, AU_SILVER_MMS).status_code == 201

    taken = assign(client, AU_SILVER_MMS, headers=basic_auth(OTHER))
    again = assign(client, AU_SILVER_MMS)

    conflict = {
        "message": "The number is not available for assignment: it is assigned to an account."
    }
    assert (taken.status_code, taken.json) == (409, conflict)
    assert (again.status_code, again.json) == (409, conflict)
    assert not may_send_from(client, AU_SILVER_MMS, basic_auth(OTHER))
    # The other account neither sees nor releases it.
    path = f"{DEDICATED}/{number_id(AU_SILVER_MMS)}/assignment"
    assert client.get(path, headers=basic_auth(OTHER)).status_code == 404
    assert client.delete(path, headers=basic_auth(OTHER)).status_code == 404
    assert client.patch(path, json={"label": "x"}, headers=basic_auth(OTHER)).status_code == 404
    assert may_send_from(client, AU_SILVER_MMS)


def test_a_number_is_not_assigned_before_its_available_after_time(client):
    response = assign(client, NOT_YET_AVAILABLE)
    assert response.status_code == 409
    assert "available_after" in response.json["message"]
    assert assign(client, "+61491570298").status_code == 404


def test_assignments_are_changed_by_what_the_patch_gives(client):
    assign(client, AU_BRONZE_SMS, {"label": "Old", "metadata": {"a": "1"}})
    path = f"{DEDICATED}/{number_id(AU_BRONZE_SMS)}/assignment"

    relabelled = client.patch(path, json={"label": "New"}, headers=basic_auth())
    remapped = client.patch(path, json={"metadata": {"b": "2"}}, headers=basic_auth())

    assert relabelled.status_code == 200 and relabelled.json["label"] == "New"
    assert relabelled.json["metadata"] == {"a": "1"}
    assert remapped.status_code == 200
    assert (remapped.json["label"], remapped.json["metadata"]) == ("New", {"b": "2"})
    assert client.get(path, headers=basic_auth()).json == remapped.json


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"label": 7}, "label: Not a valid string."),
        ({"label": "x" * 101}, "label: Longer than maximum length 100."),
        ({"metadata": {"key": 1}}, "metadata.key.value: Not a valid string."),
        (
            {"metadata": {str(i): "v" for i in range(11)}},
            "metadata: At most 10 metadata pairs are allowed.",
        ),
        ({"colour": "red"}, "colour: Unknown field."),
    ],
)
def test_bad_assignment_bodies_are_400_naming_the_field(client, body, detail):
    response = assign(client, AU_BRONZE_SMS, body)
    assert (response.status_code, response.json) == (400, {"message": INVALID, "details": [detail]})
    assert may_send_from(client, AU_BRONZE_SMS) is False


def test_the_accounts_assigned_numbers_are_filtered_sorted_and_paged(client):
    for number, label in [
        ("+61491570204", "Sales"),
        ("+447700900201", "London sales"),
        ("+61255501200", "Desk"),
    ]:
        assert assign(client, number, {"label": label}).status_code == 201
    assert assign(client, "+12025550201", headers=basic_auth(OTHER)).status_code == 201

    def numbers(query: str = "") -> list[str]:
        response = client.get(f"{DEDICATED}/assignments{query}", headers=basic_auth())
        assert response.status_code == 200, response.json
        return [item["number"]["phone_number"] for item in response.json["data"]]

    assert numbers() == ["+61491570204", "+447700900201", "+61255501200"]
    assert numbers("?label=SALES") == ["+61491570204", "+447700900201"]
    assert numbers("?country=AU&type=LANDLINE") == ["+61255501200"]
    assert numbers("?type=LANDLINE&types=MOBILE") == ["+61491570204", "+447700900201"]
    assert numbers("?classification=SILVER") == ["+447700900201"]
    assert numbers(f"?number_id={number_id('+61255501200')}") == ["+61255501200"]
    assert numbers("?sort_by=SOURCE_ADDRESS") == ["+447700900201", "+61255501200", "+61491570204"]
    assert numbers("?sort_by=SOURCE_ADDRESS&sort_direction=DESCENDING") == [
        "+61491570204",
        "+61255501200",
        "+447700900201",
    ]
    first = client.get(f"{DEDICATED}/assignments?page_size=2", headers=basic_auth()).json
    token = first["pagination"]["next_token"]
    assert token == first["data"][-1]["assignment"]["id"]
    assert numbers(f"?page_size=2&token={token}") == ["+61255501200"]
    bad = client.get(f"{DEDICATED}/assignments?sort_by=NAME", headers=basic_auth())
    assert bad.status_code == 400 and bad.json["details"][0].startswith("sort_by: Must be one of")


def test_a_sub_account_has_its_own_assignments(client):
    sub = basic_auth(account="DemoSubAccount1")
    assert assign(client, AU_BRONZE_SMS, headers=sub).status_code == 201
    assert may_send_from(client, AU_BRONZE_SMS, sub)
    assert not may_send_from(client, AU_BRONZE_SMS)
    parent = client.get(f"{DEDICATED}/assignments", headers=basic_auth()).json
    assert parent["data"] == []


def test_assignments_are_in_the_change_feed(client):
    assign(client, AU_BRONZE_SMS, {"label": "Support"})
    client.delete(f"{DEDICATED}/{number_id(AU_BRONZE_SMS)}/assignment", headers=basic_auth())
    events = client.get("/_emulator/events").json["events"]
    kinds = [(e["kind"], e["account_id"], e["number"]) for e in events if "dedicated" in e["kind"]]
    assert kinds == [
        ("dedicated_number_assigned", "DemoAccount", AU_BRONZE_SMS),
        ("dedicated_number_released", "DemoAccount", AU_BRONZE_SMS),
    ]


def test_reset_releases_every_number(client):
    assign(client, AU_BRONZE_SMS)
    assert client.post("/_emulator/reset").status_code == 200
    assert not may_send_from(client, AU_BRONZE_SMS)


def test_an_assignment_made_by_one_process_counts_at_once_in_another(settings, client):
    """Two emulators on one store stand for two processes: each keeps what accounts registered
    in memory, and reads it again once any of them changes it."""
    other_process = create_app(settings)
    try:
        other = other_process.test_client()
        # Each has read the account's registrations since the clock last moved.
        send_from(client, basic_auth(), AU_BRONZE_SMS)
        send_from(other, basic_auth(), AU_BRONZE_SMS)

        assert assign(client, AU_BRONZE_SMS).status_code == 201
        assert may_send_from(other, AU_BRONZE_SMS)

        send_from(client, basic_auth(), AU_BRONZE_SMS)
        other.delete(f"{DEDICATED}/{number_id(AU_BRONZE_SMS)}/assignment", headers=basic_auth())
        assert not may_send_from(client, AU_BRONZE_SMS)
    finally:
        other_process.extensions[EXTENSION_KEY].close()


def test_the_pool_comes_from_the_fixtures_folder(tmp_path, store_db):
    (tmp_path / "dedicated_numbers.yaml").write_text(
        'numbers:\n  - {phone_number: "+61491570777", country: AU, type: MOBILE,'
        " classification: GOLD, capabilities: [SMS]}\n"
    )
    app = create_app(Settings(db=store_db, fixtures=str(tmp_path)))
    try:
        page = app.test_client().get(f"{DEDICATED}/", headers=basic_auth()).json
    finally:
        app.extensions[EXTENSION_KEY].close()
    assert [n["phone_number"] for n in page["data"]] == ["+61491570777"]
    assert page["data"][0]["available_after"] == "2000-01-01T00:00:00.000Z"


def test_a_handset_writing_first_to_an_assigned_number_reaches_the_account(client):
    reply = {"source_number": "+61491570888", "content": "Hi", "destination_number": AU_BRONZE_SMS}
    assert client.post("/_emulator/replies", json=reply).status_code == 400
    assign(client, AU_BRONZE_SMS)

    received = client.post("/_emulator/replies", json=reply)

    assert received.status_code == 201 and received.json["account_id"] == "DemoAccount"
    replies = client.get("/v1/replies", headers=basic_auth()).json["replies"]
    assert [(r["source_number"], r["content"]) for r in replies] == [("+61491570888", "Hi")]


def test_accounts_taking_one_number_at_once_get_it_once(app):
    """Four accounts ask for the same number at the same moment: one gets it, the others a 409."""
    accounts = [
        basic_auth(),
        basic_auth(OTHER),
        basic_auth(account="DemoSubAccount1"),
        basic_auth(account="DemoSubAccount2"),
    ]
    start = threading.Barrier(len(accounts))

    def take(headers: dict) -> int:
        client = app.test_client()
        start.wait()
        return assign(client, AU_SILVER_MMS, headers=headers).status_code

    with ThreadPoolExecutor(len(accounts)) as pool:
        statuses = sorted(pool.map(take, accounts))

    assert statuses == [201, 409, 409, 409]
