"""The Signature Key API: every endpoint, the spec's bodies and codes for each invalid value, the
account feature, and isolation between accounts."""

from __future__ import annotations

import base64
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import load_der_public_key

from tests.support import OTHER, basic_auth

AUTH = basic_auth()
KEYS = "/v1/iam/signature_keys"
ENABLED = "/v1/iam/signature_keys/enabled"
FEATURE_OFF = {"message": "This feature has not been enabled in your account."}
DETAIL_FIELDS = ["key_id", "cipher", "digest", "created", "enabled"]
# A well-formed key ID no key has; a fixed one, so that every pytest-xdist worker collects the
# same test IDs.
UNKNOWN_KEY_ID = "8b1e4f6a-2c3d-4e5f-a6b7-c8d9e0f1a2b3"


@pytest.fixture
def create(client):
    def _create(digest: str = "SHA256", headers=None) -> dict:
        response = client.post(
            KEYS, json={"digest": digest, "cipher": "RSA"}, headers=headers or AUTH
        )
        assert response.status_code == 201, response.json
        return response.json

    return _create


def detail(created: dict, **changes) -> dict:
    """The key as every answer but its creation shows it."""
    return {name: created[name] for name in DETAIL_FIELDS} | changes


@pytest.mark.parametrize("digest", ["SHA224", "SHA256", "SHA512"])
def test_create_answers_201_with_a_real_public_key_not_enabled(create, digest):
    created = create(digest)

    assert list(created) == ["key_id", "public_key", "cipher", "digest", "created", "enabled"]
    assert uuid.UUID(created["key_id"]).version == 4
    assert (created["cipher"], created["digest"], created["enabled"]) == ("RSA", digest, False)
    assert created["created"].endswith("Z") and len(created["created"]) == 24
    key = load_der_public_key(base64.b64decode(created["public_key"]))
    assert isinstance(key, rsa.RSAPublicKey)


@pytest.mark.parametrize(
    ("body", "details"),
    [
        ({"digest": "SHA224", "cipher": "RA"}, ["/cipher: [RA] is invalid"]),
        ({"digest": "MD5", "cipher": "RSA"}, ["/digest: [MD5] is invalid"]),
        ({"digest": "sha256", "cipher": "RSA"}, ["/digest: [sha256] is invalid"]),
        ({"digest": 256, "cipher": "RSA"}, ["/digest: [256] is invalid"]),
        ({"cipher": "RSA"}, ["/digest: Digest cannot be null"]),
        ({"digest": "SHA224", "cipher": None}, ["/cipher: Cipher cannot be null"]),
        ({"digest": "SHA224", "cipher": "RSA", "size": 2048}, ["/size: Unknown field."]),
        ([], ["The request body must be a JSON object."]),
    ],
)
def test_create_refuses_invalid_values_as_the_spec_shows(client, body, details):
    response = client.post(KEYS, json=body, headers=AUTH)
    assert response.status_code == 400
    assert response.json == {"message": "Bad Request", "details": details}


def test_an_error_body_stays_small_whatever_the_request_holds(client):
    body = {f"field{n}": n for n in range(500)}
    details = client.post(KEYS, json=body, headers=AUTH).json["details"]
    assert len(details) == 51 and details[-1].startswith("… and")


def test_get_shows_a_key_without_its_public_key(client, create):
    created = create()
    response = client.get(f"{KEYS}/{created['key_id']}", headers=AUTH)
    assert response.status_code == 200
    assert response.json == detail(created)
    assert client.get(f"{KEYS}/{created['key_id'].upper()}", headers=AUTH).json == detail(created)


def test_unknown_and_malformed_key_ids(client):
    for response in (
        client.get(f"{KEYS}/{uuid.uuid4()}", headers=AUTH),
        client.delete(f"{KEYS}/{uuid.uuid4()}", headers=AUTH),
        client.patch(ENABLED, json={"key_id": str(uuid.uuid4())}, headers=AUTH),
    ):
        assert response.status_code == 404
        assert response.json == {"message": "Entity not found"}
    for response in (
        client.get(f"{KEYS}/not-a-key", headers=AUTH),
        client.delete(f"{KEYS}/not-a-key", headers=AUTH),
    ):
        assert response.status_code == 400
        assert response.json == {
            "message": "Bad Request",
            "details": ["key_id property value is invalid"],
        }


def test_list_is_newest_first_in_pages_from_zero(client, create):
    keys = [create() for _ in range(3)]
    newest_first = [detail(key) for key in reversed(keys)]

    assert client.get(KEYS, headers=AUTH).json == newest_first
    assert client.get(f"{KEYS}?page=0&page_size=2", headers=AUTH).json == newest_first[:2]
    assert client.get(f"{KEYS}?page=1&page_size=2", headers=AUTH).json == newest_first[2:]
    assert client.get(f"{KEYS}?page=5&page_size=2", headers=AUTH).json == []


@pytest.mark.parametrize(
    ("query", "details"),
    [
        ("page=-1", ["page property value is invalid"]),
        ("page=one", ["page property value is invalid"]),
        ("page_size=0", ["page_size property value is invalid"]),
        ("page_size=101", ["page_size property value is invalid"]),
        (
            "page=x&page_size=x",
            ["page property value is invalid", "page_size property value is invalid"],
        ),
    ],
)
def test_an_invalid_page_is_400(client, query, details):
    response = client.get(f"{KEYS}?{query}", headers=AUTH)
    assert response.status_code == 400
    assert response.json == {"message": "Bad Request", "details": details}


def test_delete_answers_200_with_no_body_and_the_key_is_gone(client, create):
    created = create()
    response = client.delete(f"{KEYS}/{created['key_id']}", headers=AUTH)
    assert (response.status_code, response.data) == (200, b"")
    assert client.get(KEYS, headers=AUTH).json == []


def test_one_key_is_enabled_at_a_time(client, create):
    first, second = create("SHA224"), create("SHA512")
    assert client.get(ENABLED, headers=AUTH).status_code == 404
    assert client.get(ENABLED, headers=AUTH).json == {"message": "Currently no key is enabled"}

    response = client.patch(ENABLED, json={"key_id": first["key_id"]}, headers=AUTH)
    assert response.status_code == 200
    assert response.json == detail(first, enabled=True)
    assert client.get(ENABLED, headers=AUTH).json == detail(first, enabled=True)

    client.patch(ENABLED, json={"key_id": second["key_id"]}, headers=AUTH)
    assert client.get(ENABLED, headers=AUTH).json == detail(second, enabled=True)
    assert client.get(f"{KEYS}/{first['key_id']}", headers=AUTH).json["enabled"] is False


def test_disable_answers_204_whether_or_not_a_key_is_enabled(client, create):
    created = create()
    client.patch(ENABLED, json={"key_id": created["key_id"]}, headers=AUTH)
    for _ in range(2):
        response = client.delete(ENABLED, headers=AUTH)
        assert (response.status_code, response.data) == (204, b"")
        assert client.get(ENABLED, headers=AUTH).status_code == 404
    assert client.get(f"{KEYS}/{created['key_id']}", headers=AUTH).json["enabled"] is False


def test_deleting_the_enabled_key_leaves_none_enabled(client, create):
    created = create()
    client.patch(ENABLED, json={"key_id": created["key_id"]}, headers=AUTH)
    client.delete(f"{KEYS}/{created['key_id']}", headers=AUTH)
    assert client.get(ENABLED, headers=AUTH).status_code == 404


@pytest.mark.parametrize(
    ("body", "details"),
    [
        ({}, ["/key_id: Key id cannot be null"]),
        ({"key_id": None}, ["/key_id: Key id cannot be null"]),
        ({"key_id": "7ca628a8"}, ["/key_id: [7ca628a8] is invalid"]),
        ({"key_id": 7}, ["/key_id: [7] is invalid"]),
    ],
)
def test_enable_refuses_a_missing_or_malformed_key_id(client, body, details):
    response = client.patch(ENABLED, json=body, headers=AUTH)
    assert response.status_code == 400
    assert response.json == {"message": "Bad Request", "details": details}


ENDPOINTS = [
    ("post", KEYS, {"digest": "SHA224", "cipher": "RSA"}),
    ("get", KEYS, None),
    ("get", f"{KEYS}/{UNKNOWN_KEY_ID}", None),
    ("delete", f"{KEYS}/{UNKNOWN_KEY_ID}", None),
    ("patch", ENABLED, {"key_id": UNKNOWN_KEY_ID}),
    ("get", ENABLED, None),
    ("delete", ENABLED, None),
]


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_an_account_without_the_feature_gets_403_on_every_endpoint(client, method, path, body):
    response = getattr(client, method)(path, json=body, headers=basic_auth(OTHER))
    assert response.status_code == 403
    assert response.json == FEATURE_OFF
    # Before the body is read: an invalid body still answers 403.
    assert client.post(KEYS, json={}, headers=basic_auth(OTHER)).json == FEATURE_OFF


def test_the_feature_can_be_turned_on_at_run_time(client, create):
    other = basic_auth(OTHER)
    assert client.get(KEYS, headers=other).status_code == 403
    client.patch("/_emulator/accounts/OtherAccount", json={"features": {"signature_keys": True}})
    assert create(headers=other)["enabled"] is False


def test_each_account_has_its_own_keys(client, create):
    sub = basic_auth(account="DemoSubAccount1")
    assert client.get(KEYS, headers=sub).json == FEATURE_OFF
    client.patch("/_emulator/accounts/DemoSubAccount1", json={"features": {"signature_keys": True}})
    parent_key = create()
    assert client.get(KEYS, headers=sub).json == []
    assert client.get(f"{KEYS}/{parent_key['key_id']}", headers=sub).status_code == 404
    enable = client.patch(ENABLED, json={"key_id": parent_key["key_id"]}, headers=sub)
    assert enable.status_code == 404
    sub_key = create(headers=sub)
    client.patch(ENABLED, json={"key_id": sub_key["key_id"]}, headers=sub)
    assert client.get(ENABLED, headers=AUTH).status_code == 404
    assert client.delete(f"{KEYS}/{sub_key['key_id']}", headers=AUTH).status_code == 404


def test_every_route_needs_credentials(client):
    for method, path, body in ENDPOINTS:
        response = getattr(client, method)(path, json=body)
        assert response.status_code == 403
        assert response.json == {"message": "Invalid authentication credentials"}


def test_reset_forgets_keys(client, create):
    create()
    client.post("/_emulator/reset")
    assert client.get(KEYS, headers=AUTH).json == []
