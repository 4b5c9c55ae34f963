"""The reference's delivery report error codes, the status each one means, and when it happens."""

from __future__ import annotations

ENROUTE_CODE = "101"
SUBMITTED_CODE = "200"
DELIVERED_CODE = "220"
EXPIRED_BEFORE_SUBMISSION = "320"
EXPIRED_BEFORE_DELIVERY = "401"

STATUS_BY_CODE = {
    "101": "enroute",
    "102": "enroute",
    "151": "enroute",
    "200": "submitted",
    "210": "submitted",
    "211": "submitted",
    "212": "submitted",
    "213": "submitted",
    "220": "delivered",
    "221": "delivered",
    "320": "expired",
    "401": "expired",
    "301": "rejected",
    "302": "rejected",
    "303": "rejected",
    "304": "rejected",
    "305": "rejected",
    "402": "rejected",
    "403": "failed",
    "410": "failed",
    "411": "failed",
    "412": "failed",
    "413": "failed",
    "414": "failed",
    "330": "failed",
    "331": "failed",
    "332": "failed",
    "333": "failed",
    "400": "failed",
    "405": "failed",
}

FINAL_STATUSES = frozenset({"delivered", "expired", "rejected", "failed", "cancelled"})


def is_final_code(error_code: str) -> bool:
    """True for codes that end a message (an outcome rule may only name these)."""
    return STATUS_BY_CODE.get(error_code) in FINAL_STATUSES


def ends_before_submission(error_code: str) -> bool:
    """Gateway failures (codes below 400) end a message while enroute; the rest after submission."""
    return STATUS_BY_CODE[error_code] != "delivered" and int(error_code) < 400
