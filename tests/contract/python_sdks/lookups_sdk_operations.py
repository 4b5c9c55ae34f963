"""The official Lookups SDK's one operation against a live emulator, run in the SDKs' own
environment; what each call returned or raised is written as JSON to the file MM_RESULT names
(the SDK logs to stdout).

Environment: MM_BASE_URL, MM_KEY, MM_SECRET, MM_OTHER_KEY.
"""

from __future__ import annotations

import json
import os

from message_media_lookups.configuration import Configuration
from message_media_lookups.message_media_lookups_client import MessageMediaLookupsClient

MOBILE = "+61491570156"
LANDLINE_NO_CARRIER = "+61255501234"
NOT_FOUND = "+61400005000"
INVALID = "+6112"


def outcome(call) -> dict:
    """The fields of the answer a call returned, or the class, status and body of the exception
    it raised."""
    try:
        answer = call()
    except Exception as error:  # the SDK raises its own exception classes
        return {
            "raised": type(error).__name__,
            "code": getattr(error, "response_code", None),
            "body": json.loads(error.context.response.raw_body or "null"),
        }
    fields = ("country_code", "phone_number", "mtype", "carrier")
    return {"returned": {name: getattr(answer, name) for name in fields}}


def main() -> None:
    env = os.environ
    Configuration.base_uri = env["MM_BASE_URL"]
    lookups = MessageMediaLookupsClient(env["MM_KEY"], env["MM_SECRET"]).lookups
    seen = {
        "carrier_and_type": outcome(
            lambda: lookups.get_lookup_a_phone_number(MOBILE, "carrier,type")
        ),
        "no_options": outcome(lambda: lookups.get_lookup_a_phone_number(MOBILE)),
        "landline": outcome(
            lambda: lookups.get_lookup_a_phone_number(LANDLINE_NO_CARRIER, "carrier,type")
        ),
        "not_found": outcome(lambda: lookups.get_lookup_a_phone_number(NOT_FOUND, "carrier")),
        "invalid": outcome(lambda: lookups.get_lookup_a_phone_number(INVALID, "carrier,type")),
    }
    MessageMediaLookupsClient(env["MM_OTHER_KEY"], "not-the-secret")
    seen["bad_credentials"] = outcome(lambda: lookups.get_lookup_a_phone_number(MOBILE))
    with open(env["MM_RESULT"], "w", encoding="utf-8") as result:
        json.dump(seen, result)


if __name__ == "__main__":
    main()
