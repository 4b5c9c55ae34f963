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


SIZES = pytest.mark.parametrize(
    "size", [{"width": 1280, "height": 900}, {"width": 360, "height": 740}], ids=["1280px", "360px"]
)
# A rule added or removed through the API shows on the open page within this long.
LIVE_MS = 2000


@SIZES
def test_rules_added_and_removed_through_the_api_show_live(page, http, size):
    page.set_viewport_size(size)
    page.goto("/chaos")
    expect(page.get_by_text("No rules.")).to_be_visible()

    add_rules(http, {"name": "sends fail", "path": "/v1/messages", "fault": {"status": 500}})

    rule = page.locator(".rule", has_text="sends fail")
    expect(rule).to_be_visible(timeout=LIVE_MS)
    [listed] = http.get("/_emulator/chaos").json()["rules"]
    assert http.delete(f"/_emulator/chaos/{listed['id']}").status_code == 204
    expect(rule).to_have_count(0, timeout=LIVE_MS)
    expect(page.get_by_text("No rules.")).to_be_visible()


@SIZES
def test_the_add_rule_form_adds_a_rule_and_shows_the_apis_words_by_each_field(page, http, size):
    page.set_viewport_size(size)
    page.goto("/chaos")
    form = page.locator("#chaos-add")
    form.get_by_label("Name").fill("replies unavailable")
    form.get_by_label("Path").fill("/v1/replies")
    form.get_by_label("Fault").select_option("status")
    form.get_by_label("Status", exact=True).fill("abc")
    form.get_by_label("Times").fill("2")
    form.get_by_role("button", name="Add rule").click()

    expect(page.locator("#chaos-add-status")).to_have_text("The rule was not added.")
    status = form.get_by_label("Status", exact=True)
    expect(status).to_have_attribute("aria-invalid", "true")
    expect(form.locator("[data-error-for='fault.status']")).to_have_text("Not a valid integer.")
    assert http.get("/_emulator/chaos").json() == {"rules": []}

    status.fill("503")
    form.get_by_role("button", name="Add rule").click()

    expect(page.locator("#chaos-add-status")).to_have_text("Rule added.")
    expect(status).not_to_have_attribute("aria-invalid", "true")
    rule = page.locator(".rule", has_text="replies unavailable")
    expect(rule).to_contain_text("any method /v1/replies")
    expect(rule).to_contain_text("answers 503")
    expect(rule).to_contain_text("Next 2 (2 left)")
    [stored] = http.get("/_emulator/chaos").json()["rules"]
    assert stored["path"] == "/v1/replies" and stored["fault"] == {"status": 503}
    assert stored["times"] == 2

    form.get_by_label("Side").select_option("api")
    form.get_by_label("Fault").select_option("duplicate")
    form.get_by_role("button", name="Add rule").click()
    expect(form.locator("[data-error-for='fault']")).to_have_text(
        "duplicate is a fault of side webhook, not api."
    )
    form.get_by_label("Fault").select_option("latency_seconds")
    form.get_by_label("Seconds").fill("3-1")
    form.get_by_role("button", name="Add rule").click()
    expect(form.get_by_label("Seconds")).to_have_attribute("aria-invalid", "true")
    expect(form).to_contain_text("The range's low end must not be above its high end.")


@SIZES
def test_a_rule_switched_off_keeps_its_place_and_injects_nothing(page, http, size):
    page.set_viewport_size(size)
    add_rules(http, {"name": "replies fail", "path": "/v1/replies", "fault": {"status": 503}})
    page.goto("/chaos")
    switch = page.get_by_role("switch", name="replies fail on")
    expect(switch).to_be_checked()

    switch.click()

    expect(page.locator("#chaos-status")).to_contain_text("Rule switched off")
    rule = page.locator(".rule", has_text="replies fail")
    expect(rule.locator(".chip", has_text="off")).to_be_visible()
    assert http.get("/v1/replies", headers=basic_auth()).status_code == 200
    expect(rule).to_contain_text("Matched 0")

    page.get_by_role("switch", name="replies fail on").click()

    expect(page.locator("#chaos-status")).to_have_text("Rule switched on.")
    assert http.get("/v1/replies", headers=basic_auth()).status_code == 503
    expect(rule).to_contain_text("Fired 1")
    expect(page.locator(".faults tbody tr")).to_have_count(1)


def test_a_rule_is_switched_through_the_control_plane(http):
    add_rules(http, {"fault": {"status": 500}})
    [rule] = http.get("/_emulator/chaos").json()["rules"]
    assert rule["enabled"] is True
    off = http.patch(f"/_emulator/chaos/{rule['id']}", json={"enabled": False})
    assert off.status_code == 200 and off.json()["enabled"] is False
    assert http.get("/v1/replies", headers=basic_auth()).status_code == 200
    bad = http.patch(f"/_emulator/chaos/{rule['id']}", json={"enabled": "no"})
    assert bad.status_code == 400 and bad.json()["details"] == ["enabled: Not a valid boolean."]
    missing = http.patch("/_emulator/chaos/5d1f8a3e-2b7c-4e0a-9f61-3c8d2e7b1a40", json={})
    assert missing.status_code == 400
    unknown = "5d1f8a3e-2b7c-4e0a-9f61-3c8d2e7b1a40"
    gone = http.patch(f"/_emulator/chaos/{unknown}", json={"enabled": True})
    assert gone.status_code == 404
