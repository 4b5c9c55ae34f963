"""The Reporting API (/v2-preview/reporting/messages/...): detail, insights and metadata keys of
the messages an account sent and received within the 45-day retention, filtered, paged and
grouped; each account sees only its own (and its sub-accounts') messages; bad filters are 400s
naming the field."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.support import OTHER, basic_auth, hmac_auth, message

DETAIL = "/v2-preview/reporting/messages/detail"
INSIGHTS = "/v2-preview/reporting/messages/insights"
METAKEYS = "/v2-preview/reporting/messages/metakeys"
WINDOW = {"start_date": "2000-01-01T00:00:00Z", "end_date": "2100-01-01T00:00:00Z"}
HANDSET = "+61491570156"
OTHER_HANDSET = "+61491570157"


@pytest.fixture
def post(client):
    """POST a report request as DemoAccount (or other credentials) and return the response."""

    def _post(path: str, body: dict, headers: dict | None = None):
        return client.post(path, json=body, headers=headers or basic_auth())

    return _post


@pytest.fixture
def advance(client):
    def _advance(seconds: float) -> None:
        response = client.post("/_emulator/clock/advance", json={"seconds": seconds})
        assert response.status_code == 200, response.json

    return _advance


@pytest.fixture
def reply(client):
    """A handset answers the latest message sent to it."""

    def _reply(number: str, content: str) -> None:
        body = {"source_number": number, "content": content}
        response = client.post("/_emulator/replies", json=body)
        assert response.status_code == 201, response.json

    return _reply


@pytest.fixture
def traffic(send, advance, reply) -> dict[str, str]:
    """Three messages of DemoAccount, delivered, and a reply to one: IDs by name."""
    sent = send(
        message(destination_number=HANDSET, metadata={"campaign": "spring", "team": "a"}),
        message(destination_number=OTHER_HANDSET, metadata={"campaign": "autumn"}),
        message(destination_number=OTHER_HANDSET, content="No metadata"),
    )
    advance(30)
    reply(HANDSET, "Yes please")
    return {
        "spring": sent[0]["message_id"],
        "autumn": sent[1]["message_id"],
        "plain": sent[2]["message_id"],
    }


def names_field(response, field: str) -> bool:
    """Whether one of the 400's details is about `field`."""
    return any(detail.startswith(f"{field}: ") for detail in response.json["details"])


def detail_ids(response) -> list[str]:
    assert response.status_code == 200, response.json
    return [record["message_id"] for record in response.json["messages"]]


def test_detail_lists_sent_and_received_messages_oldest_first(post, traffic):
    response = post(DETAIL, WINDOW)
    records = response.json["messages"]
    assert [r["direction"] for r in records] == ["outbound"] * 3 + ["inbound"]
    assert [r["message_id"] for r in records[:3]] == list(traffic.values())
    spring = records[0]
    assert spring["status"] == "delivered" and spring["status_code"] == 220
    assert spring["destination_address"] == HANDSET
    assert spring["destination_address_country"] == "AU"
    assert spring["metadata"] == {"campaign": "spring", "team": "a"}
    assert spring["delivered_timestamp"].endswith("Z") and spring["units"] == 1
    received = records[3]
    assert received["source_address"] == HANDSET and received["content"] == "Yes please"
    assert received["status"] == "delivered"
    assert response.json["pagination"] == {"page": 0, "page_size": 20, "has_next": False}


def test_detail_pages_count_from_zero(post, traffic):
    first = post(DETAIL, {**WINDOW, "page_size": 3})
    second = post(DETAIL, {**WINDOW, "page_size": 3, "page": 1})
    assert first.json["pagination"] == {"page": 0, "page_size": 3, "has_next": True}
    assert second.json["pagination"] == {"page": 1, "page_size": 3, "has_next": False}
    assert len(detail_ids(first)) == 3 and len(detail_ids(second)) == 1


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"metadata_key": "campaign"}, ["spring", "autumn"]),
        ({"metadata_key": "campaign", "metadata_value": "autumn"}, ["autumn"]),
        ({"metadata_key": "campaign", "metadata_values": ["spring", "x"]}, ["spring"]),
        ({"metadata_key": "team"}, ["spring"]),
        ({"metadata_key": "nothing"}, []),
        ({"destination": OTHER_HANDSET}, ["autumn", "plain"]),
        ({"destinations": [HANDSET]}, ["spring"]),
        ({"destination": HANDSET, "destinations": [OTHER_HANDSET]}, ["autumn", "plain"]),
        ({"status": ["DELIVERED"]}, ["spring", "autumn", "plain"]),
        ({"status": ["REJECTED", "FAILED"]}, []),
    ],
)
def test_detail_filters(post, traffic, filters, expected):
    found = detail_ids(post(DETAIL, {**WINDOW, "direction": "outbound", **filters}))
    assert found == [traffic[name] for name in expected]


def test_a_reply_carries_the_metadata_of_the_message_it_answers(post, traffic):
    body = {**WINDOW, "direction": "inbound", "metadata_key": "campaign"}
    [answer] = post(DETAIL, body).json["messages"]
    assert answer["content"] == "Yes please" and answer["metadata"]["campaign"] == "spring"


def test_direction_and_addresses_pick_received_messages(post, traffic):
    inbound = post(DETAIL, {**WINDOW, "direction": "inbound"}).json["messages"]
    assert [record["content"] for record in inbound] == ["Yes please"]
    either = post(DETAIL, {**WINDOW, "addresses": [HANDSET]}).json["messages"]
    assert [record["direction"] for record in either] == ["outbound", "inbound"]


def test_detail_sorts_as_asked(post, traffic):
    body = {
        **WINDOW,
        "direction": "outbound",
        "sort_by": "DESTINATION_ADDRESS",
        "sort_direction": "DESCENDING",
    }
    found = detail_ids(post(DETAIL, body))
    # Sent together, the two to one number keep the order they were sent in.
    assert found == [traffic["autumn"], traffic["plain"], traffic["spring"]]


def test_a_window_keeps_only_the_messages_inside_it(post, traffic, client):
    now = client.get("/_emulator/clock").json["now"]
    assert detail_ids(post(DETAIL, {"start_date": now, "end_date": "2100-01-01T00:00:00Z"})) == []
    answered = post(DETAIL, {**WINDOW, "direction": "inbound"}).json["messages"][0]["timestamp"]
    # The end is not in the window.
    assert detail_ids(post(DETAIL, {**WINDOW, "end_date": answered})) == list(traffic.values())


def test_a_time_without_an_offset_is_local_to_the_time_zone(post, traffic, client):
    now = client.get("/_emulator/clock").json["now"][:19]
    later = {"start_date": now, "end_date": "2100-01-01T00:00:00"}
    # `now` in UTC+14 was 14 hours ago; in UTC-10 it is 10 hours ahead.
    assert len(detail_ids(post(DETAIL, {**later, "timezone": "Pacific/Kiritimati"}))) == 4
    assert detail_ids(post(DETAIL, {**later, "timezone": "Pacific/Honolulu"})) == []


def test_insights_count_by_group_and_sub_group(post, traffic, reply):
    reply(OTHER_HANDSET, "STOP")
    body = {**WINDOW, "timezone": "UTC", "group_by": ["STATUS", "ACCOUNT"]}
    response = post(INSIGHTS, body)
    assert response.status_code == 200, response.json
    insights = response.json
    assert (insights["total_sent"], insights["total_received"]) == (3, 2)
    assert (insights["total_billing_units"], insights["total_opt_out"]) == (5, 1)
    [delivered] = insights["summaries"]
    assert delivered["group"] == "DELIVERED" and delivered["total_sent"] == 3
    [account] = delivered["sub_group"]
    assert account["group"] == "DemoAccount" and account["total_received"] == 2


def test_insights_by_metadata_key_and_value(post, traffic):
    by_key = post(INSIGHTS, {**WINDOW, "timezone": "UTC", "group_by": ["METADATA_KEY"]}).json
    assert [(s["group"], s["total_sent"]) for s in by_key["summaries"]] == [
        ("campaign", 2),
        ("team", 1),
    ]
    body = {
        **WINDOW,
        "timezone": "UTC",
        "metadata_key": "campaign",
        "group_by": ["METADATA_VALUE"],
    }
    by_value = post(INSIGHTS, body).json
    assert [s["group"] for s in by_value["summaries"]] == ["autumn", "spring"]
    assert by_value["total_sent"] == 2


def test_insights_days_are_those_of_the_time_zone(post, send, client):
    send(message())
    sent = post(DETAIL, WINDOW).json["messages"][0]["timestamp"]
    moment = datetime.fromisoformat(sent)
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
        body = {**WINDOW, "timezone": zone, "group_by": ["DAY"]}
        [day] = post(INSIGHTS, body).json["summaries"]
        # UTC+14 and UTC-11: never the same day.
        assert day["group"] == moment.astimezone(ZoneInfo(zone)).date().isoformat()


def test_metadata_keys_are_listed_once_in_order(post, traffic):
    response = post(METAKEYS, WINDOW)
    assert response.status_code == 200 and response.json == {"keys": ["campaign", "team"]}
    assert post(METAKEYS, {**WINDOW, "page": 1, "page_size": 1}).json == {"keys": ["team"]}


def test_messages_past_the_retention_are_not_reported(post, traffic, advance):
    advance(46 * 24 * 3600)
    assert detail_ids(post(DETAIL, WINDOW)) == []
    insights = post(INSIGHTS, {**WINDOW, "timezone": "UTC"}).json
    assert (insights["total_sent"], insights["total_received"]) == (0, 0)


def test_an_account_sees_only_its_own_messages(post, traffic):
    assert detail_ids(post(DETAIL, WINDOW, basic_auth(OTHER))) == []
    refused = post(DETAIL, {**WINDOW, "accounts": ["DemoAccount"]}, basic_auth(OTHER))
    assert refused.status_code == 400
    assert refused.json["details"][0].startswith("accounts: DemoAccount is not OtherAccount")
    assert post(METAKEYS, WINDOW, basic_auth(OTHER)).json == {"keys": []}


def test_a_parent_sees_its_sub_accounts_and_a_sub_account_only_itself(post, send, traffic):
    [sub] = send(message(), headers=basic_auth(account="DemoSubAccount1"))
    assert sub["message_id"] in detail_ids(post(DETAIL, WINDOW))
    own = post(DETAIL, {**WINDOW, "accounts": ["DemoAccount"]})
    assert sub["message_id"] not in detail_ids(own)
    as_sub = post(DETAIL, WINDOW, basic_auth(account="DemoSubAccount1"))
    assert detail_ids(as_sub) == [sub["message_id"]]


def test_reports_need_credentials_basic_or_hmac(client, traffic):
    assert client.post(DETAIL, json=WINDOW).status_code == 403
    body = json.dumps(WINDOW).encode()
    headers = {**hmac_auth("POST", DETAIL, body), "Content-Type": "application/json"}
    signed = client.post(DETAIL, data=body, headers=headers)
    assert signed.status_code == 200 and len(signed.json["messages"]) == 4


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"end_date": "2022-12-14T00:00:00Z"}, "start_date"),
        ({**WINDOW, "start_date": "yesterday"}, "start_date"),
        ({**WINDOW, "end_date": "1999-01-01T00:00:00Z"}, "end_date"),
        ({**WINDOW, "page_size": 0}, "page_size"),
        ({**WINDOW, "page_size": 101}, "page_size"),
        ({**WINDOW, "page": -1}, "page"),
        ({**WINDOW, "page": "1"}, "page"),
        ({**WINDOW, "status": ["ARRIVED"]}, "status[0]"),
        ({**WINDOW, "direction": "sideways"}, "direction"),
        ({**WINDOW, "metadata_value": "x"}, "metadata_key"),
        ({**WINDOW, "timezone": "Mars/Olympus"}, "timezone"),
        ({**WINDOW, "addresses": [HANDSET], "direction": "inbound"}, "addresses"),
        ({**WINDOW, "addresses": [HANDSET], "source": HANDSET}, "addresses"),
        ({**WINDOW, "sort_by": "COLOUR"}, "sort_by"),
        ({**WINDOW, "colour": "red"}, "colour"),
        ({**WINDOW, "message_format": "SMS"}, "message_format"),
        ({**WINDOW, "channels": ["FAX"]}, "channels[0]"),
    ],
)
def test_bad_detail_requests_are_400s_naming_the_field(post, body, field):
    response = post(DETAIL, body)
    assert response.status_code == 400
    assert names_field(response, field)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (WINDOW, "timezone"),
        ({**WINDOW, "timezone": "UTC", "group_by": ["DAY", "WEEK", "MONTH"]}, "group_by"),
        ({**WINDOW, "timezone": "UTC", "group_by": ["HOUR"]}, "group_by[0]"),
        ({**WINDOW, "timezone": "UTC", "group_by": ["METADATA_VALUE"]}, "group_by"),
    ],
)
def test_bad_insight_requests_are_400s_naming_the_field(post, body, field):
    response = post(INSIGHTS, body)
    assert response.status_code == 400
    assert names_field(response, field)
