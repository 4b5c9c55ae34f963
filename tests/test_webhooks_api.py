"""The Webhooks Management API: create, list, update and delete, each validation rule, duplicates,
unknown IDs, and isolation between accounts."""

from __future__ import annotations

import json
import uuid

import pytest

from tests.support import OTHER, basic_auth, hmac_auth

AUTH = basic_auth()
WEBHOOK = {
    "url": "https://example.com/hooks/mm",
    "method": "POST",
    "encoding": "JSON",
    "headers": {"Account": "DeveloperPortal7000"},
    "events": ["ENROUTE_DR", "DELIVERED_DR"],
    "template": '{"id":"$mtId","status":"$statusCode"}',
}
# A well-formed ID no webhook has; a fixed one, so that every pytest-xdist worker collects the
# same test IDs.
UNKNOWN_ID = "5e2d7c1a-9b4f-4a3e-8d6c-0f1e2a3b4c5d"


@pytest.fixture
def create(client):
    def _create(headers=None, **fields) -> dict:
        response = client.post(
            "/v1/webhooks/messages", json={**WEBHOOK, **fields}, headers=headers or AUTH
        )
        assert response.status_code == 201, response.json
        return response.json

    return _create


def listed(client, headers=None, query="") -> dict:
    response = client.get(f"/v1/webhooks/messages/{query}", headers=headers or AUTH)
    assert response.status_code == 200, response.json
    return response.json


def test_create_answers_201_with_the_webhook_and_its_defaults(client, create):
    created = create()

    assert list(created) == [
        "url",
        "method",
        "id",
        "encoding",
        "events",
        "headers",
        "template",
        "read_timeout",
        "retries",
        "retry_delay",
    ]
    assert uuid.UUID(created["id"]).version == 4
    assert {name: created[name] for name in WEBHOOK} == WEBHOOK
    assert (created["read_timeout"], created["retries"], created["retry_delay"]) == (20000, 3, 30)


def test_create_keeps_its_own_retry_settings_and_takes_no_headers(client, create):
    created = create(headers=None, read_timeout=5000, retries=0, retry_delay=5)
    assert (created["read_timeout"], created["retries"], created["retry_delay"]) == (5000, 0, 5)
    without = {name: value for name, value in WEBHOOK.items() if name != "headers"}
    response = client.post("/v1/webhooks/messages", json={**without, "url": "http://x.test/"})
    assert response.status_code == 403
    response = client.post(
        "/v1/webhooks/messages", json={**without, "url": "http://x.test/"}, headers=AUTH
    )
    assert response.status_code == 201 and response.json["headers"] == {}


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        ({"url": None}, "url: Field may not be null."),
        ({"url": "webhook.com"}, "url: Not a valid URL."),
        ({"url": "ftp://example.com/"}, "url: Not a valid URL."),
        ({"url": "https://example.com/" + "a" * 2048}, "url: Longer than maximum length 2048."),
        ({"method": None}, "method: Field may not be null."),
        ({"method": "post"}, "method: Must be one of: POST, PUT, PATCH, GET, DELETE."),
        ({"encoding": None}, "encoding: Field may not be null."),
        ({"encoding": "YAML"}, "encoding: Must be one of: JSON, FORM_ENCODED, XML."),
        ({"events": None}, "events: Field may not be null."),
        ({"events": []}, "events: At least one event is required."),
        ({"events": ["SENT_SMS"]}, "events[0]: Must be one of: RECEIVED_SMS, OPT_OUT_SMS,"),
        ({"events": ["ENROUTE_DR", "ENROUTE_DR"]}, "events: Listed more than once: ENROUTE_DR."),
        ({"events": "ENROUTE_DR"}, "events: Not a valid list."),
        ({"template": None}, "template: Field may not be null."),
        ({"template": 7}, "template: Not a valid string."),
        ({"template": "#if( $mtId"}, "template: Not a valid Velocity template: line 1"),
        ({"template": "x" * 20001}, "template: Longer than maximum length 20000."),
        ({"headers": {"Content-Type": "text/plain"}}, "headers: Content-Type may not be set"),
        ({"headers": {"content-type": "text/plain"}}, "headers: Content-Type may not be set"),
        ({"headers": {"Bad Name": "x"}}, "headers: 'Bad Name' is not a header name."),
        ({"headers": {"X-A": "line\r\nInjected: 1"}}, "headers: The value of X-A must be"),
        ({"headers": {"X-A": 1}}, 'headers["X-A"].value: Not a valid string.'),
        ({"headers": {f"X-{n}": "v" for n in range(21)}}, "headers: At most 20 headers"),
        ({"read_timeout": 0}, "read_timeout: Must be greater than or equal to 1"),
        ({"read_timeout": 60001}, "read_timeout: Must be greater than or equal to 1 and less"),
        ({"read_timeout": "5000"}, "read_timeout: Not a valid integer."),
        ({"retries": -1}, "retries: Must be greater than or equal to 0"),
        ({"retries": 11}, "retries: Must be greater than or equal to 0 and less than or"),
        ({"retries": True}, "retries: Not a valid integer."),
        ({"retry_delay": 4}, "retry_delay: Must be greater than or equal to 5"),
        ({"retry_delay": 61}, "retry_delay: Must be greater than or equal to 5 and less"),
        ({"retry_delay": 30.5}, "retry_delay: Not a valid integer."),
        ({"id": "8805c9d8-bef7-41c7-906a-69ede93aa024"}, "id: Unknown field."),
    ],
)
def test_create_refuses_each_invalid_field_with_a_detail(client, change, detail):
    response = client.post("/v1/webhooks/messages", json={**WEBHOOK, **change}, headers=AUTH)
    assert response.status_code == 400
    assert response.json["message"] == "Invalid request. Please check the details and try again."
    assert any(line.startswith(detail) for line in response.json["details"]), response.json


def test_create_needs_every_required_field(client):
    response = client.post("/v1/webhooks/messages", json={}, headers=AUTH)
    assert response.status_code == 400
    assert response.json["details"] == [
        f"{name}: Missing data for required field."
        for name in ("url", "method", "encoding", "events", "template")
    ]


def test_a_second_webhook_with_the_same_url_and_method_is_409(client, create):
    create()
    response = client.post("/v1/webhooks/messages", json=WEBHOOK, headers=AUTH)
    assert response.status_code == 409
    assert response.json == {"message": "A webhook with the given url and method already exists."}
    assert create(method="PUT")["method"] == "PUT"
    assert create(headers=basic_auth(OTHER))["url"] == WEBHOOK["url"]


def test_list_pages_from_zero_in_creation_order(client, create):
    ids = [create(url=f"https://example.com/{n}")["id"] for n in range(5)]

    page = listed(client)
    assert (page["page"], page["pageSize"]) == (0, 100)
    assert [hook["id"] for hook in page["pageData"]] == ids
    assert page["pageData"][0] == {**WEBHOOK, "url": "https://example.com/0"} | {
        "id": ids[0],
        "read_timeout": 20000,
        "retries": 3,
        "retry_delay": 30,
    }
    second = listed(client, query="?page=1&pageSize=2")
    assert (second["page"], second["pageSize"]) == (1, 2)
    assert [hook["id"] for hook in second["pageData"]] == ids[2:4]
    assert [h["id"] for h in listed(client, query="?page=2&page_size=2")["pageData"]] == ids[4:]
    assert listed(client, query="?page=9")["pageData"] == []
    assert client.get("/v1/webhooks/messages", headers=AUTH).json == page


@pytest.mark.parametrize(
    "query",
    ["page=-1", "page=x", "pageSize=0", "pageSize=101", "page_size=0", "pageSize=2&page_size=2"],
)
def test_an_invalid_page_or_page_size_is_400(client, query):
    response = client.get(f"/v1/webhooks/messages/?{query}", headers=AUTH)
    assert response.status_code == 400
    assert response.json["details"]


def test_update_changes_only_what_is_given_and_not_null(client, create):
    created = create()
    path = f"/v1/webhooks/messages/{created['id']}"

    # What the official SDK sends when only the method and events are given.
    body = {"url": None, "method": "PUT", "encoding": None, "events": ["FAILED_DR"]}
    response = client.patch(path, json={**body, "template": None}, headers=AUTH)

    assert response.status_code == 200
    assert response.json == {**created, "method": "PUT", "events": ["FAILED_DR"]}
    assert listed(client)["pageData"] == [response.json]
    more = {"headers": {}, "retries": 1, "retry_delay": 60, "read_timeout": 1, "encoding": "XML"}
    assert client.patch(path, json=more, headers=AUTH).json == {**response.json, **more}
    assert client.patch(path, json={}, headers=AUTH).json == {**response.json, **more}


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        ({"events": []}, "events: At least one event is required."),
        ({"template": "#foreach($a in $b)"}, "template: Not a valid Velocity template"),
        ({"headers": {"Content-Type": "a/b"}}, "headers: Content-Type may not be set"),
        ({"retry_delay": 1}, "retry_delay: Must be greater than or equal to 5"),
        ({"id": "x"}, "id: Unknown field."),
    ],
)
def test_update_refuses_invalid_fields(client, create, change, detail):
    path = f"/v1/webhooks/messages/{create()['id']}"
    response = client.patch(path, json=change, headers=AUTH)
    assert response.status_code == 400
    assert any(line.startswith(detail) for line in response.json["details"]), response.json


def test_update_onto_another_webhooks_url_and_method_is_409(client, create):
    create()
    other = create(url="https://example.com/other")
    response = client.patch(
        f"/v1/webhooks/messages/{other['id']}", json={"url": WEBHOOK["url"]}, headers=AUTH
    )
    assert response.status_code == 409
    assert (
        client.patch(
            f"/v1/webhooks/messages/{other['id']}", json={"url": other["url"]}, headers=AUTH
        ).json
        == other
    )


@pytest.mark.parametrize("webhook_id", [UNKNOWN_ID, "not-a-uuid"])
def test_unknown_webhooks_are_404(client, webhook_id):
    path = f"/v1/webhooks/messages/{webhook_id}"
    for response in (
        client.get(path, headers=AUTH),
        client.patch(path, json={"method": "GET"}, headers=AUTH),
        client.delete(path, headers=AUTH),
    ):
        assert response.status_code == 404
        assert response.json == {"message": "Resource not found"}


def test_get_by_id_answers_the_webhook_as_listed_until_it_is_deleted(client, create):
    created = create()
    create(url="https://example.com/hooks/other")
    path = f"/v1/webhooks/messages/{created['id']}"

    response = client.get(path, headers=AUTH)
    assert response.status_code == 200
    assert response.json == created == listed(client)["pageData"][0]
    assert list(response.json) == list(created)
    changed = client.patch(path, json={"retries": 5}, headers=AUTH).json
    upper_case = f"/v1/webhooks/messages/{created['id'].upper()}"
    assert client.get(upper_case, headers=AUTH).json == changed
    client.delete(path, headers=AUTH)
    assert client.get(path, headers=AUTH).status_code == 404


def test_delete_answers_204_and_the_webhook_is_gone(client, create):
    created = create()
    path = f"/v1/webhooks/messages/{created['id']}"
    response = client.delete(path, headers=AUTH)
    assert (response.status_code, response.data) == (204, b"")
    assert listed(client)["pageData"] == []
    assert client.delete(path, headers=AUTH).status_code == 404


@pytest.mark.parametrize(
    "foreign",
    [basic_auth(OTHER), basic_auth(account="DemoSubAccount1")],
    ids=["other-account", "sub-account"],
)
def test_each_account_sees_and_changes_only_its_own_webhooks(client, create, foreign):
    created = create()
    path = f"/v1/webhooks/messages/{created['id']}"

    assert listed(client, foreign)["pageData"] == []
    assert client.get(path, headers=foreign).json == {"message": "Resource not found"}
    assert client.patch(path, json={"method": "GET"}, headers=foreign).status_code == 404
    assert client.delete(path, headers=foreign).status_code == 404
    own = create(headers=foreign)
    assert listed(client, foreign)["pageData"] == [own]
    assert listed(client)["pageData"] == [created]


def test_hmac_signed_requests_work_like_basic_ones(client):
    body = json.dumps(WEBHOOK).encode()
    headers = {
        **hmac_auth("POST", "/v1/webhooks/messages", body, algorithm="hmac-sha256"),
        "Content-Type": "application/json",
    }
    created = client.post("/v1/webhooks/messages", data=body, headers=headers)
    assert created.status_code == 201
    target = "/v1/webhooks/messages/?page=0&pageSize=10"
    assert client.get(target, headers=hmac_auth("GET", target)).json["pageData"] == [created.json]


def test_every_route_needs_credentials(client):
    for method, path in (
        ("post", "/v1/webhooks/messages"),
        ("get", "/v1/webhooks/messages/"),
        ("patch", f"/v1/webhooks/messages/{uuid.uuid4()}"),
        ("delete", f"/v1/webhooks/messages/{uuid.uuid4()}"),
    ):
        response = getattr(client, method)(path, json=WEBHOOK)
        assert response.status_code == 403
        assert response.json == {"message": "Invalid authentication credentials"}


def test_reset_forgets_webhooks(client, create):
    create()
    client.post("/_emulator/reset")
    assert listed(client)["pageData"] == []


@pytest.mark.parametrize(
    "nulls",
    [
        {"headers": None},
        {"read_timeout": None, "retries": None, "retry_delay": None},
        {"headers": None, "read_timeout": None, "retries": None, "retry_delay": None},
    ],
)
def test_create_takes_a_null_optional_field_as_left_out(client, nulls):
    def created(body: dict) -> dict:
        response = client.post("/v1/webhooks/messages", json=body, headers=AUTH)
        assert response.status_code == 201, response.json
        return {name: value for name, value in response.json.items() if name not in ("id", "url")}

    left_out = {name: value for name, value in WEBHOOK.items() if name not in nulls}
    with_nulls = created({**left_out, **nulls})

    assert with_nulls == created({**left_out, "url": "http://x.test/"})
    assert (with_nulls["read_timeout"], with_nulls["retries"]) == (20000, 3)
    assert with_nulls["headers"] == ({} if "headers" in nulls else WEBHOOK["headers"])


def test_update_with_a_null_retry_setting_keeps_the_one_set(client, create):
    created = create(read_timeout=5000, retries=0, retry_delay=5)
    path = f"/v1/webhooks/messages/{created['id']}"
    nulls = {"read_timeout": None, "retries": None, "retry_delay": None, "headers": None}

    response = client.patch(path, json={**nulls, "retries": 2}, headers=AUTH)

    assert response.status_code == 200, response.json
    assert response.json == {**created, "retries": 2}
