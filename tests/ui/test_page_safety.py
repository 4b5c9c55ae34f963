"""The pages stay within their Content-Security-Policy, load nothing from another host (so they work
without the internet), and show every untrusted string as text, the new ones too: chaos rule
names and paths, a webhook's own headers, a number's and a sender address's labels, what the
composer and the dialogs say."""

from __future__ import annotations

import pytest

from tests.support import alpha_tag_request, basic_auth, message

pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
from playwright.sync_api import expect  # noqa: E402

HANDSET = "+61491570156"
HOSTILE = '"><img src=x onerror=alert(1)><script>alert(2)</script>'
PAGES = ("/", f"/handsets/{HANDSET}", "/webhooks", "/numbers", "/reports", "/accounts", "/chaos")
SIZES = pytest.mark.parametrize(
    "size", [{"width": 1280, "height": 900}, {"width": 360, "height": 740}], ids=["1280px", "360px"]
)


def hostile_store(http, receiver) -> None:
    rule = {
        "name": HOSTILE,
        "path": "/v1/nothing/" + HOSTILE.replace(" ", ""),
        "fault": {"drop": True},
    }
    assert http.post("/_emulator/chaos", json={"rules": [rule]}).status_code == 201
    webhook = {
        "url": receiver.url,
        "method": "POST",
        "encoding": "JSON",
        "events": ["RECEIVED_SMS"],
        "headers": {"X-Note": HOSTILE},
        "template": '{"text": "$esc.json($!moContent)"}',
    }
    created = http.post("/v1/webhooks/messages", json=webhook, headers=basic_auth())
    assert created.status_code == 201, created.text
    body = {"messages": [message(content=HOSTILE, metadata={"note": HOSTILE})]}
    assert http.post("/v1/messages", json=body, headers=basic_auth()).status_code == 202
    reply = {"source_number": HANDSET, "content": HOSTILE}
    assert http.post("/_emulator/replies", json=reply).status_code == 201
    assert http.post("/_emulator/clock/advance", json={"seconds": 10}).status_code == 200
    number = http.get("/v1/messaging/numbers/dedicated/?matching=570201", headers=basic_auth())
    taken = http.post(
        f"/v1/messaging/numbers/dedicated/{number.json()['data'][0]['id']}/assignment",
        json={"label": HOSTILE},
        headers=basic_auth(),
    )
    assert taken.status_code == 201, taken.text
    alpha_tag = alpha_tag_request("HOLDTAG", reason=HOSTILE, label=HOSTILE)
    requested = http.post(
        "/v1/messaging/numbers/sender_address/requests", json=alpha_tag, headers=basic_auth()
    )
    assert requested.status_code == 201, requested.text


@SIZES
def test_every_page_loads_only_its_own_assets_and_shows_hostile_text_as_text(
    page, http, server, receivers, size
):
    page.set_viewport_size(size)
    hostile_store(http, receivers())
    elsewhere: list[str] = []

    def only_here(route):
        if route.request.url.startswith(server.base_url) or route.request.url.startswith("data:"):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    # Anything from another host fails, as it would without the internet.
    page.context.route("**/*", only_here)
    for path in PAGES:
        page.goto(path)
        expect(page.locator("#live-indicator")).to_have_attribute("data-state", "live")
        for summary in page.locator("details summary").all():
            if summary.is_visible():
                summary.click()

    page.goto("/chaos")
    expect(page.locator(".rule-name")).to_have_text(HOSTILE)
    expect(page.get_by_role("switch", name=f"{HOSTILE} on")).to_be_checked()
    page.goto("/webhooks")
    headers = page.locator(".request-headers")
    headers.first.evaluate("element => element.closest('details').open = true")
    expect(headers.first).to_contain_text(HOSTILE)
    page.goto("/numbers")
    expect(page.locator("[data-region=assigned] .number-label")).to_have_text(HOSTILE)
    expect(page.locator("[data-region=senders] .number-label")).to_have_text(HOSTILE)
    page.goto("/")
    page.get_by_role("button", name=f"Delete {HANDSET}").click()
    expect(page.get_by_role("dialog").get_by_role("heading")).to_have_text(f"Delete {HANDSET}?")
    page.get_by_role("dialog").get_by_role("button", name="Cancel").click()

    assert elsewhere == []
    assert page.locator("img[src=x]").count() == 0
    assert page.evaluate("document.querySelectorAll('script:not([src])').length") == 0
    # The page fixture fails the test on any dialog (an alert ran) or console error (a CSP
    # violation is one).


def test_every_page_and_answer_of_the_inbox_carries_the_policy(http):
    for path in (*PAGES, "/changes?after=0"):
        answered = http.get(path)
        assert answered.status_code == 200, path
        policy = answered.headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy, path
        assert answered.headers["X-Content-Type-Options"] == "nosniff"
