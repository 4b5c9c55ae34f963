"""Hostile and careless input over a real server: always a 4xx JSON answer with a useful
message, the server still answering, nothing stored for a refused request; and odd text
that is accepted reads back identically everywhere."""

from __future__ import annotations

import base64
import json
import logging
import socket

import pytest
import requests

from tests.support import basic_auth, hmac_auth, list_messages, message, send_body

AUTH = basic_auth()
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def still_answering(http, emulator):
    """After the test: the server answers, and no refused request left a message behind."""
    yield
    assert http.get("/_emulator/health").status_code == 200
    assert http.get("/v1/delivery_reports", headers=AUTH).status_code == 200


def _refused(response: requests.Response, status: int = 400) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["message"]
    return body


def _raw_post(http, path: str, raw: bytes, headers: dict) -> requests.Response:
    return http.post(path, data=raw, headers={**JSON, **headers})


# 1. Stored, then unreadable: refused before storing, or read back identically.

LONE_SURROGATES = ['"\\udfff"', '"\\ud800"', '"a\\udc00b"', '"\\udbff\\u0041"']


@pytest.mark.parametrize("escaped", LONE_SURROGATES)
@pytest.mark.parametrize("where", ["content", "metadata", "metadata_key"])
def test_lone_surrogates_are_refused_before_anything_is_stored(
    http, emulator, still_answering, escaped, where
):
    if where == "content":
        fragment = f'"content": {escaped}'
    elif where == "metadata":
        fragment = f'"content": "hi", "metadata": {{"k": {escaped}}}'
    else:
        fragment = f'"content": "hi", "metadata": {{{escaped}: "v"}}'
    raw = f'{{"messages": [{{"destination_number": "+61491570156", {fragment}}}]}}'.encode()
    body = _refused(_raw_post(http, "/v1/messages", raw, AUTH))
    assert "surrogate" in body["details"][0]
    assert list_messages(emulator.store) == []


NUL_BODIES = {
    "content": '"content": "a\\u0000b"',
    "metadata": '"content": "hi", "metadata": {"k": "\\u0000"}',
    "metadata_key": '"content": "hi", "metadata": {"\\u0000": "v"}',
}
NUL_REFUSED = "The request body holds a NUL character (\\u0000), which is not accepted in text."


@pytest.mark.parametrize("where", NUL_BODIES)
def test_nul_is_refused_before_anything_is_stored_whatever_the_store(
    http, emulator, still_answering, where
):
    # PostgreSQL's text cannot hold NUL; SQLite's can, and answers alike.
    fragment = NUL_BODIES[where]
    raw = f'{{"messages": [{{"destination_number": "+61491570156", {fragment}}}]}}'.encode()
    assert _refused(_raw_post(http, "/v1/messages", raw, AUTH))["details"] == [NUL_REFUSED]
    reply = b'{"source_number": "+61491570156", "content": "a\\u0000b"}'
    assert _refused(_raw_post(http, "/_emulator/replies", reply, {}))["details"] == [NUL_REFUSED]
    assert list_messages(emulator.store) == []


@pytest.mark.parametrize(
    "query", ["/_emulator/messages?account=a%00b", "/_emulator/webhooks?%00=1", "/?q=%00"]
)
def test_nul_in_a_query_is_400_and_in_a_path_404_whatever_the_store(http, still_answering, query):
    assert _refused(http.get(query, headers=AUTH))["details"] == [
        "The query string holds a NUL character (%00), which is not accepted."
    ]
    _refused(http.get("/handsets/%00", headers=AUTH), 404)
    _refused(http.get("/v1/messages/%00", headers=AUTH), 404)


ODD_TEXTS = [
    "emoji 😀👍🏽 and a family 👨‍👩‍👧",
    "right-to-left \u202e mark and Hebrew שלום",
    "combining e\u0301 and a\u0308",
    "4-byte 𝄞 𠜎 characters",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
]


@pytest.mark.parametrize("text", ODD_TEXTS)
def test_odd_text_reads_back_identically_through_v1_and_the_control_plane(
    http, still_answering, text
):
    sent = http.post(
        "/v1/messages",
        json={"messages": [message(content=text, metadata={"note": text}, delivery_report=True)]},
        headers=AUTH,
    )
    assert sent.status_code == 202, sent.text
    message_id = sent.json()["messages"][0]["message_id"]

    got = http.get(f"/v1/messages/{message_id}", headers=AUTH).json()
    assert (got["content"], got["metadata"]) == (text, {"note": text})
    [inspected] = http.get("/_emulator/messages", params={"message_id": message_id}).json()[
        "messages"
    ]
    assert (inspected["content"], inspected["metadata"]) == (text, {"note": text})

    http.post("/_emulator/clock/advance", json={"seconds": 60})
    [report, *_] = http.get("/v1/delivery_reports", headers=AUTH).json()["delivery_reports"]
    assert (report["original_text"], report["metadata"]) == (text, {"note": text})


# 3. Would have been 500s: credentials, digests, tokens, attachments, depth, dates, limits.

NON_ASCII_AUTHORIZATIONS = [
    "Basic ZGVtb19hcGlfa2V5OmRlbW9fYXBpX3NlY3JldA==é",
    "Basic ñññ",
    'hmac username="demo_api_key", algorithm="hmac-sha1", headers="date request-line", '
    'signature="ü"',
    "Bearer ☃",
]


@pytest.mark.parametrize("authorization", NON_ASCII_AUTHORIZATIONS)
def test_non_ascii_credentials_are_403(http, still_answering, authorization):
    headers = {"Authorization": authorization.encode("utf-8").decode("latin-1")}
    _refused(http.get("/v1/delivery_reports", headers=headers), 403)


@pytest.mark.parametrize("header", ["Content-MD5", "X-Content-MD5"])
def test_non_ascii_md5_headers_are_403(http, emulator, still_answering, header):
    body = send_body(message())
    headers = hmac_auth("POST", "/v1/messages", body, md5_header=header)
    headers[header] = "ä".encode().decode("latin-1") * 16
    _refused(_raw_post(http, "/v1/messages", body, headers), 403)
    assert list_messages(emulator.store) == []


def test_non_ascii_admin_token_is_403(tmp_path):
    from emulator.app import create_app
    from emulator.settings import Settings

    app = create_app(Settings(db=str(tmp_path / "t.db"), admin_token="secret"))
    try:
        response = app.test_client().get(
            "/_emulator/messages", headers={"Authorization": "Bearer sécret"}
        )
        assert response.status_code == 403
    finally:
        app.extensions["mm_emulator"].close()


@pytest.mark.parametrize("content", ["aGVsbG8=é", "ÿÿÿÿ", "not base64!"])
def test_bad_attachment_content_is_400(http, still_answering, content):
    reply = {
        "source_number": "+61491570156",
        "destination_number": "+61491570157",
        "content": "photo",
        "attachments": [{"content_type": "image/png", "content": content}],
    }
    body = _refused(http.post("/_emulator/replies", json=reply))
    assert any("attachments" in detail for detail in body["details"])


@pytest.mark.parametrize("depth", [33, 1000, 10_000])
def test_deeply_nested_json_is_400(http, emulator, still_answering, depth):
    raw = ("[" * depth + "]" * depth).encode()
    body = _refused(_raw_post(http, "/v1/messages", raw, AUTH))
    assert "nests deeper" in body["details"][0]


@pytest.mark.parametrize(
    "moment",
    [
        "9999-12-31T23:59:59-14:00",
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59Z",
        "0001-01-01T00:00:00Z",
    ],
)
@pytest.mark.parametrize("field", ["scheduled", "message_expiry_timestamp"])
def test_dates_at_the_edge_of_time_are_400(http, emulator, still_answering, moment, field):
    body = _refused(
        http.post(
            "/v1/messages", data=send_body(message(**{field: moment})), headers={**AUTH, **JSON}
        )
    )
    assert body["details"] == [
        f"messages[0].{field}: Must be a date and time between the years 0001 and 9998 in UTC."
    ]
    assert list_messages(emulator.store) == []


def test_year_9998_with_social_sending_is_accepted(http, still_answering):
    http.patch("/_emulator/accounts/DemoAccount", json={"features": {"social_sending": True}})
    sent = http.post(
        "/v1/messages",
        json={"messages": [message(scheduled="9998-06-01T03:00:00Z")]},
        headers=AUTH,
    )
    assert sent.status_code == 202, sent.text
    assert sent.json()["messages"][0]["scheduled"] == "9998-06-01T03:00:00.000Z"


def test_years_below_1000_are_padded(http, still_answering):
    sent = http.post(
        "/v1/messages",
        json={"messages": [message(scheduled="0999-01-02T03:04:05Z")]},
        headers=AUTH,
    )
    assert sent.status_code == 202, sent.text
    assert sent.json()["messages"][0]["scheduled"] == "0999-01-02T03:04:05.000Z"


# 4. Accepted but wrong: numbers, media, error body size.


@pytest.mark.parametrize(
    "number", ["+61491570156\n", "+6１491570156", "+٦١٤٩١٥٧٠١٥٦", " +61491570156", "+61491570156 "]
)
def test_numbers_with_newlines_or_other_digits_are_400(http, emulator, still_answering, number):
    body = _refused(
        http.post(
            "/v1/messages", json={"messages": [message(destination_number=number)]}, headers=AUTH
        )
    )
    assert body["details"][0].startswith("messages[0].destination_number:")
    assert list_messages(emulator.store) == []


@pytest.mark.parametrize("source", ["DemoCo\n", "1234\n", "١٢٣٤"])
def test_source_numbers_with_newlines_or_other_digits_are_400(http, still_answering, source):
    body = _refused(
        http.post("/v1/messages", json={"messages": [message(source_number=source)]}, headers=AUTH)
    )
    assert body["details"][0].startswith("messages[0].source_number:")


def test_media_is_limited_to_ten_urls(http, still_answering):
    urls = [f"https://example.com/{n}.png" for n in range(11)]
    body = _refused(
        http.post(
            "/v1/messages", json={"messages": [message(format="MMS", media=urls)]}, headers=AUTH
        )
    )
    assert body["details"] == ["messages[0].media: At most 10 media URLs are allowed."]


def test_a_huge_invalid_request_gets_a_small_error_body(http, still_answering):
    bad = [{"content": 5, "destination_number": "x" * 1000, "metadata": {"k" * 300: 1}}] * 100
    response = http.post("/v1/messages", json={"messages": bad}, headers=AUTH)
    _refused(response)
    assert len(response.content) < 20_000
    assert response.json()["details"][-1].endswith("more problems.")


# 5. The control plane and other web sites.


def test_a_cross_site_form_cannot_reset(http, send, still_answering):
    send(message())
    form = http.post("/_emulator/reset", data="x=1", headers={"Content-Type": "text/plain"})
    _refused(form, 415)
    foreign = http.post("/_emulator/reset", json={}, headers={"Origin": "https://evil.example"})
    _refused(foreign, 403)
    assert len(http.get("/_emulator/messages").json()["messages"]) == 1


def test_a_foreign_host_name_is_refused_without_a_token(http, still_answering):
    body = _refused(http.get("/_emulator/messages", headers={"Host": "rebind.example:8080"}), 403)
    assert "rebind.example" in body["message"]
    assert http.get("/_emulator/messages", headers={"Host": "localhost:1"}).status_code == 200


# 6. Logs.


def test_a_newline_in_a_path_cannot_forge_a_log_line(http, caplog, still_answering):
    with caplog.at_level(logging.INFO, logger="emulator.requests"):
        http.get("/v1/x%0a2030-01-01 INFO forged: GET / 200", headers=AUTH)
    lines = [record.getMessage() for record in caplog.records]
    assert lines and all("\n" not in line for line in lines)


# 7. Edges.


@pytest.mark.parametrize("path", ["//v1/messages", "/v1//delivery_reports", "//_emulator/health"])
def test_double_slashes_are_a_json_404_not_a_redirect(http, still_answering, path):
    response = http.get(path, headers={**AUTH, "Host": "localhost"}, allow_redirects=False)
    _refused(response, 404)
    assert "Location" not in response.headers


def test_raw_garbage_on_the_socket_leaves_the_server_answering(server, http, still_answering):
    for garbage in (b"\x00\xff" * 100 + b"\r\n\r\n", b"GET / HTTP/1.1\r\nHost: \xff\r\n\r\n"):
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as connection:
            connection.sendall(garbage)
            connection.recv(1024)


def test_base64_detail_is_json(http, still_answering):
    token = base64.b64encode(b"\xff\xfe:\xff").decode()
    _refused(http.get("/v1/replies", headers={"Authorization": f"Basic {token}"}), 403)
    assert json.loads(http.get("/_emulator/health").text) == {"status": "ok"}
