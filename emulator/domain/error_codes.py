"""The reference's delivery report error codes: their meaning, the status each one sets, and
when it happens."""

from __future__ import annotations

from emulator.domain.statuses import DELIVERED, FINAL_STATUSES

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


# What each code means, in the reference's words.
MEANINGS = {
    "101": "Message being processed by the gateway.",
    "102": (
        "Message is being rerouted to a different provider after failing via the first provider."
    ),
    "151": "Message held for screening.",
    "200": "Message submitted to downstream provider for delivery.",
    "210": "Message accepted by downstream provider.",
    "211": "Message is enroute for delivery by provider.",
    "212": "Message submitted. Delivery pending.",
    "213": "Message scheduled for delivery by downstream provider.",
    "220": "Message delivered.",
    "221": "Message delivered to the handset.",
    "320": "Message validity period has expired (prior to submission).",
    "401": "Message validity period has expired (before delivery).",
    "301": "Usage threshold reached. Message discarded.",
    "302": "Destination address blocked. Message discarded.",
    "303": "Source address blocked. Message discarded.",
    "304": "Message dropped. Contact support.",
    "305": "Message discarded due to duplicate detection.",
    "402": "Message rejected by downstream provider.",
    "403": "Message skipped by downstream provider.",
    "410": "Invalid source address.",
    "411": "Invalid destination address.",
    "412": "Destination address blocked.",
    "413": "SMS service unavailable on destination.",
    "414": "Destination unreachable.",
    "330": "Gateway failure.",
    "331": "Message discarded.",
    "332": "No available route to destination.",
    "333": "Source address unsupported for this destination.",
    "400": "Message failed; undeliverable.",
    "405": "Message cancelled or deleted by provider.",
}


def is_final_code(error_code: str) -> bool:
    """True for codes that end a message (an outcome rule may only name these)."""
    return STATUS_BY_CODE.get(error_code) in FINAL_STATUSES


# Gateway failures (codes below 400) end a message while enroute; the rest after submission.
ENDS_BEFORE_SUBMISSION = frozenset(
    code for code, status in STATUS_BY_CODE.items() if status != DELIVERED and int(code) < 400
)


def ends_before_submission(error_code: str) -> bool:
    """Whether an outcome of this code ends its message while enroute (ENDS_BEFORE_SUBMISSION)."""
    return error_code in ENDS_BEFORE_SUBMISSION
