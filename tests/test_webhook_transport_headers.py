"""Account webhooks may not set the headers of the connection or of the message's framing: a
receiver would read a body of the wrong length, or the request would name another host."""

from __future__ import annotations

import pytest

from tests.support import basic_auth

AUTH = basic_auth()
WEBHOOK = {
    "url": "https://example.com/hooks/mm",
    "method": "POST",
    "encoding": "JSON",
    "events": ["DELIVERED_DR"],
    "template": '{"id":"$mtId"}',
}
# Spelt as clients might: any case is the same header.
REFUSED = [
    "Host",
    "content-length",
    "Transfer-Encoding",
    "CONNECTION",
    "Keep-Alive",
    "Upgrade",
    "TE",
    "Trailer",
    "Expect",
    "Proxy-Connection",
    "Proxy-Authorization",
]


@pytest.mark.parametrize("name", REFUSED)
def test_create_refuses_a_transport_header_naming_it(client, name):
    headers = {"X-Kept": "yes", name: "1"}
    response = client.post(
        "/v1/webhooks/messages", json={**WEBHOOK, "headers": headers}, headers=AUTH
    )
    assert response.status_code == 400, response.json
    assert response.json["details"] == [
        f"headers: {name} may not be set: it belongs to the connection, which the emulator makes."
    ]


@pytest.mark.parametrize("name", REFUSED)
def test_update_refuses_a_transport_header_and_keeps_the_headers_set(client, name):
    created = client.post(
        "/v1/webhooks/messages", json={**WEBHOOK, "headers": {"X-Kept": "yes"}}, headers=AUTH
    ).json
    path = f"/v1/webhooks/messages/{created['id']}"
    response = client.patch(path, json={"headers": {name: "evil.test"}}, headers=AUTH)
    assert response.status_code == 400
    assert response.json["details"][0].startswith(f"headers: {name} may not be set")
    assert client.get(path, headers=AUTH).json["headers"] == {"X-Kept": "yes"}


@pytest.mark.parametrize("name", ["Authorization", "X-Host", "Content-Language", "Hosts"])
def test_end_to_end_headers_are_kept(client, name):
    response = client.post(
        "/v1/webhooks/messages", json={**WEBHOOK, "headers": {name: "v"}}, headers=AUTH
    )
    assert response.status_code == 201, response.json
    assert response.json["headers"] == {name: "v"}
