"""The official Lookups SDK (messagemedia-lookups-sdk 1.0.1, its one Python 2 print statement
made a call) against a live emulator: what it parses, and its APIException for a number that is
not found or invalid."""

from __future__ import annotations

NOT_FOUND = {
    "raised": "APIException",
    "code": 404,
    "body": {"message": "The number could not be found or is invalid."},
}


def test_the_lookups_sdk_reads_carrier_and_type(run_sdk_operations, http):
    seen = run_sdk_operations("lookups_sdk_operations")

    assert seen["carrier_and_type"] == {
        "returned": {
            "country_code": "AU",
            "phone_number": "+61491570156",
            "mtype": "mobile",
            "carrier": {"name": "Telstra"},
        }
    }
    assert seen["no_options"] == {
        "returned": {
            "country_code": "AU",
            "phone_number": "+61491570156",
            "mtype": None,
            "carrier": None,
        }
    }
    assert seen["landline"] == {
        "returned": {
            "country_code": "AU",
            "phone_number": "+61255501234",
            "mtype": "landline",
            "carrier": {},
        }
    }
    assert seen["not_found"] == NOT_FOUND
    assert seen["invalid"] == NOT_FOUND
    assert seen["bad_credentials"] == {
        "raised": "APIException",
        "code": 403,
        "body": {"message": "Invalid authentication credentials"},
    }
    # The SDK URL-encodes the number; the lookups appear in the change feed as asked.
    lookups = [
        event["data"]
        for event in http.get("/_emulator/events").json()["events"]
        if event["kind"] == "lookup"
    ]
    assert [(data["requested"], data["options"], data["found"]) for data in lookups] == [
        ("+61491570156", ["carrier", "type"], True),
        ("+61491570156", [], True),
        ("+61255501234", ["carrier", "type"], True),
        ("+61400005000", ["carrier"], False),
        ("+6112", ["carrier", "type"], False),
    ]
