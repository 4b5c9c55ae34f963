"""The Numbers page in a real browser: a number assigned and released from the page is what the
API lists and what the account may send from; an alpha tag pending review is approved or
rejected in one click; what changes through the API shows on the open page."""

from __future__ import annotations

import pytest

from tests.numbering.support import (
    AU_BRONZE_SMS,
    AU_SILVER_MMS,
    DEDICATED,
    NOT_YET_AVAILABLE,
    SENDER,
    may_send_from,
    number_id,
)
from tests.support import OTHER, alpha_tag_request, basic_auth

pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
from playwright.sync_api import expect  # noqa: E402

SIZES = pytest.mark.parametrize(
    "size", [{"width": 1280, "height": 900}, {"width": 360, "height": 740}], ids=["1280px", "360px"]
)
# A change made through the API shows on the open page within this long.
LIVE_MS = 2000


def assigned_numbers(http, account: str | None = None) -> dict[str, str | None]:
    """The account's assigned numbers as the API lists them, with their labels."""
    answer = http.get(f"{DEDICATED}/assignments", headers=basic_auth(account=account))
    assert answer.status_code == 200, answer.text
    return {
        item["number"]["phone_number"]: item["assignment"].get("label")
        for item in answer.json()["data"]
    }


def request_alpha_tag(http, tag: str, account: str | None = None) -> str:
    body = alpha_tag_request(tag)
    answer = http.post(f"{SENDER}/requests", json=body, headers=basic_auth(account=account))
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def request_status(http, request_id: str) -> str:
    answer = http.get(f"{SENDER}/requests/{request_id}", headers=basic_auth())
    assert answer.status_code == 200, answer.text
    return str(answer.json()["status"])


def no_sideways_scroll(page) -> None:
    overflow = page.evaluate(
        "document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px"


def test_a_number_assigned_and_released_on_the_page_is_so_in_the_api(page, http, client):
    page.goto("/numbers")
    assigned = page.locator("[data-region=assigned] .number-row")
    expect(assigned).to_have_count(0)
    assert not may_send_from(client, AU_BRONZE_SMS)

    page.get_by_label("Label for the number taken").fill("Support line")
    page.get_by_role("button", name=f"Assign {AU_BRONZE_SMS} to DemoAccount").click()

    expect(page.locator("#numbers-status")).to_have_text(
        f"{AU_BRONZE_SMS} assigned to DemoAccount."
    )
    expect(assigned).to_have_count(1)
    expect(assigned).to_contain_text(AU_BRONZE_SMS)
    expect(assigned).to_contain_text("Support line")
    expect(page.get_by_role("button", name=f"Assign {AU_BRONZE_SMS} to DemoAccount")).to_have_count(
        0
    )
    expect(page.get_by_label("Label for the number taken")).to_have_value("")
    assert assigned_numbers(http) == {AU_BRONZE_SMS: "Support line"}
    assert may_send_from(client, AU_BRONZE_SMS)

    page.get_by_role("button", name=f"Release {AU_BRONZE_SMS}").click()

    expect(page.locator("#numbers-status")).to_have_text(
        f"{AU_BRONZE_SMS} released: back in the pool."
    )
    expect(assigned).to_have_count(0)
    expect(
        page.get_by_role("button", name=f"Assign {AU_BRONZE_SMS} to DemoAccount")
    ).to_be_visible()
    assert assigned_numbers(http) == {}
    assert not may_send_from(client, AU_BRONZE_SMS)


def test_a_sub_account_takes_a_number_of_its_own_and_a_refusal_is_shown(page, http):
    page.goto("/numbers")
    page.get_by_label("Account", exact=True).select_option("DemoSubAccount1")
    expect(page.get_by_role("heading", name="Dedicated numbers of DemoSubAccount1")).to_be_visible()
    page.get_by_label("Pool numbers containing").fill("570202")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("[data-region=pool] .number-row")).to_have_count(1)

    page.get_by_role("button", name=f"Assign {AU_SILVER_MMS} to DemoSubAccount1").click()

    expect(page.locator("[data-region=assigned]")).to_contain_text(AU_SILVER_MMS)
    assert assigned_numbers(http, account="DemoSubAccount1") == {AU_SILVER_MMS: None}
    assert assigned_numbers(http) == {}

    page.get_by_label("Pool numbers containing").fill(NOT_YET_AVAILABLE[-6:])
    page.get_by_role("button", name="Show").click()
    later = page.locator("[data-region=pool] .number-row")
    expect(later).to_contain_text("available from 01 Jan 2099")
    later.get_by_role("button").click()
    expect(page.locator("#numbers-status")).to_have_text(
        "The number is not available for assignment before its available_after time."
    )
    assert assigned_numbers(http, account="DemoSubAccount1") == {AU_SILVER_MMS: None}


def test_a_pending_alpha_tag_is_approved_or_rejected_in_one_click(page, http, client):
    approved = request_alpha_tag(http, "HOLDBRAND")
    rejected = request_alpha_tag(http, "HOLDOTHER")
    page.goto("/numbers")
    rows = page.locator("[data-region=senders] .number-row")
    expect(rows.filter(has_text="DemoCo")).to_contain_text("approved")
    expect(rows.filter(has_text="HOLDBRAND")).to_contain_text("pending")
    assert not may_send_from(client, "HOLDBRAND")

    page.get_by_role("button", name="Approve HOLDBRAND").click()

    expect(page.locator("#numbers-status")).to_have_text("HOLDBRAND approved.")
    expect(rows.filter(has_text="HOLDBRAND").locator(".pill")).to_have_text("approved")
    expect(page.get_by_role("button", name="Approve HOLDBRAND")).to_have_count(0)
    assert request_status(http, approved) == "APPROVED"
    assert may_send_from(client, "HOLDBRAND")

    page.get_by_role("button", name="Reject HOLDOTHER").click()

    expect(rows.filter(has_text="HOLDOTHER").locator(".pill")).to_have_text("rejected")
    assert request_status(http, rejected) == "REJECTED"
    assert not may_send_from(client, "HOLDOTHER")
    expect(page.locator("[data-review]")).to_have_count(0)


@SIZES
def test_what_changes_through_the_api_shows_live(page, http, size):
    page.set_viewport_size(size)
    page.goto("/numbers")
    expect(page.locator("#live-indicator")).to_have_attribute("data-state", "live")
    pool = page.locator("[data-region=pool]")
    expect(pool).to_contain_text(AU_SILVER_MMS)

    taken = http.post(
        f"{DEDICATED}/{number_id(AU_SILVER_MMS)}/assignment",
        json={"label": "Marketing"},
        headers=basic_auth(),
    )
    assert taken.status_code == 201, taken.text
    request_alpha_tag(http, "HOLDLIVE")

    assigned = page.locator("[data-region=assigned]")
    expect(assigned).to_contain_text(AU_SILVER_MMS, timeout=LIVE_MS)
    expect(assigned).to_contain_text("Marketing")
    expect(pool).not_to_contain_text(AU_SILVER_MMS)
    expect(page.get_by_role("button", name="Approve HOLDLIVE")).to_be_visible(timeout=LIVE_MS)

    elsewhere = http.post(
        f"{DEDICATED}/{number_id(AU_BRONZE_SMS)}/assignment",
        json={},
        headers=basic_auth(OTHER),
    )
    assert elsewhere.status_code == 201
    expect(pool).not_to_contain_text(AU_BRONZE_SMS, timeout=LIVE_MS)
    expect(assigned).not_to_contain_text(AU_BRONZE_SMS)
    no_sideways_scroll(page)


def test_the_page_refuses_an_unknown_account_and_bad_digits(http):
    unknown = http.get("/numbers?account=Nobody")
    assert unknown.status_code == 400
    assert unknown.json()["details"] == ["account: Nobody is not an account."]
    letters = http.get("/numbers?matching=abc")
    assert letters.status_code == 400
    assert letters.json()["details"] == ["matching: Expected up to 15 digits."]
    refused = http.post(
        f"/numbers/{number_id(AU_BRONZE_SMS)}/assignment", json={"account": "Nobody"}
    )
    assert refused.status_code == 404
    too_long = http.post(
        f"/numbers/{number_id(AU_BRONZE_SMS)}/assignment",
        json={"account": "DemoAccount", "label": "x" * 101},
    )
    assert too_long.status_code == 400
    assert assigned_numbers(http) == {}
    not_held = http.delete(f"/numbers/{number_id(AU_BRONZE_SMS)}/assignment?account=DemoAccount")
    assert not_held.status_code == 404
