"""Every operation of the official Signing Keys SDK against a live emulator, run in the SDKs' own
environment; what each returned (the SDK's model objects, as their attributes) or raised is
written as JSON to the file MM_RESULT names (the SDK logs to stdout). It ends with a SHA512 key
enabled, for the test to verify signed callbacks with.

Environment: MM_BASE_URL, MM_KEY, MM_SECRET, MM_OTHER_KEY, MM_OTHER_SECRET.
"""

from __future__ import annotations

import json
import os

from message_media_signing_keys.configuration import Configuration
from message_media_signing_keys.message_media_signing_keys_client import (
    MessageMediaSigningKeysClient,
)
from message_media_signing_keys.models.create_signature_key_request import (
    CreateSignatureKeyRequest,
)
from message_media_signing_keys.models.enable_signature_key_request import (
    EnableSignatureKeyRequest,
)

UNKNOWN_ID = "6a0108cf-3659-435e-800e-004beb910fd1"


def plain(value):
    """An SDK model as a dict of its attributes, a list of them as a list."""
    if isinstance(value, list):
        return [plain(item) for item in value]
    if hasattr(value, "__dict__"):
        return {"model": type(value).__name__, **vars(value)}
    return value


def outcome(call) -> dict:
    """What a call returned, or the class, status and parsed fields of the exception it raised."""
    try:
        return {"returned": plain(call())}
    except Exception as error:  # the SDK raises its own exception classes
        return {
            "raised": type(error).__name__,
            "code": getattr(error, "response_code", None),
            "message": getattr(error, "message", None),
            "details": getattr(error, "details", None),
        }


def main() -> None:
    env = os.environ
    Configuration.base_uri = env["MM_BASE_URL"]
    keys = MessageMediaSigningKeysClient(env["MM_KEY"], env["MM_SECRET"]).signature_key_management
    seen: dict = {}
    request = CreateSignatureKeyRequest(digest="SHA224", cipher="RSA")
    seen["created"] = outcome(lambda: keys.create_signature_key(request))
    key_id = seen["created"]["returned"]["key_id"]
    bad = CreateSignatureKeyRequest(digest="SHA224", cipher="RA")
    seen["invalid"] = outcome(lambda: keys.create_signature_key(bad))
    seen["detail"] = outcome(lambda: keys.get_signature_key_detail(key_id))
    seen["detail_unknown"] = outcome(lambda: keys.get_signature_key_detail(UNKNOWN_ID))
    seen["detail_malformed"] = outcome(lambda: keys.get_signature_key_detail("not-a-key"))
    seen["list"] = outcome(keys.get_signature_key_list)
    enable = EnableSignatureKeyRequest(key_id=key_id)
    seen["enabled"] = outcome(lambda: keys.update_enable_signature_key(enable))
    seen["enable_null"] = outcome(
        lambda: keys.update_enable_signature_key(EnableSignatureKeyRequest())
    )
    seen["enable_unknown"] = outcome(
        lambda: keys.update_enable_signature_key(EnableSignatureKeyRequest(key_id=UNKNOWN_ID))
    )
    seen["get_enabled"] = outcome(keys.get_enabled_signature_key)
    seen["disabled"] = outcome(keys.delete_disable_the_current_enabled_signature_key)
    seen["get_none_enabled"] = outcome(keys.get_enabled_signature_key)
    seen["deleted"] = outcome(lambda: keys.delete_signature_key(key_id))
    seen["delete_unknown"] = outcome(lambda: keys.delete_signature_key(key_id))
    signing = CreateSignatureKeyRequest(digest="SHA512", cipher="RSA")
    seen["signing"] = outcome(lambda: keys.create_signature_key(signing))
    signing_id = seen["signing"]["returned"]["key_id"]
    keys.update_enable_signature_key(EnableSignatureKeyRequest(key_id=signing_id))
    MessageMediaSigningKeysClient(env["MM_OTHER_KEY"], env["MM_OTHER_SECRET"])
    seen["without_feature"] = outcome(lambda: keys.create_signature_key(request))
    with open(env["MM_RESULT"], "w", encoding="utf-8") as result:
        json.dump(seen, result)


if __name__ == "__main__":
    main()
