"""The faults chaos rules inject into /v1 requests: latency before the real answer, an error
answer instead of it, or no answer at all."""

from __future__ import annotations

import time

from flask import jsonify, request
from flask.typing import ResponseReturnValue

from emulator.api.authentication import account_id
from emulator.connections import drop_connection
from emulator.domain.chaos_rules import DROP, LATENCY, STATUS_MESSAGES
from emulator.web.requests import current_emulator

# Names the rule on every injected answer, for people reading a client's logs.
RULE_HEADER = "X-Mm-Emulator-Chaos-Rule"


def inject_faults() -> ResponseReturnValue | None:
    """Run after authentication, before the view: the store is not touched when a fault
    answers, so a refused send stores nothing."""
    faults = current_emulator().chaos.inject(request.method, request.path, account_id())
    for fault in faults:
        if fault.fault == LATENCY and fault.seconds:
            time.sleep(fault.seconds)
    answer = next((fault for fault in faults if fault.answers), None)
    if answer is None:
        return None
    headers = {RULE_HEADER: answer.rule_id}
    if answer.fault == DROP:
        drop_connection(request.environ)
        # Only a server that cannot drop connections (a test client) sends this.
        return jsonify({"message": "The connection was dropped"}), 502, headers
    assert answer.status is not None
    if answer.retry_after is not None:
        headers["Retry-After"] = str(answer.retry_after)
    label = answer.rule_name or answer.rule_id
    body = {
        "message": STATUS_MESSAGES[answer.status],
        "details": [f"Injected by the emulator's chaos rule {label}."],
    }
    return jsonify(body), answer.status, headers
