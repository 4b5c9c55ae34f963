"""Signed callbacks: while an account has an enabled signature key, each attempt at its callbacks
and webhooks carries a signature that a receiver verifies with the public key the API returned."""

from __future__ import annotations

import base64
import time
from email.utils import parsedate_to_datetime

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.serialization import load_der_public_key

from tests.support import basic_auth

HASHES = {"SHA224": hashes.SHA224, "SHA256": hashes.SHA256, "SHA512": hashes.SHA512}
SIGNATURE_HEADERS = (
    "X-Messagemedia-Signature",
    "X-Messagemedia-Digest-Type",
    "X-Messagemedia-Cipher-Type",
    "X-Messagemedia-Key-Id",
)


def verify(public_key: str, request: dict) -> None:
    """A receiver's check, as MessageMedia describes it: the request line, then the Date header,
    then the raw body, verified with RSA PKCS#1 v1.5 and the digest the request names.
    Raises InvalidSignature when they were not signed with the key."""
    headers = request["headers"]
    signed = f"{request['method']} {request['path']} HTTP/1.1{headers['Date']}".encode()
    key = load_der_public_key(base64.b64decode(public_key))
    key.verify(  # type: ignore[union-attr]
        base64.b64decode(headers["X-Messagemedia-Signature"]),
        signed + request["body"],
        padding.PKCS1v15(),
        HASHES[headers["X-Messagemedia-Digest-Type"]](),
    )


@pytest.fixture
def enabled_key(http):
    """Create a key of the given digest for the account, enable it, and return it."""

    def _enable(digest: str = "SHA256", account: str | None = None) -> dict:
        auth = basic_auth(account=account)
        body = {"digest": digest, "cipher": "RSA"}
        created = http.post("/v1/iam/signature_keys", json=body, headers=auth).json()
        enabled = http.patch(
            "/v1/iam/signature_keys/enabled", json={"key_id": created["key_id"]}, headers=auth
        )
        assert enabled.status_code == 200, enabled.text
        return created

    return _enable


@pytest.mark.parametrize("digest", sorted(HASHES))
def test_every_callback_is_signed_and_verifies(receivers, enabled_key, send_one, advance, digest):
    key = enabled_key(digest)
    receiver = receivers()
    send_one(delivery_report=True, callback_url=receiver.url + "?client=7")

    advance(5)

    assert len(receiver.requests) == 3
    for request in receiver.requests:
        verify(key["public_key"], request)
        headers = request["headers"]
        assert headers["X-Messagemedia-Digest-Type"] == digest
        assert headers["X-Messagemedia-Cipher-Type"] == "RSA"
        assert headers["X-Messagemedia-Key-Id"] == key["key_id"]
        assert abs(parsedate_to_datetime(headers["Date"]).timestamp() - time.time()) < 60


def test_a_tampered_request_does_not_verify(receivers, enabled_key, send_one, advance):
    key = enabled_key("SHA512")
    receiver = receivers()
    send_one(delivery_report=True, callback_url=receiver.url)
    advance(1.5)
    # The submitted report comes too when the machine took over half a second to get here.
    [request] = [sent for sent in receiver.requests if b'"enroute"' in sent["body"]]
    verify(key["public_key"], request)

    tampered_body = {**request, "body": request["body"].replace(b"enroute", b"delivered")}
    other_path = {**request, "path": "/elsewhere"}
    other_date = {**request, "headers": {**request["headers"], "Date": "Mon, 1 Jan 2024 0:0:0 GMT"}}
    for forged in (tampered_body, other_path, other_date):
        with pytest.raises(InvalidSignature):
            verify(key["public_key"], forged)


def test_webhooks_are_signed_too_a_get_over_its_query(
    http, receivers, enabled_key, send_one, advance
):
    key = enabled_key("SHA224")
    receiver = receivers()
    hook = {"url": receiver.url, "method": "GET", "encoding": "JSON", "events": ["ENROUTE_DR"]}
    hook["template"] = "id=$mtId&text=$esc.url($mtContent)"
    assert http.post("/v1/webhooks/messages", json=hook, headers=basic_auth()).status_code == 201
    send_one(delivery_report=True, content="Hi there & more")

    advance(1.5)

    [request] = receiver.requests
    assert "text=Hi+there+%26+more" in request["query"]
    verify(key["public_key"], request)
    with pytest.raises(InvalidSignature):
        verify(key["public_key"], {**request, "path": request["path"].replace("Hi", "Ho")})


def test_the_key_in_force_at_each_attempt_signs_it(http, receivers, enabled_key, send_one, advance):
    receiver = receivers(answers=[500])
    send_one(delivery_report=True, callback_url=receiver.url)
    advance(1)  # the enroute report fails once, unsigned
    key = enabled_key()
    advance(10)  # its retry, and the later reports, are signed

    first, *later = receiver.requests
    assert not set(SIGNATURE_HEADERS) & set(first["headers"])
    for request in later:
        verify(key["public_key"], request)

    http.delete("/v1/iam/signature_keys/enabled", headers=basic_auth())
    send_one(delivery_report=True, callback_url=receiver.url)
    advance(2)
    assert not set(SIGNATURE_HEADERS) & set(receiver.requests[-1]["headers"])


def test_nothing_is_signed_once_the_feature_is_off(http, receivers, enabled_key, send_one, advance):
    enabled_key()
    http.patch("/_emulator/accounts/DemoAccount", json={"features": {"signature_keys": False}})
    receiver = receivers()
    send_one(delivery_report=True, callback_url=receiver.url)
    advance(5)
    assert len(receiver.requests) == 3
    for request in receiver.requests:
        assert not set(SIGNATURE_HEADERS) & set(request["headers"])


def test_a_sub_account_signs_with_its_own_key_only(http, receivers, enabled_key, advance):
    parent_key = enabled_key()
    receiver = receivers()
    message = {"content": "Hi", "destination_number": "+61491570156", "delivery_report": True}
    message["callback_url"] = receiver.url
    sub = basic_auth(account="DemoSubAccount1")
    http.post("/v1/messages", json={"messages": [message]}, headers=sub)
    advance(2)
    assert not set(SIGNATURE_HEADERS) & set(receiver.requests[-1]["headers"])

    http.patch("/_emulator/accounts/DemoSubAccount1", json={"features": {"signature_keys": True}})
    sub_key = enabled_key("SHA512", account="DemoSubAccount1")
    http.post("/v1/messages", json={"messages": [message]}, headers=sub)
    advance(2)
    request = receiver.requests[-1]
    verify(sub_key["public_key"], request)
    assert request["headers"]["X-Messagemedia-Key-Id"] != parent_key["key_id"]
