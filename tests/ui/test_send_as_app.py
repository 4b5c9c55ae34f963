"""Send as app: from a handset's conversation, a message from an account (one of its numbers, or
its default) to the handset, accepted as POST /v1/messages accepts one, which then lives its
life in the conversation."""

from __future__ import annotations

import pytest

from tests.support import basic_auth, message

pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
from playwright.sync_api import expect  # noqa: E402

HANDSET = "+61491570156"
SIZES = pytest.mark.parametrize(
    "size", [{"width": 1280, "height": 900}, {"width": 360, "height": 740}], ids=["1280px", "360px"]
)


def sent_messages(http) -> list[dict]:
    return http.get("/_emulator/messages").json()["messages"]


@SIZES
def test_a_message_sent_as_the_app_joins_the_conversation_and_follows_its_life(page, http, size):
    page.set_viewport_size(size)
    body = {"messages": [message(content="Welcome", delivery_report=True)]}
    assert http.post("/v1/messages", json=body, headers=basic_auth()).status_code == 202
    page.goto(f"/handsets/{HANDSET}")

    page.get_by_label("Send as app").check()
    expect(page.get_by_label("Account", exact=True)).to_have_value("DemoAccount")
    page.get_by_label("From", exact=True).select_option("+61491570158")
    composer = page.get_by_label(f"Message to {HANDSET} as the app")
    composer.fill("Your code is 1234")
    page.get_by_role("button", name="Send", exact=True).click()

    expect(page.locator("#composer-status")).to_have_text("Sent as DemoAccount.")
    bubble = page.locator(".bubble-in", has_text="Your code is 1234")
    expect(bubble).to_contain_text("+61491570158")
    expect(bubble.locator(".pill")).to_have_text("queued")
    stored = sent_messages(http)[0]
    assert stored["content"] == "Your code is 1234"
    assert stored["source_number"] == "+61491570158"
    assert stored["destination_number"] == HANDSET
    api = http.get(f"/v1/messages/{stored['message_id']}", headers=basic_auth())
    assert api.status_code == 200

    assert http.post("/_emulator/clock/advance", json={"seconds": 10}).status_code == 200
    expect(bubble.locator(".pill")).to_have_text("delivered")


def test_a_handset_nothing_was_sent_to_can_be_written_to_from_its_default_number(page, http):
    page.goto("/handsets/+61400000999")
    page.get_by_label("Send as app").check()
    page.get_by_label("Account", exact=True).select_option("DemoSubAccount1")
    expect(page.get_by_label("From", exact=True).locator("option:checked")).to_contain_text(
        "Default"
    )
    page.get_by_label("Message to +61400000999 as the app").fill("First contact")
    page.get_by_role("button", name="Send", exact=True).click()

    expect(page.locator(".bubble-in", has_text="First contact")).to_be_visible()
    stored = sent_messages(http)[0]
    assert stored["account_id"] == "DemoSubAccount1"
    assert "source_number" not in stored or stored["source_number"] is None


def test_the_apis_checks_and_words_apply(http):
    bad = http.post(f"/handsets/{HANDSET}/messages", json={"account": "DemoAccount", "content": ""})
    assert bad.status_code == 400
    assert bad.json()["details"] == ["messages[0].content: Length must be between 1 and 5000."]
    unknown = http.post(f"/handsets/{HANDSET}/messages", json={"account": "Nobody", "content": "x"})
    assert unknown.status_code == 404
    not_a_number = http.post(
        "/handsets/12/messages", json={"account": "DemoAccount", "content": "x"}
    )
    assert not_a_number.status_code == 400
    assert not_a_number.json()["details"][0].startswith(
        "messages[0].destination_number: Not a valid"
    )
    assert sent_messages(http) == []
