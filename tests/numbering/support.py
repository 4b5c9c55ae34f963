"""What the tests of dedicated numbers and sender addresses share: the shipped pool's numbers,
and sending from a source to see whether the account may."""

from __future__ import annotations

from emulator.domain.dedicated_numbers import pool_number_id
from tests.support import basic_auth

DEDICATED = "/v1/messaging/numbers/dedicated"
SENDER = "/v1/messaging/numbers/sender_address"
# Numbers of the shipped pool (fixtures/dedicated_numbers.yaml).
AU_BRONZE_SMS = "+61491570201"
AU_SILVER_MMS = "+61491570202"
NOT_YET_AVAILABLE = "+61491570299"
AU_POOL = (
    "+61491570201",
    "+61491570202",
    "+61491570203",
    "+61491570204",
    "+61255501200",
    "+611800555200",
    "+61491570299",
)


def number_id(phone_number: str) -> str:
    return pool_number_id(phone_number)


def send_from(
    client, headers: dict, source_number: str, source_number_type: str | None = None
) -> str:
    """Send a message from `source_number` (of `source_number_type`, if given); its ID."""
    message = {
        "content": "Hello",
        "destination_number": "+61491570999",
        "source_number": source_number,
        "delivery_report": True,
    }
    if source_number_type is not None:
        message["source_number_type"] = source_number_type
    sent = client.post("/v1/messages", json={"messages": [message]}, headers=headers)
    assert sent.status_code == 202, sent.json
    return str(sent.json["messages"][0]["message_id"])


def final_status(
    client, headers: dict, source_number: str, source_number_type: str | None = None
) -> tuple[str, str | None]:
    """The status a message from `source_number` ends in, and its error code."""
    message_id = send_from(client, headers, source_number, source_number_type)
    assert client.post("/_emulator/clock/advance", json={"seconds": 10}).status_code == 200
    message = client.get(f"/v1/messages/{message_id}", headers=headers).json
    reports = client.get("/v1/delivery_reports", headers=headers).json["delivery_reports"]
    codes = [report["error_code"] for report in reports if report["message_id"] == message_id]
    client.post(
        "/v1/delivery_reports/confirmed",
        json={"delivery_report_ids": [r["delivery_report_id"] for r in reports]},
        headers=headers,
    )
    return message["status"], codes[-1] if codes else None


def may_send_from(
    client, source_number: str, headers: dict | None = None, source_number_type: str | None = None
) -> bool:
    """Whether a message from `source_number` is sent, rather than rejected as unregistered."""
    status, code = final_status(client, headers or basic_auth(), source_number, source_number_type)
    assert status == "delivered" or code == "303", (status, code)
    return status == "delivered"
