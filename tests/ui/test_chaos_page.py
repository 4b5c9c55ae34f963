"""The Chaos page in a real browser: the rules in force with their counters, each fault as it is
injected, removing rules; and the faults a webhook delivery got, on the Webhooks page."""

from __future__ import annotations

import pytest

from tests.support import basic_auth, message

pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
from playwright.sync_api import expect  # noqa: E402


def add_rules(http, *rules: dict) -> None:
    assert http.post("/_emulator/chaos", json={"rules": list(rules)}).status_code == 201


def test_rules_and_faults_live_and_rules_removed_from_the_page(page, http):
    add_rules(
        http,
        {"name": "replies fail", "path": "/v1/replies", "fault": {"status": 503, "retry_after": 5}},
        {"name": "sends are slow", "method": "POST", "fault": {"latency_seconds": [0.1, 0.2]}},
    )
    page.goto("/chaos")
    rules = page.locator(".rule")
    expect(rules).to_have_count(2)
    expect(rules.first).to_contain_text("replies fail")
    expect(rules.first).to_contain_text("answers 503 with Retry-After 5 s")
    expect(rules.last).to_contain_text("waits 0.1–0.2 s, then answers")
    expect(page.get_by_text("No faults injected yet.")).to_be_visible()

    assert http.get("/v1/replies", headers=basic_auth(account="DemoSubAccount1")).status_code == 503

    fault = page.locator(".faults tbody tr")
    expect(fault).to_have_count(1)
    expect(fault).to_contain_text("status 503")
    expect(fault).to_contain_text("GET /v1/replies")
    expect(fault).to_contain_text("DemoSubAccount1")
    expect(rules.first).to_contain_text("Fired 1")

    page.get_by_role("button", name="Remove replies fail").click()
    expect(page.locator("#chaos-status")).to_have_text("Rule removed.")
    expect(rules).to_have_count(1)
    assert http.get("/v1/replies", headers=basic_auth()).status_code == 200

    page.get_by_role("button", name="Remove every rule").click()
    expect(page.get_by_text("No rules.")).to_be_visible()
    assert http.get("/_emulator/chaos").json() == {"rules": []}


def test_a_duplicated_delivery_says_so_on_the_webhooks_page(page, http, receivers):
    receiver = receivers()
    add_rules(http, {"side": "webhook", "fault": {"duplicate": True}, "times": 1})
    body = {"messages": [message(delivery_report=True, callback_url=receiver.url)]}
    assert http.post("/v1/messages", json=body, headers=basic_auth()).status_code == 202
    http.post("/_emulator/clock/advance", json={"seconds": 10})
    page.goto("/webhooks")
    expect(page.locator(".chip-chaos")).to_have_text("sent twice")
