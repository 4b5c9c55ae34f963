"""A conversation as a presenter shows it, on a laptop and on a phone: messages in the order they
were accepted, opened at the latest, new ones followed or announced, and room for several on a
phone's screen."""

from __future__ import annotations

import pytest

from tests.support import basic_auth, message

pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
from playwright.sync_api import expect  # noqa: E402

HANDSET = "+61491570156"
LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
SIZES = pytest.mark.parametrize("size", [LAPTOP, PHONE], ids=["1280px", "360px"])


def send_batch(http, *contents: str) -> None:
    body = {"messages": [message(content=content) for content in contents]}
    assert http.post("/v1/messages", json=body, headers=basic_auth()).status_code == 202


# Whether the whole element shows between the top of the thread and the composer, measured in
# one go in the page so that a redraw cannot fall between the measurements.
SHOWS_WHOLE = """(element) => {
    const box = element.getBoundingClientRect();
    const thread = document.getElementById("thread-scroller").getBoundingClientRect();
    const composer = document.getElementById("composer").getBoundingClientRect();
    return box.top >= Math.max(thread.top, 0) - 1 && box.bottom <= composer.top + 1;
}"""


def on_screen(locator) -> bool:
    return bool(locator.evaluate(SHOWS_WHOLE))


def wait_until_on_screen(page, selector: str, text: str) -> None:
    """Wait for the page to scroll the element of `selector` holding `text` into view. It may
    scroll smoothly, and a redraw may replace the element meanwhile, so each look finds it
    afresh; a timeout fails the test."""
    page.wait_for_function(
        f"""([selector, text]) => {{
            const found = [...document.querySelectorAll(selector)]
                .find((element) => element.textContent.includes(text));
            return Boolean(found) && ({SHOWS_WHOLE})(found);
        }}""",
        arg=[selector, text],
    )


def scroll_thread_to_top(page) -> None:
    page.evaluate(
        "document.getElementById('thread-scroller').scrollTop = 0;"
        " document.scrollingElement.scrollTop = 0"
    )


@SIZES
def test_a_batch_reads_in_its_own_order_and_opens_at_the_latest(page, http, size):
    page.set_viewport_size(size)
    send_batch(http, *(f"Earlier {n}" for n in range(1, 9)))
    send_batch(http, *(f"Part {n} of 5" for n in range(1, 6)))
    page.goto(f"/handsets/{HANDSET}")

    texts = page.locator(".bubble-in .bubble-text")
    expect(texts).to_have_count(13)
    assert texts.all_inner_texts() == [
        *(f"Earlier {n}" for n in range(1, 9)),
        *(f"Part {n} of 5" for n in range(1, 6)),
    ]
    assert on_screen(page.locator(".bubble-in", has_text="Part 5 of 5"))


def test_on_a_phone_five_short_messages_fit_and_details_open_when_asked(page, http):
    page.set_viewport_size(PHONE)
    send_batch(http, *(f"Short {n}" for n in range(1, 8)))
    page.goto(f"/handsets/{HANDSET}")
    bubbles = page.locator(".bubble-in")
    expect(bubbles).to_have_count(7)

    shown = [n for n in range(7) if on_screen(bubbles.nth(n))]
    assert len(shown) >= 5, shown
    latest = bubbles.last
    expect(latest.get_by_text("Delivery", exact=True)).to_be_hidden()

    latest.get_by_role("button", name="Details").click()
    expect(latest.get_by_text("Delivery", exact=True)).to_be_visible()
    expect(latest.get_by_text("Segments")).to_be_visible()


@SIZES
def test_a_reply_sent_from_the_page_scrolls_into_view(page, http, size):
    page.set_viewport_size(size)
    send_batch(http, *(f"Question {n}" for n in range(1, 16)))
    page.goto(f"/handsets/{HANDSET}")
    expect(page.locator(".bubble-in")).to_have_count(15)
    scroll_thread_to_top(page)

    page.get_by_label(f"Reply as {HANDSET}").fill("Answer from the phone")
    page.get_by_role("button", name="Send", exact=True).click()

    reply = page.locator(".bubble-out", has_text="Answer from the phone")
    expect(reply).to_be_visible()
    wait_until_on_screen(page, ".bubble-out", "Answer from the phone")


@SIZES
def test_new_arrivals_are_followed_at_the_bottom_and_announced_above_it(page, http, size):
    page.set_viewport_size(size)
    send_batch(http, *(f"Older {n}" for n in range(1, 16)))
    page.goto(f"/handsets/{HANDSET}")
    expect(page.locator(".bubble-in")).to_have_count(15)
    marker = page.get_by_role("button", name="New messages")

    send_batch(http, "Arrived while reading the latest")
    arrived = page.locator(".bubble-in", has_text="Arrived while reading the latest")
    expect(arrived).to_be_visible()
    wait_until_on_screen(page, ".bubble-in", "Arrived while reading the latest")
    expect(marker).to_be_hidden()

    scroll_thread_to_top(page)
    send_batch(http, "Arrived while reading older ones")
    expect(marker).to_be_visible()
    later = page.locator(".bubble-in", has_text="Arrived while reading older ones")
    assert not on_screen(later)

    marker.click()
    expect(marker).to_be_hidden()
    assert on_screen(later)
