"""Scripted handsets and STOP: a whole conversation without anyone typing."""

from __future__ import annotations

from datetime import timedelta

from tests.support import OTHER, basic_auth, find_message


def replies_of(http, headers=None) -> list[dict]:
    return http.get("/v1/replies", headers=headers or basic_auth()).json()["replies"]


def test_shipped_script_replies_after_delivery(
    http, emulator, receivers, send_one, advance, webhooks
):
    receiver = receivers()
    message_id = send_one(
        content="Your appointment is at 3pm. Reply YES to confirm",
        source_number="+61491570157",
        callback_url=receiver.url,
    )
    created_at = find_message(emulator.store, "DemoAccount", message_id)["created_at"]
    advance(4 + 4.5)  # delivered at +4 s, the reply comes 5 s later
    assert replies_of(http) == []
    advance(1)
    [reply] = replies_of(http)
    assert reply["content"] == "YES"
    assert reply["message_id"] == message_id
    assert reply["destination_number"] == "+61491570157"
    received = created_at + timedelta(seconds=9)
    assert reply["date_received"] == received.strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{received.microsecond // 1000:03d}Z"
    )
    [hook] = webhooks()
    assert hook["event"] == "reply" and hook["state"] == "delivered"
    assert hook["attempts"][0]["at"] == reply["date_received"]
    assert receiver.payloads == [reply]


def test_messages_that_match_no_script_get_no_reply(http, send_one, advance):
    send_one(content="Just saying hello")
    advance(60)
    assert replies_of(http) == []


def test_stop_reply_opts_the_handset_out_for_that_account(http, send_one, advance, status_of):
    first = send_one(destination_number="+61400002000", delivery_report=True)
    advance(10)  # delivered at +4 s, STOP arrives at +6 s
    assert status_of(first) == "delivered"
    assert [r["content"] for r in replies_of(http)] == ["STOP"]

    later = send_one(destination_number="+61400002000", delivery_report=True)
    advance(10)
    assert status_of(later) == "rejected"
    reports = http.get("/v1/delivery_reports", headers=basic_auth()).json()["delivery_reports"]
    assert [(r["status"], r["error_code"]) for r in reports if r["message_id"] == later] == [
        ("enroute", "101"),
        ("rejected", "302"),
    ]

    body = {"messages": [{"content": "Other account", "destination_number": "+61400002000"}]}
    other = http.post("/v1/messages", json=body, headers=basic_auth(OTHER))
    other_id = other.json()["messages"][0]["message_id"]
    advance(10)
    assert http.get(f"/v1/messages/{other_id}", headers=basic_auth(OTHER)).json()["status"] == (
        "delivered"
    )


def test_a_handset_replying_stop_by_hand(http, send_one, advance, status_of):
    send_one()
    assert http.post(
        "/_emulator/replies", json={"source_number": "+61491570156", "content": " stop "}
    ).ok
    later = send_one()
    advance(10)
    assert status_of(later) == "rejected"
