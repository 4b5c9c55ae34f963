"""No endpoint ever shows, changes or confirms another account's data."""

from __future__ import annotations

import pytest

from tests.support import (
    OTHER,
    basic_auth,
    find_message,
    message,
    record_delivery_report,
    record_reply,
)

DEMO_AUTH = basic_auth()
OTHER_AUTH = basic_auth(OTHER)
SUB1_AUTH = basic_auth(account="DemoSubAccount1")
FUTURE = "2099-01-01T00:00:00Z"


@pytest.fixture
def demo_data(http, emulator):
    """A scheduled DemoAccount message with one report and one reply."""
    response = http.post(
        "/v1/messages", json={"messages": [message(scheduled=FUTURE)]}, headers=DEMO_AUTH
    )
    message_id = response.json()["messages"][0]["message_id"]
    stored = find_message(emulator.store, "DemoAccount", message_id)
    now = emulator.clock.now()
    report_id = record_delivery_report(emulator.store, stored, "enroute", "101", now)
    reply_id = record_reply(emulator.store, stored, "Hi", now)
    return {"message_id": message_id, "report_id": report_id, "reply_id": reply_id}


@pytest.mark.parametrize("foreign", [OTHER_AUTH, SUB1_AUTH], ids=["other-account", "sub-account"])
def test_foreign_accounts_see_nothing(http, demo_data, foreign):
    message_path = f"/v1/messages/{demo_data['message_id']}"
    assert http.get(message_path, headers=foreign).status_code == 404
    cancel = http.put(message_path, json={"status": "cancelled"}, headers=foreign)
    assert cancel.status_code == 404
    assert http.get("/v1/delivery_reports", headers=foreign).json() == {"delivery_reports": []}
    assert http.get("/v1/replies", headers=foreign).json() == {"replies": []}


@pytest.mark.parametrize("foreign", [OTHER_AUTH, SUB1_AUTH], ids=["other-account", "sub-account"])
def test_foreign_accounts_cannot_confirm_or_cancel(http, demo_data, foreign):
    http.post(
        "/v1/delivery_reports/confirmed",
        json={"delivery_report_ids": [demo_data["report_id"]]},
        headers=foreign,
    )
    http.post("/v1/replies/confirmed", json={"reply_ids": [demo_data["reply_id"]]}, headers=foreign)
    http.put(
        f"/v1/messages/{demo_data['message_id']}", json={"status": "cancelled"}, headers=foreign
    )

    reports = http.get("/v1/delivery_reports", headers=DEMO_AUTH).json()["delivery_reports"]
    assert [r["delivery_report_id"] for r in reports] == [demo_data["report_id"]]
    replies = http.get("/v1/replies", headers=DEMO_AUTH).json()["replies"]
    assert [r["reply_id"] for r in replies] == [demo_data["reply_id"]]
    status = http.get(f"/v1/messages/{demo_data['message_id']}", headers=DEMO_AUTH).json()
    assert status["status"] == "scheduled"


def test_parent_does_not_see_sub_account_data_without_the_header(http, emulator):
    response = http.post("/v1/messages", json={"messages": [message()]}, headers=SUB1_AUTH)
    message_id = response.json()["messages"][0]["message_id"]
    assert http.get(f"/v1/messages/{message_id}", headers=DEMO_AUTH).status_code == 404
    assert http.get(f"/v1/messages/{message_id}", headers=SUB1_AUTH).status_code == 200
    stored = find_message(emulator.store, "DemoSubAccount1", message_id)
    report_id = record_delivery_report(
        emulator.store, stored, "enroute", "101", emulator.clock.now()
    )
    assert http.get("/v1/delivery_reports", headers=DEMO_AUTH).json()["delivery_reports"] == []
    [report] = http.get("/v1/delivery_reports", headers=SUB1_AUTH).json()["delivery_reports"]
    assert report["delivery_report_id"] == report_id
    assert report["vendor_account_id"]["account_id"] == "DemoSubAccount1"
