"""Every answer of the Reporting API and the link-tracking logs is valid against the official
spec's schema for it (the excerpt kept in tests/spec/), but for the one contradiction
docs/choices.md states: MessageDirection is declared an object while it holds strings."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from emulator.app import openapi_document
from tests.spec import read_spec
from tests.spec.extract_excerpt import excerpt
from tests.spec.extract_reporting_excerpt import REPORTING_EXCERPT, REPORTING_PATHS
from tests.support import basic_auth, message

WINDOW = {"start_date": "2000-01-01T00:00:00Z", "end_date": "2100-01-01T00:00:00Z"}
ASYNC = "/v2-preview/reporting/messages/async"
SCHEDULE = {"timezone": "UTC", "cron_expression": "0 0 * * ? *", "type": "cron"}
OFFICIAL = read_spec(REPORTING_EXCERPT)


def _as_validated() -> dict:
    """The excerpt with MessageDirection as what every example holds: a string."""
    spec = read_spec(REPORTING_EXCERPT)
    direction = spec["components"]["schemas"]["MessageDirection"]
    assert direction["type"] == "object" and direction["enum"] == ["inbound", "outbound", "all"]
    direction["type"] = "string"
    return spec


SPEC = _as_validated()
_SPEC_URI = "urn:messagemedia-openapi-reporting"
_REGISTRY = Registry().with_resource(_SPEC_URI, Resource.from_contents(SPEC, DRAFT4))


def assert_valid(operation_id: str, response) -> None:
    """The answer has a status the operation lists, and a body its schema accepts."""
    operation = next(
        operation
        for item in SPEC["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and operation.get("operationId") == operation_id
    )
    answer = operation["responses"].get(str(response.status_code))
    assert answer is not None, f"{operation_id} does not list {response.status_code}"
    content = answer.get("content", {}).get("application/json")
    if content is not None:
        # Refs in the spec's components resolve against the spec they are in.
        schema = {"$ref": _SPEC_URI + content["schema"]["$ref"]}
        OAS30Validator(schema, registry=_REGISTRY).validate(response.json)


@pytest.fixture
def traffic(client, send):
    """Messages with metadata and links, delivered, and a reply."""
    send(
        message(content="Order at https://example.com/o/1", metadata={"campaign": "spring"}),
        message(destination_number="+61491570157"),
    )
    client.post("/_emulator/clock/advance", json={"seconds": 30})
    client.post("/_emulator/replies", json={"source_number": "+61491570156", "content": "STOP"})


def test_the_reporting_excerpt_is_valid_and_self_contained():
    validate(OFFICIAL)
    assert excerpt(OFFICIAL, REPORTING_PATHS) == OFFICIAL


def test_every_reporting_operation_of_the_spec_is_served_under_its_id():
    ours = {
        operation["operationId"]: path
        for path, item in openapi_document()["paths"].items()
        for operation in item.values()
        if isinstance(operation, dict)
    }
    theirs = {
        operation["operationId"]: path
        for path, item in OFFICIAL["paths"].items()
        for operation in item.values()
        if isinstance(operation, dict)
    }
    assert {name: ours.get(name) for name in theirs} == theirs


def test_the_synchronous_reports_match_the_spec(client, traffic):
    post = lambda path, body: client.post(path, json=body, headers=basic_auth())  # noqa: E731
    grouped = {**WINDOW, "timezone": "UTC", "group_by": ["DAY", "METADATA_KEY"]}
    for operation_id, path, body in (
        ("PostDetailReport", "detail", WINDOW),
        ("PostInsightReport", "insights", grouped),
        ("PostMetadataKeys", "metakeys", WINDOW),
        ("GetAsyncDetailFields", "async/detail/fields", WINDOW),
    ):
        response = post(f"/v2-preview/reporting/messages/{path}", body)
        assert response.status_code == 200, response.json
        assert_valid(operation_id, response)


def test_the_async_reports_match_the_spec(client, traffic):
    detail = client.post(f"{ASYNC}/detail", json=WINDOW, headers=basic_auth())
    summary = client.post(
        f"{ASYNC}/summary", json={**WINDOW, "group_by": ["STATUS"]}, headers=basic_auth()
    )
    assert_valid("PostAsyncDetailReport", detail)
    assert_valid("PostAsyncSummaryReport", summary)
    report_id = detail.json["report_id"]
    client.post("/_emulator/clock/advance", json={"seconds": 5})
    status = client.get(f"{ASYNC}/status?report_id={report_id}", headers=basic_auth())
    history = client.get(f"{ASYNC}/reports?page_size=1", headers=basic_auth())
    url = client.get(f"{ASYNC}/reports/{report_id}/download-url", headers=basic_auth())
    assert "next_page_token" in history.json
    for operation_id, response in (
        ("GetAsyncDetailStatus", status),
        ("GetAsyncReportHistory", history),
        ("GetAsyncReportDownloadUrl", url),
    ):
        assert response.status_code == 200, response.json
        assert_valid(operation_id, response)
    missing = client.get(f"{ASYNC}/reports/{'0' * 36}/download-url", headers=basic_auth())
    assert_valid("GetAsyncReportDownloadUrl", missing)
    file = urlsplit(url.json["download_url"])
    assert client.get(f"{file.path}?{file.query}").status_code == 200


def test_the_scheduled_reports_match_the_spec(client):
    detail_body = {"label": "Weekly", "schedule": SCHEDULE, "report": {"period": "LAST_WEEK"}}
    summary_body = {
        "label": "Totals",
        "schedule": SCHEDULE,
        "report": {"period": "TODAY", "timezone": "UTC", "group_by": ["DAY"]},
        "metadata": {"owner": "ops"},
    }
    base = "/v2-preview/reporting"
    detail = client.post(f"{base}/detail/scheduled", json=detail_body, headers=basic_auth())
    summary = client.post(f"{base}/summary/scheduled", json=summary_body, headers=basic_auth())
    assert_valid("detailscheduledreport", detail)
    assert_valid("summaryscheduledreport", summary)
    detail_id, summary_id = detail.json["scheduled_report_id"], summary.json["scheduled_report_id"]
    update = {key: value for key, value in summary_body.items() if key != "metadata"}
    answers = (
        ("GetActiveReport", client.get(f"{base}/scheduled", headers=basic_auth())),
        ("GetScheduledReport", client.get(f"{base}/scheduled/{detail_id}", headers=basic_auth())),
        (
            "updatedetailscheduledreport",
            client.put(
                f"{base}/detail/scheduled/{detail_id}", json=detail_body, headers=basic_auth()
            ),
        ),
        (
            "updatesummaryscheduledreport",
            client.put(f"{base}/summary/scheduled/{summary_id}", json=update, headers=basic_auth()),
        ),
        (
            "DeleteScheduledReport",
            client.delete(f"{base}/scheduled/{detail_id}", headers=basic_auth()),
        ),
        ("GetScheduledReport", client.get(f"{base}/scheduled/{detail_id}", headers=basic_auth())),
    )
    assert [response.status_code for _, response in answers] == [200, 200, 200, 200, 202, 404]
    for operation_id, response in answers:
        assert_valid(operation_id, response)


def test_the_link_logs_match_the_spec(client, traffic):
    summary = client.get("/v1/reporting/links/summary", headers=basic_auth())
    assert_valid("LogSummary", summary)
    code = summary.json["short_urls"][0]["short_url"].rsplit("/", 1)[1]
    detail = client.get(f"/v1/reporting/links/detail?hash={code}", headers=basic_auth())
    assert detail.status_code == 200
    assert_valid("LogDetail", detail)
    assert_valid("LogDetail", client.get("/v1/reporting/links/detail?hash=x", headers=basic_auth()))
