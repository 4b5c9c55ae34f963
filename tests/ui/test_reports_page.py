"""The Reports page in a real browser: its tables are the insights API's numbers for the same
account and window, its charts have a bar per status and a column per day, and a message sent
through the API shows on the open page."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.support import basic_auth, message

pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
from playwright.sync_api import expect  # noqa: E402

INSIGHTS = "/v2-preview/reporting/messages/insights"
# DemoAccount's time zone (fixtures/accounts.yaml): the days the page and the API count in.
ZONE = ZoneInfo("Australia/Sydney")
SIZES = pytest.mark.parametrize(
    "size", [{"width": 1280, "height": 900}, {"width": 360, "height": 740}], ids=["1280px", "360px"]
)
LIVE_MS = 2000
DAY = 86400
# The cells of a totals table: each row's group, then its numbers.
TABLE_CELLS = """table => [...table.querySelectorAll("tbody tr, tfoot tr")].map(row => [
  row.dataset.group, ...[...row.querySelectorAll("td")].map(cell => Number(cell.textContent))
])"""


def send(http, *messages: dict, account: str | None = None) -> None:
    answer = http.post(
        "/v1/messages", json={"messages": list(messages)}, headers=basic_auth(account=account)
    )
    assert answer.status_code == 202, answer.text


def advance(http, seconds: float) -> None:
    assert http.post("/_emulator/clock/advance", json={"seconds": seconds}).status_code == 200


def local_now(http) -> datetime:
    now = http.get("/_emulator/clock").json()["now"].replace("Z", "+00:00")
    return datetime.fromisoformat(now).astimezone(ZONE)


def today(http) -> date:
    return local_now(http).date()


def advance_to_noon(http) -> None:
    """On to the next noon in Sydney: what follows is hours from a midnight, on known days."""
    now = local_now(http)
    noon = now.replace(hour=12, minute=0, second=0, microsecond=0)
    if noon <= now:
        noon += timedelta(days=1)
    advance(http, (noon - now).total_seconds())


def insights(http, first: date, last: date, group_by: str, account: str | None = None) -> list:
    """The API's totals by `group_by` as the page's table rows, the overall totals last."""
    body = {
        "start_date": f"{first.isoformat()}T00:00:00",
        "end_date": f"{(last + timedelta(days=1)).isoformat()}T00:00:00",
        "timezone": "Australia/Sydney",
        "group_by": [group_by],
    }
    answer = http.post(INSIGHTS, json=body, headers=basic_auth(account=account))
    assert answer.status_code == 200, answer.text
    found = answer.json()
    fields = ("total_sent", "total_received", "total_billing_units", "total_opt_out")
    rows = [[s["group"], *(s[name] for name in fields)] for s in found["summaries"]]
    return [*rows, ["", *(found[name] for name in fields)]]


def three_days_of_messages(http) -> None:
    """Delivered, failed, scheduled and opted-out messages over three days, some of them from a
    sub-account, and replies; the last day's messages still on their way (today)."""
    advance_to_noon(http)
    send(
        http,
        message(destination_number="+61491570156"),
        message(destination_number="+61400000411"),
        message(destination_number="+61491570157", scheduled="2099-01-01T08:00:00Z"),
    )
    advance(http, 10)
    reply = {"source_number": "+61491570156", "content": "STOP"}
    assert http.post("/_emulator/replies", json=reply).status_code == 201
    advance(http, DAY)
    send(http, message(destination_number="+61491570160", content="x" * 200))
    send(http, message(destination_number="+61491570161"), account="DemoSubAccount1")
    advance(http, 10)
    advance(http, DAY)
    send(
        http, message(destination_number="+61491570162"), message(destination_number="+6140000041")
    )


def no_sideways_scroll(page) -> None:
    overflow = page.evaluate(
        "document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px"


def test_the_tables_are_the_insights_apis_numbers_over_the_last_7_days(page, http):
    three_days_of_messages(http)
    last = today(http)
    first = last - timedelta(days=6)
    by_status = insights(http, first, last, "STATUS")
    by_day = insights(http, first, last, "DAY")
    assert len(by_status) >= 4 and len(by_day) == 4, "several statuses over three days"

    page.goto("/reports")

    expect(page.get_by_label("From")).to_have_value(first.isoformat())
    expect(page.get_by_label("To")).to_have_value(last.isoformat())
    assert page.locator("#by-status table").evaluate(TABLE_CELLS) == by_status
    assert page.locator("#by-day table").evaluate(TABLE_CELLS) == by_day
    expect(page.locator("svg [data-day]")).to_have_count(7)
    bars = page.locator("svg [data-status]")
    expect(bars).to_have_count(len(by_status) - 1)
    [delivered] = [row for row in by_status if row[0] == "DELIVERED"]
    expect(page.locator("svg [data-status=DELIVERED] .chart-count")).to_have_text(
        str(delivered[1] + delivered[2])
    )
    day_chart = page.get_by_role("img", name="Messages per day")
    counts = [0, 0, 0, 0, 4, 2, 2]
    days = [first + timedelta(days=n) for n in range(7)]
    said = ", ".join(f"{day.day} {day:%b} {n}" for day, n in zip(days, counts, strict=True))
    expect(day_chart).to_have_attribute("aria-label", f"Messages per day: {said}")


def test_a_window_and_a_sub_account_chosen_on_the_form(page, http):
    three_days_of_messages(http)
    middle = today(http) - timedelta(days=1)
    page.goto("/reports")
    page.get_by_label("Account").select_option("DemoSubAccount1")
    page.get_by_label("From").fill(middle.isoformat())
    page.get_by_label("To").fill(middle.isoformat())
    page.get_by_role("button", name="Show").click()

    expect(page.locator(".report-window")).to_contain_text("1 day,")
    by_day = insights(http, middle, middle, "DAY", account="DemoSubAccount1")
    assert by_day == [[middle.isoformat(), 1, 0, 1, 0], ["", 1, 0, 1, 0]]
    assert page.locator("#by-day table").evaluate(TABLE_CELLS) == by_day
    by_status = insights(http, middle, middle, "STATUS", account="DemoSubAccount1")
    assert page.locator("#by-status table").evaluate(TABLE_CELLS) == by_status

    page.get_by_label("Account").select_option("DemoAccount")
    page.get_by_role("button", name="Show").click()
    assert page.locator("#by-day table").evaluate(TABLE_CELLS) == insights(
        http, middle, middle, "DAY"
    )


@SIZES
def test_messages_sent_through_the_api_show_live(page, http, size):
    page.set_viewport_size(size)
    page.goto("/reports")
    expect(page.get_by_text("No messages in this window.")).to_be_visible()
    expect(page.locator("#live-indicator")).to_have_attribute("data-state", "live")

    send(http, message(), message(destination_number="+61400000411"))

    table = page.locator("#by-status table")
    expect(table).to_be_visible(timeout=LIVE_MS)
    expect(table.locator("tfoot td").first).to_have_text("2")
    advance(http, 10)
    expect(table.locator("tr[data-group=DELIVERED]")).to_be_visible(timeout=LIVE_MS)
    expect(table.locator("tr[data-group=FAILED]")).to_be_visible()
    last = today(http)
    first = last - timedelta(days=6)
    assert table.evaluate(TABLE_CELLS) == insights(http, first, last, "STATUS")
    reply = {"source_number": "+61491570156", "content": "Thanks"}
    assert http.post("/_emulator/replies", json=reply).status_code == 201
    expect(page.locator("#by-day tfoot td").nth(1)).to_have_text("1", timeout=LIVE_MS)
    no_sideways_scroll(page)


def test_a_window_that_cannot_be_shown_says_why(http):
    backwards = http.get("/reports?from=2026-03-10&to=2026-03-01")
    assert backwards.status_code == 400
    assert "to: Must not be before from." in backwards.text
    too_long = http.get("/reports?from=2026-01-01&to=2026-03-01")
    assert too_long.status_code == 400
    assert "The window is at most 45 days" in too_long.text
    unknown = http.get("/reports?account=Nobody")
    assert unknown.status_code == 400
    assert "account: Nobody is not an account." in unknown.text
    not_a_date = http.get("/reports?from=yesterday")
    assert not_a_date.status_code == 400
    assert "from: Not a valid date." in not_a_date.text
    one_end = http.get("/reports?from=2026-03-01")
    assert one_end.status_code == 200
    assert "7 days, 01 Mar 2026 to 07 Mar 2026" in one_end.text


def test_a_long_window_names_at_most_7_days_and_each_month_once(page, http):
    send(http, message())
    last = today(http)
    first = last - timedelta(days=44)
    page.goto(f"/reports?from={first.isoformat()}&to={last.isoformat()}")

    expect(page.locator("svg [data-day]")).to_have_count(45)
    named = page.locator("svg [data-day] .chart-axis").all_text_contents()
    assert 1 < len(named) <= 7
    assert named[-1].startswith(f"{last.day}")
    assert " " in named[0], "the first label names its month"
    months = [label.split()[1] for label in named if " " in label]
    assert len(months) == len(set(months)), named
    # Beyond 14 days the counts on the columns would collide: the table has them.
    expect(page.locator("svg [data-day] .chart-count")).to_have_count(0)
    no_sideways_scroll(page)
