"""Scheduled reports (/v2-preview/reporting/.../scheduled): stored as given, listed by page, read,
replaced and deleted, each account seeing only its own; bad schedules are 400s naming the field."""

from __future__ import annotations

import pytest

from tests.support import OTHER, basic_auth

BASE = "/v2-preview/reporting"
SCHEDULE = {"timezone": "Australia/Sydney", "cron_expression": "0 8 ? * MON *", "type": "cron"}
DETAIL = {"label": "Weekly", "schedule": SCHEDULE, "report": {"period": "LAST_WEEK"}}
SUMMARY = {
    "label": "Monthly totals",
    "schedule": SCHEDULE,
    "report": {"period": "LAST_MONTH", "timezone": "UTC", "group_by": ["DAY", "STATUS"]},
    "metadata": {"owner": "ops"},
}


@pytest.fixture
def schedule(client):
    """Schedule a report of `kind` as DemoAccount and return its ID."""

    def _schedule(kind: str, body: dict) -> str:
        response = client.post(f"{BASE}/{kind}/scheduled", json=body, headers=basic_auth())
        assert response.status_code == 201, response.json
        return response.json["scheduled_report_id"]

    return _schedule


def test_a_scheduled_report_is_kept_as_given(client, schedule):
    report_id = schedule("summary", SUMMARY)
    found = client.get(f"{BASE}/scheduled/{report_id}", headers=basic_auth())
    assert found.status_code == 200
    assert found.json == {
        "label": "Monthly totals",
        "schedule": SCHEDULE,
        "report": SUMMARY["report"],
        "scheduled_report_id": report_id,
        "message_type": "all",
        "report_type": "summary",
        "metadata": {"owner": "ops"},
    }


def test_scheduled_reports_are_listed_oldest_first_by_page(client, schedule):
    made = [schedule("detail", DETAIL) for _ in range(3)]
    first = client.get(f"{BASE}/scheduled?page_size=2", headers=basic_auth()).json
    assert [report["scheduled_report_id"] for report in first["data"]] == made[:2]
    rest = client.get(
        f"{BASE}/scheduled",
        query_string={"page_size": 2, "page_token": first["page_token"]},
        headers=basic_auth(),
    ).json
    assert [report["scheduled_report_id"] for report in rest["data"]] == made[2:]
    assert "page_token" not in rest and rest["page_size"] == 2


def test_a_scheduled_report_is_replaced_by_its_own_kind_only(client, schedule):
    report_id = schedule("detail", DETAIL)
    changed = {
        **DETAIL,
        "label": "Daily",
        "report": {"period": "YESTERDAY", "direction": "inbound"},
    }
    response = client.put(
        f"{BASE}/detail/scheduled/{report_id}", json=changed, headers=basic_auth()
    )
    assert response.status_code == 200
    assert response.json["label"] == "Daily" and response.json["message_type"] == "inbound"
    assert response.json["report_type"] == "detail"
    wrong_kind = {key: value for key, value in SUMMARY.items() if key != "metadata"}
    response = client.put(
        f"{BASE}/summary/scheduled/{report_id}", json=wrong_kind, headers=basic_auth()
    )
    assert response.status_code == 404


def test_a_deleted_scheduled_report_is_gone(client, schedule):
    report_id = schedule("detail", DETAIL)
    deleted = client.delete(f"{BASE}/scheduled/{report_id}", headers=basic_auth())
    assert deleted.status_code == 202
    assert client.get(f"{BASE}/scheduled/{report_id}", headers=basic_auth()).status_code == 404
    assert client.delete(f"{BASE}/scheduled/{report_id}", headers=basic_auth()).status_code == 404


def test_an_account_sees_only_its_own_scheduled_reports(client, schedule):
    report_id = schedule("detail", DETAIL)
    other = basic_auth(OTHER)
    assert client.get(f"{BASE}/scheduled", headers=other).json["data"] == []
    assert client.get(f"{BASE}/scheduled/{report_id}", headers=other).status_code == 404
    assert client.delete(f"{BASE}/scheduled/{report_id}", headers=other).status_code == 404
    response = client.put(f"{BASE}/detail/scheduled/{report_id}", json=DETAIL, headers=other)
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("kind", "body", "field"),
    [
        ("detail", {**DETAIL, "label": ""}, "label"),
        (
            "detail",
            {**DETAIL, "schedule": {**SCHEDULE, "cron_expression": "daily"}},
            "schedule.cron_expression",
        ),
        (
            "detail",
            {**DETAIL, "schedule": {**SCHEDULE, "timezone": "Moon/Base"}},
            "schedule.timezone",
        ),
        ("detail", {**DETAIL, "schedule": {**SCHEDULE, "type": "rate"}}, "schedule.type"),
        ("detail", {**DETAIL, "report": {"period": "SOMEDAY"}}, "report.period"),
        ("detail", {**DETAIL, "report": {}}, "report.period"),
        (
            "detail",
            {**DETAIL, "report": {"period": "TODAY", "metadata_value": "x"}},
            "report.metadata_key",
        ),
        (
            "detail",
            {**DETAIL, "report": {"period": "TODAY", "accounts": ["OtherAccount"]}},
            "report.accounts",
        ),
        ("summary", {**SUMMARY, "report": {"period": "TODAY"}}, "report.timezone"),
        ("summary", {**SUMMARY, "metadata": {"owner": 7}}, "metadata"),
    ],
)
def test_bad_scheduled_reports_are_400s_naming_the_field(client, kind, body, field):
    response = client.post(f"{BASE}/{kind}/scheduled", json=body, headers=basic_auth())
    assert response.status_code == 400
    assert any(detail.startswith(field) for detail in response.json["details"]), response.json


def test_a_bad_page_is_a_400_naming_the_field(client):
    for query, field in (("page_size=0", "page_size"), ("page_token=x", "page_token")):
        response = client.get(f"{BASE}/scheduled?{query}", headers=basic_auth())
        assert response.status_code == 400
        assert response.json["details"][0].startswith(f"{field}: ")
