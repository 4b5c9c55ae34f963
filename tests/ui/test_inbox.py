"""The web inbox in a real browser: live handsets, a conversation's life, the composer, webhooks,
segments, untrusted text, and accounts and time."""

from __future__ import annotations

import re

import pytest

from tests.support import basic_auth, message

pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
from playwright.sync_api import expect  # noqa: E402

HANDSET = "+61491570156"


def send(http, **fields) -> str:
    body = {"messages": [message(**fields)]}
    response = http.post("/v1/messages", json=body, headers=basic_auth())
    assert response.status_code == 202, response.text
    return response.json()["messages"][0]["message_id"]


def advance(http, seconds: float) -> None:
    assert http.post("/_emulator/clock/advance", json={"seconds": seconds}).status_code == 200


def mark_page(page) -> None:
    """Something that survives only while the page is not reloaded."""
    page.evaluate("window.notReloaded = true")


def was_not_reloaded(page) -> bool:
    return page.evaluate("window.notReloaded === true")


def test_a_sent_message_appears_live_and_its_status_follows(page, http):
    page.goto("/")
    expect(page.get_by_text("No messages yet.")).to_be_visible()
    mark_page(page)

    message_id = send(http, content="Your parcel is on its way", delivery_report=True)

    row = page.locator(".handset", has_text=HANDSET)
    expect(row).to_contain_text("Your parcel is on its way")
    expect(row.locator(".pill")).to_have_text("queued")
    assert was_not_reloaded(page)

    row.click()
    expect(page).to_have_url(re.compile(r"/handsets/%2B61491570156|/handsets/\+61491570156"))
    bubble = page.locator(".bubble-in", has_text="Your parcel is on its way")
    expect(bubble.locator(".pill")).to_have_text("queued")
    mark_page(page)

    advance(http, 10)

    expect(bubble.locator(".pill")).to_have_text("delivered")
    assert was_not_reloaded(page)
    bubble.get_by_text("Delivery", exact=True).click()
    steps = bubble.locator(".timeline-step")
    expect(steps).to_have_count(4)
    expect(steps.nth(1)).to_contain_text("enroute")
    expect(steps.nth(1)).to_contain_text("Message being processed by the gateway.")
    expect(steps.nth(3)).to_contain_text("delivered")
    expect(steps.nth(3)).to_contain_text("220")
    expect(steps.nth(3)).to_contain_text("Message delivered.")
    expect(bubble).to_contain_text(message_id)


def in_view(page, locator) -> bool:
    """Whether the element's bottom edge is inside the window, above the composer."""
    box, composer = locator.bounding_box(), page.locator("#composer").bounding_box()
    limit = composer["y"] if composer else page.viewport_size["height"]
    return box is not None and 0 <= box["y"] + box["height"] <= limit + 1


def test_on_a_phone_the_conversation_shows_its_latest_message_and_follows_new_ones(page, http):
    page.set_viewport_size({"width": 360, "height": 740})
    for n in range(12):
        send(http, content=f"Earlier message {n}")
    page.goto(f"/handsets/{HANDSET}")
    newest = page.locator(".bubble-in", has_text="Earlier message 11")
    expect(newest).to_be_visible()
    assert in_view(page, newest)

    send(http, content="Just now")

    latest = page.locator(".bubble-in", has_text="Just now")
    expect(latest).to_be_visible()
    page.wait_for_function("window.scrollY + innerHeight >= document.body.scrollHeight - 2")
    assert in_view(page, latest)


def test_a_failed_message_shows_its_error_and_meaning(page, http):
    send(http, destination_number="+61400000411", content="Hello?", delivery_report=True)
    advance(http, 10)
    page.goto("/handsets/+61400000411")
    bubble = page.locator(".bubble-in")
    expect(bubble.locator(".pill")).to_have_text("failed")
    expect(bubble.locator(".bubble-error")).to_have_text("Error 411: Invalid destination address.")


def test_scheduled_and_cancelled_messages_are_shown_as_such(page, http):
    scheduled = send(http, content="See you tomorrow", scheduled="2099-01-01T00:00:00Z")
    send(http, content="Kept for later", scheduled="2099-01-01T00:00:00Z")
    page.goto(f"/handsets/{HANDSET}")
    later = page.locator(".bubble-in", has_text="Kept for later")
    expect(later.locator(".bubble-flag")).to_contain_text("Scheduled for")
    mark_page(page)

    cancel = {"status": "cancelled"}
    assert http.put(f"/v1/messages/{scheduled}", json=cancel, headers=basic_auth()).ok

    cancelled = page.locator(".bubble-in", has_text="See you tomorrow")
    expect(cancelled.locator(".pill")).to_have_text("cancelled")
    expect(cancelled.locator(".bubble-flag")).to_have_text("Cancelled before it was sent")
    assert was_not_reloaded(page)


def test_a_reply_from_the_composer_reaches_the_receiver_and_the_webhooks_page(
    page, http, receivers
):
    receiver = receivers()
    # Not the content the shipped handset script answers: its own reply, due 5 s after delivery
    # in real time too, would be a second reply on a slow machine.
    send(http, content="Can you make Tuesday?", callback_url=receiver.url)
    page.goto(f"/handsets/{HANDSET}")

    composer = page.get_by_label(f"Reply as {HANDSET}")
    composer.fill("Yes please")
    composer.press("Enter")

    expect(page.locator(".bubble-out", has_text="Yes please")).to_be_visible()
    advance(http, 1)
    assert [payload["content"] for payload in receiver.payloads] == ["Yes please"]
    assert receiver.payloads[0]["source_number"] == HANDSET

    page.get_by_role("link", name="Webhooks", exact=True).click()
    delivery = page.locator(".delivery", has_text=receiver.url)
    expect(delivery.locator(".chip-event")).to_have_text("reply")
    expect(delivery.locator(".pill")).to_have_text("delivered")
    expect(delivery.locator(".attempts td .code")).to_have_text("200")
    delivery.get_by_text("Request body").click()
    expect(delivery.locator("pre")).to_contain_text('"content": "Yes please"')


def test_the_composer_of_a_handset_nothing_was_sent_to_says_why_it_cannot_reply(page, http):
    page.goto("/handsets/+61400000999")
    page.locator("#composer-text").fill("Hello?")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#composer-status")).to_have_text(
        "Nothing was sent to +61400000999 yet: it can reply once a message reaches it."
    )
    assert http.get("/v1/replies", headers=basic_auth()).json()["replies"] == []


def test_stop_from_the_composer_shows_the_opt_out(page, http):
    send(http, content="Deals this week")
    page.goto(f"/handsets/{HANDSET}")
    page.get_by_role("button", name="STOP").click()
    expect(page.locator(".notice-stop")).to_contain_text("Opted out of DemoAccount")
    expect(page.get_by_role("status").filter(has_text="opted out")).to_be_visible()


def test_a_failing_receivers_retries_are_listed(page, http, receivers):
    receiver = receivers(always=500)
    message_id = send(http, content="Ping", delivery_report=True, callback_url=receiver.url)
    page.goto("/webhooks")
    mark_page(page)

    advance(http, 40)

    # Three reports (enroute, submitted, delivered), each retried with growing gaps.
    deliveries = page.locator(".delivery")
    expect(deliveries).to_have_count(3)
    assert was_not_reloaded(page)
    expect(deliveries.locator(".chip-event")).to_have_text(
        ["delivery report: delivered", "delivery report: submitted", "delivery report: enroute"]
    )
    enroute = deliveries.last
    expect(enroute.locator(".pill")).to_have_text("pending")
    expect(enroute.locator(".attempts tbody tr")).to_have_count(4)
    expect(enroute.locator(".attempts td .code")).to_have_text(["500"] * 4)
    expect(enroute.locator(".next-retry")).to_contain_text("Next attempt")

    page.get_by_label("Message ID").fill(message_id[:8].upper())
    page.get_by_label("Status").select_option("pending")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator(".delivery")).to_have_count(3)
    page.get_by_label("Message ID").fill("0%")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("No webhook deliveries match.")).to_be_visible()
    page.get_by_label("Message ID").fill(message_id)
    page.get_by_role("button", name="Filter").click()
    expect(page.locator(".delivery")).to_have_count(3)
    page.get_by_label("Status").select_option("delivered")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("No webhook deliveries match.")).to_be_visible()


def test_a_ucs2_message_shows_its_segments_and_the_character_that_forced_it(page, http):
    content = "Your table is ready " + "🍽" + " see you soon! " * 5
    send(http, content=content)
    stored = http.get("/_emulator/messages").json()["messages"][0]
    page.goto(f"/handsets/{HANDSET}")

    panel = page.locator("details", has=page.get_by_text("Segments"))
    expect(panel.locator("summary")).to_contain_text(f"UCS-2 · {stored['billing_units']} units")
    panel.locator("summary").click()
    expect(panel.locator("p").first).to_contain_text("UCS-2")
    expect(panel.locator("p mark.seg-ucs2")).to_have_text(["🍽"])
    parts = panel.locator(".segments > li")
    expect(parts).to_have_count(stored["billing_units"])
    expect(parts.first.locator("mark.seg-ucs2")).to_have_text("🍽")


def test_gsm7_segments_mark_the_characters_that_count_twice(page, http):
    send(http, content="Total: 5€ " + "a" * 160)
    page.goto(f"/handsets/{HANDSET}")
    panel = page.locator("details", has=page.get_by_text("Segments"))
    panel.locator("summary").click()
    expect(panel.locator("summary")).to_contain_text("GSM-7 · 2 units")
    expect(panel.locator("mark.seg-extension")).to_have_text("€")
    expect(panel.locator(".segment-label")).to_have_text(["Part 1", "Part 2"])


HOSTILE = ["<script>alert('content')</script>", '"><img src=x onerror=alert(1)>']


def test_untrusted_text_is_shown_as_text_everywhere(page, http, receivers):
    receiver = receivers()
    for text in HOSTILE:
        send(
            http,
            content=text,
            metadata={"note": text},
            delivery_report=True,
            callback_url=receiver.url,
        )
    http.post("/_emulator/replies", json={"source_number": HANDSET, "content": HOSTILE[1]})
    advance(http, 10)

    page.goto("/")
    expect(page.locator(".handset-text")).to_contain_text(HOSTILE[1])
    page.goto(f"/handsets/{HANDSET}")
    for text in HOSTILE:
        expect(page.locator(".bubble-in .bubble-text", has_text=text)).to_have_count(1)
    expect(page.locator(".bubble-out .bubble-text")).to_have_text(HOSTILE[1])
    for summary in page.locator("summary", has_text="Delivery").all():
        summary.click()
    expect(page.locator(".fields dd", has_text=HOSTILE[0])).to_have_count(1)
    page.goto("/webhooks")
    for summary in page.locator("summary", has_text="Request body").all():
        summary.click()
    expect(page.locator("pre", has_text="onerror=alert(1)").first).to_be_visible()

    assert page.locator("img[src=x]").count() == 0
    assert page.evaluate("document.querySelectorAll('script:not([src])').length") == 0
    # The page fixture fails the test if any dialog opened.


def test_every_page_forbids_inline_script(http):
    for path in ("/", f"/handsets/{HANDSET}", "/webhooks", "/accounts"):
        policy = http.get(path).headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "object-src 'none'" in policy


def test_a_feature_toggles_and_the_clock_advances_from_the_page(page, http):
    page.goto("/accounts")
    card = page.locator("[data-account=DemoAccount]")
    switch = card.get_by_role("switch", name="De-duplication")
    expect(switch).not_to_be_checked()
    switch.focus()
    page.keyboard.press("Space")
    expect(card.locator(".form-status")).to_have_text("Saved.")
    expect(card.get_by_role("switch", name="De-duplication")).to_be_checked()
    features = http.get("/_emulator/accounts/DemoAccount").json()["features"]
    assert features["deduplication"] is True

    before = http.get("/_emulator/clock").json()["now"]
    page.get_by_role("button", name="+ 1 h").click()
    expect(page.locator("#clock-status")).to_contain_text("Advanced 3600 s")
    after = http.get("/_emulator/clock").json()["now"]
    assert after[:13] != before[:13] or after[11:13] != before[11:13]

    card.get_by_label("Time zone").fill("Europe/Nowhere")
    card.get_by_role("button", name="Save").click()
    expect(card.locator(".form-status")).to_contain_text("timezone")


def test_reset_asks_first(page, http):
    send(http)
    page.goto("/accounts")
    page.get_by_role("button", name="Reset the emulator…").click()
    page.get_by_role("button", name="Cancel").click()
    assert http.get("/_emulator/messages").json()["messages"]
    page.get_by_role("button", name="Reset the emulator…").click()
    page.get_by_role("button", name="Yes, reset").click()
    expect(page.locator("#reset-status")).to_contain_text("Reset:")
    assert http.get("/_emulator/messages").json()["messages"] == []


def test_the_pages_can_be_used_with_the_keyboard(page, http):
    send(http, content="Keyboard friendly")
    page.goto("/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Account")).to_be_focused()
    page.locator(".handset").focus()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=HANDSET)).to_be_visible()
