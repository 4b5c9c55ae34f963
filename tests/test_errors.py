"""Every error is JSON with a message: parse errors, 404, 405, 413, 415 and 500."""

from __future__ import annotations

import json

import pytest

from emulator.app import create_app
from emulator.settings import Settings
from emulator.store import messages as stored_messages
from tests.support import basic_auth, list_messages, message

AUTH = basic_auth()
PARSE_FAILURE = "Request failed to parse correctly. Please ensure input is valid and try again."


@pytest.mark.parametrize(
    "raw", [b"{", b"not json", b'{"messages": [}', b'{"messages": NaN}', b"", b"\xff\xfe{}"]
)
def test_unparseable_bodies_are_400_with_details(http, emulator, raw):
    headers = {**AUTH, "Content-Type": "application/json"}
    response = http.post("/v1/messages", data=raw, headers=headers)
    assert response.status_code == 400
    assert response.json()["message"] == PARSE_FAILURE
    assert len(response.json()["details"]) == 1
    assert list_messages(emulator.store) == []


def test_non_utf8_body_is_named(client):
    body = b'{"messages": [{"content": "caf\xe9", "destination_number": "+61491570156"}]}'
    response = client.post(
        "/v1/messages", data=body, headers={**AUTH, "Content-Type": "application/json"}
    )
    assert response.json["details"] == ["The request body is not valid UTF-8."]


@pytest.mark.parametrize("body", [[], "text", 5, None])
def test_non_object_bodies_are_400(client, body):
    headers = {**AUTH, "Content-Type": "application/json"}
    response = client.post("/v1/messages", data=json.dumps(body), headers=headers)
    assert response.status_code == 400
    assert response.json["details"] == ["The request body must be a JSON object."]


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_non_json_content_type_is_415(http, content_type):
    headers = dict(AUTH)
    if content_type:
        headers["Content-Type"] = content_type
    response = http.post("/v1/messages", data=b'{"messages": []}', headers=headers)
    assert response.status_code == 415
    assert "application/json" in response.json()["message"]


def test_json_with_charset_is_accepted(http):
    body = b'{"messages": [{"content": "hi", "destination_number": "+61491570156"}]}'
    headers = {**AUTH, "Content-Type": "application/json; charset=utf-8"}
    assert http.post("/v1/messages", data=body, headers=headers).status_code == 202


def test_unknown_routes_are_json_404(http):
    for path in ("/v2/messages", "/v1/nothing", "/_emulator/nothing"):
        response = http.get(path, headers=AUTH)
        assert response.status_code == 404
        assert response.json() == {"message": "Resource not found"}


def test_wrong_method_is_json_405_with_allow(http):
    response = http.delete("/v1/messages", headers=AUTH)
    assert response.status_code == 405
    assert response.json() == {"message": "Method not allowed"}
    assert "POST" in response.headers["Allow"]


def test_body_over_the_limit_is_413():
    app = create_app(Settings(db=":memory:", max_body_bytes=1000))
    client = app.test_client()
    small = {"messages": [message()]}
    assert client.post("/v1/messages", json=small, headers=AUTH).status_code == 202
    big = {"messages": [message(content="x" * 1000)]}
    response = client.post("/v1/messages", json=big, headers=AUTH)
    assert response.status_code == 413
    assert response.json == {
        "message": "Request body too large",
        "details": ["The body must be at most 1000 bytes."],
    }


def test_default_limit_is_five_megabytes(http):
    body = b'{"messages": [' + b" " * (5 * 1024 * 1024) + b"]}"
    headers = {**AUTH, "Content-Type": "application/json"}
    response = http.post("/v1/messages", data=body, headers=headers)
    assert response.status_code == 413


def test_unexpected_errors_are_json_500_without_traceback(app, http, emulator, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(stored_messages, "insert", explode)
    response = http.post("/v1/messages", json={"messages": [message()]}, headers=AUTH)
    assert response.status_code == 500
    assert response.json() == {"message": "Internal server error"}
    assert "secret" not in response.text and "Traceback" not in response.text
