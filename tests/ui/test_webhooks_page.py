"""The Webhooks page on a laptop and a phone: deliveries newest first by the time each was made,
each attempt's request and answer, delivering again by hand, and counts that filter."""

from __future__ import annotations

import pytest

from tests.support import basic_auth, list_webhooks, message

pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
from playwright.sync_api import expect  # noqa: E402

HANDSET = "+61491570156"
SIZES = pytest.mark.parametrize(
    "size", [{"width": 1280, "height": 900}, {"width": 360, "height": 740}], ids=["1280px", "360px"]
)


def send(http, **fields) -> str:
    body = {"messages": [message(**fields)]}
    response = http.post("/v1/messages", json=body, headers=basic_auth())
    assert response.status_code == 202, response.text
    return response.json()["messages"][0]["message_id"]


def advance(http, seconds: float) -> None:
    assert http.post("/_emulator/clock/advance", json={"seconds": seconds}).status_code == 200


def reply(http, content: str) -> None:
    body = {"source_number": HANDSET, "content": content}
    assert http.post("/_emulator/replies", json=body).status_code == 201


def delivery_ids(page) -> list[str]:
    keys = page.locator(".delivery").evaluate_all("items => items.map(i => i.dataset.key)")
    return [key.split("|")[0] for key in keys]


@SIZES
def test_deliveries_are_listed_newest_first_by_when_each_was_made(
    page, http, emulator, receivers, size
):
    page.set_viewport_size(size)
    receiver = receivers()
    # The handset's scripted YES is stored with its webhook when the message is delivered, to
    # arrive 5 s later: made before the second message's reports, it is newer than most.
    send(http, content="Reply YES to confirm", delivery_report=True, callback_url=receiver.url)
    advance(http, 5)
    send(
        http,
        destination_number="+61491570157",
        content="Second",
        delivery_report=True,
        callback_url=receiver.url,
    )
    advance(http, 30)
    listed = list_webhooks(emulator.store)
    assert len(listed) == 7
    newest_first = [
        hook["id"] for hook in sorted(listed, key=lambda hook: hook["created_at"], reverse=True)
    ]
    assert newest_first != [hook["id"] for hook in listed]

    page.goto("/webhooks")
    expect(page.locator(".delivery")).to_have_count(7)
    assert delivery_ids(page) == newest_first


@SIZES
def test_an_attempt_shows_the_request_sent_and_the_receivers_answer(page, http, receivers, size):
    page.set_viewport_size(size)
    receiver = receivers(always=503, answer_body=b'{"error": "down for maintenance"}')
    send(http, content="Ping", callback_url=receiver.url)
    reply(http, "Pong")
    advance(http, 1)
    page.goto("/webhooks")

    delivery = page.locator(".delivery")
    attempt = delivery.locator(".attempts tbody tr")
    expect(attempt).to_have_count(1)
    expect(attempt.locator(".code")).to_have_text("503")
    expect(attempt).to_contain_text('{"error": "down for maintenance"}')
    expect(attempt.locator("time[datetime]")).to_have_count(1)

    delivery.get_by_text("Request body and headers").click()
    expect(delivery.locator(".request-line")).to_have_text(f"POST {receiver.url}")
    headers = delivery.locator(".request-headers")
    expect(headers).to_contain_text("User-Agent")
    expect(headers).to_contain_text("mm-emulator/")
    expect(headers).to_contain_text("application/json")
    expect(delivery.locator("pre")).to_contain_text('"content": "Pong"')


@SIZES
def test_redeliver_sends_the_request_again_as_a_manual_attempt(page, http, receivers, size):
    page.set_viewport_size(size)
    receiver = receivers(answers=[500])
    send(http, content="Ping", callback_url=receiver.url)
    reply(http, "Pong")
    advance(http, 1)
    page.goto("/webhooks")
    delivery = page.locator(".delivery")
    expect(delivery.locator(".pill")).to_have_text("pending")
    expect(page.get_by_role("link", name="Retrying 1")).to_be_visible()

    delivery.get_by_role("button", name="Redeliver").click()

    expect(page.locator("#webhooks-status")).to_have_text("Redelivered: the receiver answered 200.")
    rows = delivery.locator(".attempts tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.last).to_contain_text("manual")
    expect(rows.last.locator(".code")).to_have_text("200")
    expect(delivery.locator(".pill")).to_have_text("delivered")
    expect(page.get_by_role("link", name="Delivered 1")).to_be_visible()
    assert [request["json"]["content"] for request in receiver.requests] == ["Pong", "Pong"]
    stored = http.get("/_emulator/webhooks").json()["webhooks"][0]
    assert stored["state"] == "delivered" and len(stored["attempts"]) == 2


@SIZES
def test_counts_by_state_filter_the_list(page, http, receivers, size):
    page.set_viewport_size(size)
    failing, working = receivers(always=500), receivers()
    send(http, content="To the failing one", callback_url=failing.url)
    reply(http, "First")
    advance(http, 1)
    send(http, content="Later", callback_url=working.url)
    reply(http, "Second")
    advance(http, 1)

    page.goto("/webhooks")
    expect(page.locator(".delivery")).to_have_count(2)
    counts = page.get_by_role("navigation", name="Deliveries by state")
    expect(counts.get_by_role("link")).to_have_text(
        ["All 2", "Delivered 1", "Retrying 1", "Failed 0"]
    )

    counts.get_by_role("link", name="Retrying 1").click()
    expect(page.locator(".delivery")).to_have_count(1)
    expect(page.locator(".delivery")).to_contain_text(failing.url)
    expect(counts.get_by_role("link", name="Retrying 1")).to_have_attribute("aria-current", "page")

    counts.get_by_role("link", name="Delivered 1").click()
    expect(page.locator(".delivery")).to_have_count(1)
    expect(page.locator(".delivery")).to_contain_text(working.url)

    counts.get_by_role("link", name="Failed 0").click()
    expect(page.get_by_text("No webhook deliveries match.")).to_be_visible()
