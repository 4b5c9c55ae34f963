"""Asynchronous reports: asked for, REQUESTED then RUNNING then DONE on the emulator's clock,
listed in the account's history, and downloaded as CSV from a URL that needs no credentials and
works for an hour."""

from __future__ import annotations

import csv
import io
from urllib.parse import urlsplit

import pytest

from tests.support import OTHER, basic_auth, message

ASYNC = "/v2-preview/reporting/messages/async"
WINDOW = {"start_date": "2000-01-01T00:00:00Z", "end_date": "2100-01-01T00:00:00Z"}


@pytest.fixture
def advance(client):
    def _advance(seconds: float) -> None:
        response = client.post("/_emulator/clock/advance", json={"seconds": seconds})
        assert response.status_code == 200, response.json

    return _advance


@pytest.fixture
def ask(client):
    """Ask for a report as DemoAccount and return its ID."""

    def _ask(kind: str, **fields) -> str:
        response = client.post(f"{ASYNC}/{kind}", json={**WINDOW, **fields}, headers=basic_auth())
        assert response.status_code == 202, response.json
        return response.json["report_id"]

    return _ask


@pytest.fixture
def sent(send, advance) -> list[str]:
    """Two delivered messages of DemoAccount."""
    echoes = send(
        message(metadata={"campaign": "spring"}),
        message(destination_number="+61491570157", content="Hi, there"),
    )
    advance(30)
    return [echo["message_id"] for echo in echoes]


def status_of(client, report_id: str, credentials=None) -> str:
    response = client.get(
        f"{ASYNC}/status",
        query_string={"report_id": report_id},
        headers=credentials or basic_auth(),
    )
    assert response.status_code == 200, response.json
    return response.json["report_status"]


def download(client, report_id: str):
    """The report's file, from the URL its download-url answer gives, without credentials."""
    answer = client.get(f"{ASYNC}/reports/{report_id}/download-url", headers=basic_auth())
    assert answer.status_code == 200, answer.json
    url = urlsplit(answer.json["download_url"])
    return answer.json, client.get(f"{url.path}?{url.query}")


def rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.text)))


def test_a_report_is_done_a_few_seconds_later_on_the_clock(client, ask, advance, sent):
    report_id = ask("detail")
    assert status_of(client, report_id) == "REQUESTED"
    not_yet = client.get(f"{ASYNC}/reports/{report_id}/download-url", headers=basic_auth())
    assert not_yet.status_code == 404
    advance(1)
    assert status_of(client, report_id) == "RUNNING"
    advance(4)
    assert status_of(client, report_id) == "DONE"


def test_a_detail_report_downloads_as_csv(client, ask, advance, sent):
    report_id = ask("detail")
    advance(5)
    answer, file = download(client, report_id)
    found = rows(file)
    assert [row["message_id"] for row in found] == sent
    assert found[1]["content"] == "Hi, there" and found[1]["status"] == "delivered"
    assert answer["file_name"] == f"report-{report_id}.csv"
    assert answer["file_size"] == len(file.data) and answer["expires_in_seconds"] == 3600
    assert file.headers["Content-Disposition"] == f'attachment; filename="{answer["file_name"]}"'


def test_a_detail_report_has_the_fields_asked_for_with_their_names(client, ask, advance, sent):
    fields = [
        {"name": "message_id", "display_name": "ID"},
        {"name": "campaign", "display_name": "Campaign"},
    ]
    report_id = ask("detail", fields=fields)
    advance(5)
    found = rows(download(client, report_id)[1])
    assert found == [
        {"ID": sent[0], "Campaign": "spring"},
        {"ID": sent[1], "Campaign": ""},
    ]


def test_the_fields_a_detail_report_may_have_include_metadata_keys(client, sent):
    response = client.post(f"{ASYNC}/detail/fields", json=WINDOW, headers=basic_auth())
    names = response.json["fields"]
    assert names[0] == "message_id" and names[-1] == "campaign" and "content" in names
    asked = [{"name": "colour", "display_name": "Colour"}]
    refused = client.post(f"{ASYNC}/detail", json={**WINDOW, "fields": asked}, headers=basic_auth())
    assert refused.status_code == 400
    assert refused.json["details"] == [
        "fields[0].name: colour is not a field of the detail report."
    ]


def test_a_summary_report_has_a_row_per_group_and_the_totals(client, ask, advance, sent):
    report_id = ask("summary", group_by=["ACCOUNT"], timezone="UTC")
    advance(5)
    found = rows(download(client, report_id)[1])
    assert [(row["group"], row["total_sent"]) for row in found] == [
        ("DemoAccount", "2"),
        ("TOTAL", "2"),
    ]


def test_a_download_url_needs_its_signature_and_lasts_an_hour(client, ask, advance, sent):
    report_id = ask("detail")
    advance(5)
    answer, _ = download(client, report_id)
    url = urlsplit(answer["download_url"])
    forged = url.query.replace("signature=", "signature=0")
    assert client.get(f"{url.path}?{forged}").status_code == 403
    advance(3601)
    expired = client.get(f"{url.path}?{url.query}")
    assert expired.status_code == 403 and expired.json == {"message": "Request has expired"}


def test_the_history_lists_the_accounts_reports_newest_first(client, ask, advance):
    first = ask("detail", report_name="Spring campaign")
    advance(10)
    second = ask("summary")
    history = client.get(f"{ASYNC}/reports", headers=basic_auth()).json["items"]
    assert [item["report_id"] for item in history] == [second, first]
    assert [item["status"] for item in history] == ["REQUESTED", "DONE"]
    assert history[1]["report_name"] == "Spring campaign"
    assert (history[0]["report_type"], history[0]["direction"]) == ("SUMMARY", "ALL")
    done = client.get(f"{ASYNC}/reports?status=DONE&status=FAILED", headers=basic_auth())
    assert [item["report_id"] for item in done.json["items"]] == [first]
    named = client.get(f"{ASYNC}/reports?report_name=spring", headers=basic_auth())
    assert [item["report_id"] for item in named.json["items"]] == [first]


def test_the_history_pages_by_token(client, ask):
    made = [ask("detail") for _ in range(3)]
    first = client.get(
        f"{ASYNC}/reports?page_size=2&sort_direction=ASCENDING", headers=basic_auth()
    )
    token = first.json["next_page_token"]
    rest = client.get(
        f"{ASYNC}/reports",
        query_string={"page_size": 2, "sort_direction": "ASCENDING", "page_token": token},
        headers=basic_auth(),
    )
    found = [item["report_id"] for item in first.json["items"] + rest.json["items"]]
    assert found == made and "next_page_token" not in rest.json


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page_size=0", "page_size"),
        ("page_size=many", "page_size"),
        ("page_token=nonsense", "page_token"),
        ("status=LOST", "status[0]"),
        ("sort_direction=UP", "sort_direction"),
        ("start_date=yesterday", "start_date"),
    ],
)
def test_bad_history_queries_are_400s_naming_the_field(client, query, field):
    response = client.get(f"{ASYNC}/reports?{query}", headers=basic_auth())
    assert response.status_code == 400
    assert response.json["details"][0].startswith(f"{field}: "), response.json


def test_an_account_sees_only_its_own_reports(client, ask, advance):
    report_id = ask("detail")
    advance(5)
    other = basic_auth(OTHER)
    assert client.get(f"{ASYNC}/reports", headers=other).json == {"items": []}
    unknown = client.get(f"{ASYNC}/status", query_string={"report_id": report_id}, headers=other)
    assert unknown.status_code == 404
    url = client.get(f"{ASYNC}/reports/{report_id}/download-url", headers=other)
    assert url.status_code == 404


def test_a_reset_forgets_the_reports(client, ask):
    report_id = ask("detail")
    assert client.post("/_emulator/reset").status_code == 200
    assert client.get(f"{ASYNC}/reports", headers=basic_auth()).json == {"items": []}
    assert (
        client.get(f"{ASYNC}/status?report_id={report_id}", headers=basic_auth()).status_code == 404
    )
