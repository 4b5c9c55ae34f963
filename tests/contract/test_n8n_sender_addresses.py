"""The sender drop-down of the n8n MessageMedia node (Sinch Engage), filled as the node fills it:
GET /v1/messaging/numbers/sender_address/addresses without the spec's trailing slash, with Basic
credentials and JSON headers, following `pagination.next_token` by sending it as `page_token`
(at most 10 pages), against a live emulator."""

from __future__ import annotations

import base64

from emulator.domain.dedicated_numbers import pool_number_id
from tests.support import DEMO, OTHER, alpha_tag_request

ADDRESSES = "/v1/messaging/numbers/sender_address/addresses"
MAX_PAGES = 10


def n8n_headers(key: str, secret: str) -> dict[str, str]:
    """What the node's request helper sends: Basic credentials and, with `json: true`, JSON."""
    token = base64.b64encode(f"{key}:{secret}".encode()).decode()
    return {
        "Authorization": f"Basic {token}",
        "Content-Type": "application/json",
        "Accept": "application/json",
    }


def sender_options(http, key: str, secret: str) -> tuple[list[dict], int]:
    """The drop-down's options as the node builds them, and how many pages it read."""
    addresses, token, pages = [], None, 0
    while True:
        query = f"?page_token={token}" if token else ""
        response = http.get(f"{ADDRESSES}{query}", headers=n8n_headers(key, secret))
        assert response.status_code == 200, response.text
        body = response.json()
        addresses += body["data"]
        token = body["pagination"].get("next_token")
        pages += 1
        if not token or pages >= MAX_PAGES:
            break
    options = [{"name": "Use Account Default", "value": ""}]
    for address in addresses:
        if address.get("display_status") == "EXPIRED":
            continue
        label = (address.get("label") or "").strip()
        number = address.get("number") or {}
        kind = number.get("type") or address["sender_address_type"]
        capabilities = ", ".join(number.get("capabilities") or ["SMS"])
        parts = [capabilities, f"Type: {kind}"]
        if address.get("destination_countries"):
            parts.append(f"Countries: {', '.join(address['destination_countries'])}")
        options.append(
            {
                "name": f"{address['sender_address']} - {label}"
                if label
                else address["sender_address"],
                "value": address["sender_address"],
                "description": " | ".join(parts),
            }
        )
    return options, pages


def test_the_sender_drop_down_lists_every_address_once_over_pages(http, advance):
    demo = n8n_headers(DEMO.key, DEMO.secret)
    assigned = http.post(
        f"/v1/messaging/numbers/dedicated/{pool_number_id('+61491570202')}/assignment",
        json={"label": "Support"},
        headers=demo,
    )
    assert assigned.status_code == 201
    tags = [f"BRAND{index:02d}" for index in range(17)]
    for tag in tags:
        created = http.post(
            "/v1/messaging/numbers/sender_address/requests",
            json=alpha_tag_request(tag),
            headers=demo,
        )
        assert created.status_code == 201
    advance(300)

    options, pages = sender_options(http, DEMO.key, DEMO.secret)

    assert pages == 2
    values = [option["value"] for option in options]
    assert values == [
        "",
        "DemoCo",
        "+61491570157",
        "+61491570158",
        "+61491570159",
        "+61491570202",
        *tags,
    ]
    assert options[5] == {
        "name": "+61491570202 - Support",
        "value": "+61491570202",
        "description": "SMS, MMS | Type: MOBILE | Countries: AU",
    }
    assert options[1]["description"] == "SMS | Type: ALPHANUMERIC"
    assert options[2]["description"] == "SMS | Type: INTERNATIONAL | Countries: AU"
    other, _ = sender_options(http, OTHER.key, OTHER.secret)
    assert [option["value"] for option in other] == ["", "+61491570170"]
