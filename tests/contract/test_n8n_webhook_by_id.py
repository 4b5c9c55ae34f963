"""An account webhook read by ID as n8n's MessageMedia (Sinch Engage) trigger node reads it when
it checks that its webhook still exists: GET with Basic auth and JSON `Accept` and `Content-Type`
headers (and no body), against a live emulator. A 404 tells the node to create its webhook again;
its deactivation DELETEs the webhook and takes a 404 as already deleted."""

from __future__ import annotations

import base64

from tests.support import DEMO, OTHER

# The webhook the node creates: its own URL, a header naming it, both kinds of reply.
WEBHOOK = {
    "url": "https://n8n.example.com/webhook/0c4f6a51/webhook",
    "method": "POST",
    "encoding": "JSON",
    "headers": {"Source": "n8n"},
    "events": ["RECEIVED_SMS", "RECEIVED_MMS"],
    "template": '{"id": "$!moId", "message_content": "$esc.json($replyContent)"}',
}
UNKNOWN_ID = "a7f11bb0-f299-4861-a5ca-9b29d04bc5ad"
NOT_FOUND = (404, {"message": "Resource not found"})


def n8n_headers(key: str, secret: str) -> dict[str, str]:
    """What the node's request helper sends with its Basic credentials, a body or not."""
    token = base64.b64encode(f"{key}:{secret}".encode()).decode()
    return {
        "Authorization": f"Basic {token}",
        "Accept": "application/json",
        "Content-Type": "application/json",
    }


def test_the_webhook_read_by_id_as_n8n_reads_it(http):
    headers = n8n_headers(DEMO.key, DEMO.secret)
    created = http.post("/v1/webhooks/messages", json=WEBHOOK, headers=headers).json()

    response = http.get(f"/v1/webhooks/messages/{created['id']}", headers=headers)

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {
        **WEBHOOK,
        "id": created["id"],
        "read_timeout": 20000,
        "retries": 3,
        "retry_delay": 30,
    }
    listed = http.get("/v1/webhooks/messages", headers=headers).json()["pageData"]
    assert listed == [response.json()]
    foreign = http.get(
        f"/v1/webhooks/messages/{created['id']}", headers=n8n_headers(OTHER.key, OTHER.secret)
    )
    assert (foreign.status_code, foreign.json()) == NOT_FOUND


def test_a_webhook_gone_is_a_404_as_n8n_checks_it(http):
    headers = n8n_headers(DEMO.key, DEMO.secret)
    unknown = http.get(f"/v1/webhooks/messages/{UNKNOWN_ID}", headers=headers)
    assert (unknown.status_code, unknown.json()) == NOT_FOUND

    created = http.post("/v1/webhooks/messages", json=WEBHOOK, headers=headers).json()
    deleted = http.delete(f"/v1/webhooks/messages/{created['id']}", headers=headers)
    assert deleted.status_code == 204

    gone = http.get(f"/v1/webhooks/messages/{created['id']}", headers=headers)
    assert (gone.status_code, gone.json()) == NOT_FOUND
    again = http.delete(f"/v1/webhooks/messages/{created['id']}", headers=headers)
    assert (again.status_code, again.json()) == NOT_FOUND
