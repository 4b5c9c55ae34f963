"""The Handsets page on a laptop and a phone: totals and each handset's counts, live, and deleting
a handset from the inbox once the person confirms (the API keeps its messages)."""

from __future__ import annotations

import pytest

from tests.support import basic_auth, message

pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
from playwright.sync_api import expect  # noqa: E402

FIRST, SECOND = "+61491570156", "+61491570157"
SIZES = pytest.mark.parametrize(
    "size", [{"width": 1280, "height": 900}, {"width": 360, "height": 740}], ids=["1280px", "360px"]
)


def send(http, number: str, content: str = "Hello") -> str:
    body = {"messages": [message(destination_number=number, content=content)]}
    response = http.post("/v1/messages", json=body, headers=basic_auth())
    assert response.status_code == 202, response.text
    return response.json()["messages"][0]["message_id"]


def totals(page):
    return page.get_by_label("Totals").locator("div")


@SIZES
def test_totals_and_each_handsets_counts_follow_what_happens(page, http, size):
    page.set_viewport_size(size)
    for n in range(3):
        send(http, FIRST, f"To the first {n}")
    send(http, SECOND)
    page.goto("/")
    expect(totals(page)).to_have_text(["Handsets 2", "Messages out 4", "Messages in 0"])
    first = page.locator(".handset-row", has_text=FIRST)
    expect(first.locator(".handset-counts")).to_have_text("3 out · 0 in")

    http.post("/_emulator/replies", json={"source_number": FIRST, "content": "Got them"})

    expect(totals(page)).to_have_text(["Handsets 2", "Messages out 4", "Messages in 1"])
    expect(first.locator(".handset-counts")).to_have_text("3 out · 1 in")
    second = page.locator(".handset-row", has_text=SECOND)
    expect(second.locator(".handset-counts")).to_have_text("1 out · 0 in")


@SIZES
def test_delete_asks_first_then_removes_the_handset_from_the_inbox_only(page, http, size):
    page.set_viewport_size(size)
    kept = send(http, FIRST, "Remove me from the demo")
    http.post("/_emulator/replies", json={"source_number": FIRST, "content": "OK"})
    send(http, SECOND)
    page.goto("/")
    rows = page.locator(".handset-row")
    expect(rows).to_have_count(2)

    page.get_by_role("button", name=f"Delete {FIRST}").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("heading")).to_have_text(f"Delete {FIRST}?")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(rows).to_have_count(2)

    page.get_by_role("button", name=f"Delete {FIRST}").click()
    dialog.get_by_role("button", name="Yes, delete").click()

    expect(page.locator("#handsets-status")).to_have_text(f"Deleted {FIRST} from the inbox.")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(SECOND)
    expect(totals(page)).to_have_text(["Handsets 1", "Messages out 1", "Messages in 0"])
    assert http.get(f"/v1/messages/{kept}", headers=basic_auth()).status_code == 200
    assert [r["content"] for r in http.get("/v1/replies", headers=basic_auth()).json()["replies"]]

    page.goto(f"/handsets/{FIRST}")
    expect(page.get_by_text(f"Nothing sent to or from {FIRST} yet.")).to_be_visible()

    page.goto("/")
    send(http, FIRST, "Back again")
    back = page.locator(".handset-row", has_text=FIRST)
    expect(back.locator(".handset-counts")).to_have_text("1 out · 0 in")
    expect(back).to_contain_text("Back again")


def test_delete_is_json_from_this_site_only(http):
    send(http, FIRST)
    refused = http.delete(f"/handsets/{FIRST}", headers={"Origin": "https://elsewhere.example"})
    assert refused.status_code == 403
    assert refused.json()["message"]
    assert http.delete(f"/handsets/{FIRST}").json() == {"removed": 1}
    assert http.delete(f"/handsets/{FIRST}").json() == {"removed": 0}
