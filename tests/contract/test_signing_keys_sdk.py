"""Every operation of the official Signing Keys SDK (messagemedia-signingkeys-sdk 1.1.0),
unmodified, against a live emulator; the key it enables then signs callbacks."""

from __future__ import annotations

from tests.engine.test_signed_callbacks import verify
from tests.support import basic_auth, message


def raised(name: str, code: int, message: str, details=None) -> dict:
    return {"raised": name, "code": code, "message": message, "details": details}


def test_every_operation_of_the_signing_keys_sdk(run_sdk_operations, receivers, http, advance):
    seen = run_sdk_operations("signing_keys_sdk_operations")

    created = seen["created"]["returned"]
    assert created["model"] == "CreateSignatureKeyResponse"
    assert (created["cipher"], created["digest"], created["enabled"]) == ("RSA", "SHA224", False)
    assert created["public_key"].startswith("MIGfMA0G")
    detail = {name: created[name] for name in ("key_id", "cipher", "digest", "created")}
    assert seen["invalid"] == raised(
        "CreateSignatureKey400ResponseException", 400, "Bad Request", ["/cipher: [RA] is invalid"]
    )
    assert seen["detail"]["returned"] == {
        "model": "GetSignatureKeyDetailResponse",
        **detail,
        "enabled": False,
    }
    assert seen["detail_unknown"] == raised(
        "GetSignatureKeyDetail403ResponseException", 404, "Entity not found"
    )
    assert seen["detail_malformed"] == raised(
        "GetSignatureKeyDetail400ResponseException",
        400,
        "Bad Request",
        ["key_id property value is invalid"],
    )
    assert seen["list"]["returned"] == [
        {"model": "GetSignatureKeyListResponse", **detail, "enabled": False}
    ]
    assert seen["enabled"]["returned"] == {
        "model": "EnableSignatureKeyResponse",
        **detail,
        "enabled": True,
    }
    assert seen["enable_null"] == raised(
        "EnableSignatureKey400ResponseException",
        400,
        "Bad Request",
        ["/key_id: Key id cannot be null"],
    )
    assert seen["enable_unknown"] == raised(
        "EnableSignatureKey403ResponseException", 404, "Entity not found"
    )
    assert seen["get_enabled"]["returned"] == {
        "model": "GetEnabledSignatureKeyResponse",
        **detail,
        "enabled": True,
    }
    assert seen["disabled"] == {"returned": None}
    assert seen["get_none_enabled"] == raised(
        "GetEnabledSignatureKey403ResponseException", 404, "Currently no key is enabled"
    )
    assert seen["deleted"] == {"returned": None}
    assert seen["delete_unknown"] == raised(
        "DeleteSignatureKey403ResponseException", 404, "Entity not found"
    )
    assert seen["without_feature"] == raised(
        "CreateSignatureKey403ResponseException",
        403,
        "This feature has not been enabled in your account.",
    )

    signing = seen["signing"]["returned"]
    receiver = receivers()
    body = {"messages": [message(delivery_report=True, callback_url=receiver.url)]}
    http.post("/v1/messages", json=body, headers=basic_auth())
    advance(5)
    assert len(receiver.requests) == 3
    for request in receiver.requests:
        assert request["headers"]["X-Messagemedia-Key-Id"] == signing["key_id"]
        verify(signing["public_key"], request)
