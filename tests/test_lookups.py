"""The Lookups API: GET /v1/lookups/phone/{phone_number} with its options, numbers as clients
send them, the numbers fixtures pin, its errors, and each lookup in the change feed."""

from __future__ import annotations

import pytest

from emulator.app import create_app
from emulator.settings import Settings
from emulator.web.requests import EXTENSION_KEY
from tests.support import DEMO, Credentials, basic_auth, hmac_auth

AUTH = basic_auth()
NOT_FOUND = {"message": "The number could not be found or is invalid."}


def look_up(client, number: str, query: str = "", headers=None):
    return client.get(f"/v1/lookups/phone/{number}{query}", headers=headers or AUTH)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {}),
        ("?options=", {}),
        ("?options=type", {"type": "mobile"}),
        ("?options=carrier", {"carrier": {"name": "Telstra"}}),
        ("?options=carrier,type", {"type": "mobile", "carrier": {"name": "Telstra"}}),
        ("?options=type%2Ccarrier", {"type": "mobile", "carrier": {"name": "Telstra"}}),
        ("?options=CARRIER,%20type", {"type": "mobile", "carrier": {"name": "Telstra"}}),
        ("?options=carrier&options=type", {"type": "mobile", "carrier": {"name": "Telstra"}}),
    ],
)
def test_the_options_add_type_and_carrier(client, query, expected):
    response = look_up(client, "+61491570156", query)

    assert response.status_code == 200, response.json
    assert response.json == {"country_code": "AU", "phone_number": "+61491570156", **expected}
    assert list(response.json)[:2] == ["country_code", "phone_number"]


@pytest.mark.parametrize("number", ["%2B61412345678", "+61412345678", "%2b61412345678"])
def test_the_number_may_arrive_url_encoded(client, number):
    response = look_up(client, number, "?options=carrier,type")
    assert response.json == {
        "country_code": "AU",
        "phone_number": "+61412345678",
        "type": "mobile",
        "carrier": {"name": "Optus"},
    }


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        # Numbers the library knows: a landline range, a number either fixed or mobile (taken as
        # mobile, no carrier known), toll-free (a landline), another country's mobile.
        ("+61370105550", {"country_code": "AU", "type": "landline", "carrier": {}}),
        ("+14155552671", {"country_code": "US", "type": "mobile", "carrier": {}}),
        ("+611800160401", {"country_code": "AU", "type": "landline", "carrier": {}}),
        ("+447400123456", {"country_code": "GB", "type": "mobile", "carrier": {"name": "Three"}}),
        ("+6421234567", {"country_code": "NZ", "type": "mobile", "carrier": {"name": "Vodafone"}}),
    ],
)
def test_any_valid_number_gets_a_plausible_answer(client, number, expected):
    response = look_up(client, number, "?options=carrier,type")
    assert response.status_code == 200, response.json
    assert response.json == {**expected, "phone_number": number}


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("+61255501234", {"type": "landline", "carrier": {}}),
        ("+61400004000", {"type": "mobile", "carrier": {}}),
    ],
    ids=["landline", "no-carrier-known"],
)
def test_the_shipped_magic_numbers(client, number, expected):
    response = look_up(client, number, "?options=carrier,type")
    assert response.json == {"country_code": "AU", "phone_number": number, **expected}


@pytest.mark.parametrize(
    "number",
    [
        "+61400005000",  # the shipped "not found" number
        "+6141234567",  # a digit short
        "61491570156",  # not E.164
        "+61491570156x",
        "+",
        "%2B",
        "+999123",
        "+6149157015６",  # a digit of another script
        "+614915701561234567890",
    ],
)
def test_an_invalid_or_unknown_number_is_404_with_the_lookups_message(client, number):
    response = look_up(client, number, "?options=carrier,type")
    assert (response.status_code, response.json) == (404, NOT_FOUND)


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ("?options=colour", "options: Unknown option colour: options are carrier and type"),
        ("?options=carrier,name,zone", "options: Unknown option name, zone: options are"),
        ("?options=carrier&options=typo", "options: Unknown option typo: options are"),
    ],
)
def test_an_unknown_option_is_400_in_the_usual_shape(client, query, detail):
    response = look_up(client, "+61491570156", query)
    assert response.status_code == 400
    assert set(response.json) == {"message", "details"}
    [given] = response.json["details"]
    assert given.startswith(detail)


def test_lookups_take_the_messages_api_credentials(client):
    path = "/v1/lookups/phone/%2B61491570156?options=type"
    assert client.get(path).status_code == 403
    assert client.get(path, headers=basic_auth(Credentials(DEMO.key, "wrong"))).json == {
        "message": "Invalid authentication credentials"
    }
    assert client.get(path, headers=hmac_auth("GET", path)).json["type"] == "mobile"


def test_a_fixture_pins_type_carrier_and_not_found(tmp_path, store_db):
    (tmp_path / "lookups.yaml").write_text(
        "numbers:\n"
        '  - number: "+61491570156"\n    carrier: Emulated Mobile\n'
        '  - number: "+61370105550"\n    type: mobile\n'
        '  - number: "+61412345678"\n    found: false\n'
        # A number the library cannot tell valid is found when pinned.
        '  - number: "+61180000000"\n    carrier: Free Call\n',
        encoding="utf-8",
    )
    app = create_app(Settings(db=store_db, fixtures=str(tmp_path)))
    try:
        client = app.test_client()
        options = "?options=carrier,type"
        assert look_up(client, "%2B61491570156", options).json == {
            "country_code": "AU",
            "phone_number": "+61491570156",
            "type": "mobile",
            "carrier": {"name": "Emulated Mobile"},
        }
        assert look_up(client, "+61370105550", options).json["type"] == "mobile"
        assert look_up(client, "+61412345678", options).json == NOT_FOUND
        assert look_up(client, "+61180000000", options).json == {
            "country_code": "AU",
            "phone_number": "+61180000000",
            "type": "mobile",
            "carrier": {"name": "Free Call"},
        }
        # Numbers the file does not list are answered from the library, shipped pins included.
        assert look_up(client, "+61400005000").status_code == 200
    finally:
        app.extensions[EXTENSION_KEY].close()


def test_each_lookup_is_in_the_change_feed(client):
    after = client.get("/_emulator/events").json["last_seq"]
    look_up(client, "%2B61491570156", "?options=carrier")
    look_up(client, "+61400005000")

    events = client.get(f"/_emulator/events?after={after}").json["events"]

    assert [(event["kind"], event["number"]) for event in events] == [
        ("lookup", "+61491570156"),
        ("lookup", None),
    ]
    found, unfound = (event["data"] for event in events)
    assert found == {
        "requested": "+61491570156",
        "options": ["carrier"],
        "found": True,
        "answer": {
            "country_code": "AU",
            "phone_number": "+61491570156",
            "carrier": {"name": "Telstra"},
        },
    }
    assert unfound == {"requested": "+61400005000", "options": [], "found": False, "answer": None}
    assert events[0]["account_id"] == events[1]["account_id"] is not None
