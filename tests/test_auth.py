"""Basic and HMAC authentication and the Account header, over a real HTTP server."""

from __future__ import annotations

import base64
import time
from email.utils import formatdate

import pytest

from emulator.app import create_app
from emulator.settings import Settings
from tests.support import (
    DEMO,
    OTHER,
    Credentials,
    basic_auth,
    hmac_auth,
    list_messages,
    message,
    send_body,
)

FORBIDDEN = {"message": "Invalid authentication credentials"}
JSON = {"Content-Type": "application/json"}


def post_signed(http, body: bytes, **signing):
    headers = {**JSON, **hmac_auth("POST", "/v1/messages", body, **signing)}
    return http.post("/v1/messages", data=body, headers=headers)


def test_basic_auth_sends_as_the_key_account(http, emulator):
    response = http.post("/v1/messages", json={"messages": [message()]}, headers=basic_auth())
    assert response.status_code == 202
    [stored] = list_messages(emulator.store)
    assert stored["account_id"] == "DemoAccount"


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Basic",
        "Basic not-base64!!",
        "Basic " + base64.b64encode(b"demo_api_key").decode(),
        "Basic " + base64.b64encode(b"demo_api_key:wrong_secret").decode(),
        "Basic " + base64.b64encode(b"unknown_key:demo_api_secret").decode(),
        "Basic " + base64.b64encode(b"demo_api_key:other_api_secret").decode(),
        "Bearer demo_api_key",
        'hmac username="demo_api_key"',
    ],
)
def test_missing_malformed_or_wrong_credentials_are_403(http, authorization):
    headers = {} if authorization is None else {"Authorization": authorization}
    for response in (
        http.get("/v1/delivery_reports", headers=headers),
        http.post("/v1/messages", json={"messages": [message()]}, headers=headers),
    ):
        assert response.status_code == 403
        assert response.json() == FORBIDDEN


def test_auth_is_checked_before_the_body(http):
    response = http.post("/v1/messages", data=b"not json", headers=JSON)
    assert response.status_code == 403


@pytest.mark.parametrize("algorithm", ["hmac-sha1", "hmac-sha256"])
def test_hmac_as_the_reference_describes(http, algorithm):
    response = post_signed(http, send_body(message()), algorithm=algorithm)
    assert response.status_code == 202, response.text


def test_hmac_with_lowercase_date_and_x_content_md5_as_the_sdks_send(http):
    body = send_body(message())
    response = post_signed(http, body, date_header="date", md5_header="x-Content-MD5")
    assert response.status_code == 202, response.text


def test_hmac_get_without_body(http, send_as_demo):
    message_id = send_as_demo()
    target = f"/v1/messages/{message_id}"
    response = http.get(target, headers=hmac_auth("GET", target))
    assert response.status_code == 200
    assert response.json()["message_id"] == message_id


def test_hmac_signs_the_query_string(http):
    target = "/v1/replies?page=1"
    assert http.get(target, headers=hmac_auth("GET", target)).status_code == 200
    unsigned_query = hmac_auth("GET", "/v1/replies")
    assert http.get(target, headers=unsigned_query).status_code == 403


def test_hmac_wrong_secret(http):
    wrong = Credentials(DEMO.key, "not_the_secret")
    assert post_signed(http, send_body(message()), credentials=wrong).json() == FORBIDDEN


def test_hmac_tampered_body(http, emulator):
    signed_body = send_body(message(content="Pay $10"))
    headers = {**JSON, **hmac_auth("POST", "/v1/messages", signed_body)}
    tampered = send_body(message(content="Pay $99"))
    response = http.post("/v1/messages", data=tampered, headers=headers)
    assert response.status_code == 403
    assert list_messages(emulator.store) == []


def test_hmac_body_without_a_signed_md5_is_refused(http):
    body = send_body(message())
    headers = {**JSON, **hmac_auth("GET", "/v1/messages", signed_method="POST")}
    assert http.post("/v1/messages", data=body, headers=headers).status_code == 403


def test_hmac_wrong_request_line(http):
    body = send_body(message())
    headers = {**JSON, **hmac_auth("POST", "/v1/replies/confirmed", body)}
    assert http.post("/v1/messages", data=body, headers=headers).status_code == 403


@pytest.mark.parametrize(
    ("skew", "accepted"), [(-14 * 60, True), (-16 * 60, False), (16 * 60, False)]
)
def test_hmac_date_must_be_within_fifteen_minutes_of_real_time(http, skew, accepted):
    date = formatdate(time.time() + skew, usegmt=True)
    response = post_signed(http, send_body(message()), date=date)
    assert (response.status_code == 202) is accepted


def test_hmac_date_window_ignores_the_emulator_clock(http, emulator):
    emulator.clock.advance(3600)
    assert post_signed(http, send_body(message())).status_code == 202


def test_hmac_date_window_can_be_turned_off():
    app = create_app(Settings(db=":memory:", hmac_date_window_seconds=0))
    body = send_body(message())
    old = formatdate(time.time() - 86400 * 365, usegmt=True)
    headers = {**JSON, **hmac_auth("POST", "/v1/messages", body, date=old)}
    assert app.test_client().post("/v1/messages", data=body, headers=headers).status_code == 202


def test_hmac_unparseable_date(http):
    assert post_signed(http, send_body(message()), date="yesterday").status_code == 403


def test_hmac_unknown_algorithm(http):
    body = send_body(message())
    headers = {**JSON, **hmac_auth("POST", "/v1/messages", body)}
    headers["Authorization"] = headers["Authorization"].replace("hmac-sha1", "hmac-md5")
    assert http.post("/v1/messages", data=body, headers=headers).status_code == 403


def test_hmac_must_sign_date_and_request_line(http):
    digest_only = hmac_auth("GET", "/v1/replies")
    digest_only["Authorization"] = digest_only["Authorization"].replace(
        'headers="Date request-line"', 'headers="request-line"'
    )
    assert http.get("/v1/replies", headers=digest_only).status_code == 403


def test_every_md5_header_present_must_match(http):
    body = send_body(message())
    headers = {**JSON, **hmac_auth("POST", "/v1/messages", body)}
    headers["x-Content-MD5"] = "0" * 32
    assert http.post("/v1/messages", data=body, headers=headers).status_code == 403


def test_put_signed_as_post_like_the_official_sdks(http, send_as_demo):
    message_id = send_as_demo(scheduled="2099-01-01T00:00:00Z")
    target = f"/v1/messages/{message_id}"
    body = b'{"status": "cancelled"}'
    headers = {**JSON, **hmac_auth("PUT", target, body, signed_method="POST")}
    response = http.put(target, data=body, headers=headers)
    assert response.status_code == 200, response.text


def test_put_signed_as_put(http, send_as_demo):
    message_id = send_as_demo(scheduled="2099-01-01T00:00:00Z")
    target = f"/v1/messages/{message_id}"
    body = b'{"status": "cancelled"}'
    response = http.put(target, data=body, headers={**JSON, **hmac_auth("PUT", target, body)})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("account", [None, "DemoAccount", "DemoSubAccount1", "DemoSubAccount2"])
def test_key_acts_for_its_account_and_sub_accounts(http, emulator, account):
    headers = basic_auth(account=account)
    assert http.post("/v1/messages", json={"messages": [message()]}, headers=headers).ok
    [stored] = list_messages(emulator.store)
    assert stored["account_id"] == (account or "DemoAccount")


def test_hmac_with_account_header(http, emulator):
    body = send_body(message())
    response = post_signed(http, body, account="DemoSubAccount2")
    assert response.status_code == 202
    assert list_messages(emulator.store)[0]["account_id"] == "DemoSubAccount2"


@pytest.mark.parametrize(
    ("credentials", "account"),
    [(DEMO, "OtherAccount"), (OTHER, "DemoAccount"), (OTHER, "DemoSubAccount1"), (DEMO, "Nope")],
)
def test_foreign_account_header_is_403(http, emulator, credentials, account):
    headers = basic_auth(credentials, account=account)
    response = http.post("/v1/messages", json={"messages": [message()]}, headers=headers)
    assert response.status_code == 403
    assert response.json() == FORBIDDEN
    assert list_messages(emulator.store) == []
