"""An account webhook read by ID as the n8n MessageMedia node reads it: GET with Basic auth and a
JSON Accept header, against a live emulator."""

from __future__ import annotations

import base64

from tests.support import DEMO, OTHER

WEBHOOK = {
    "url": "https://n8n.example.com/webhook/messagemedia",
    "method": "POST",
    "encoding": "JSON",
    "events": ["RECEIVED_SMS"],
    "template": '{"id":"$moId","content":"$moContent"}',
}


def n8n_headers(key: str, secret: str) -> dict[str, str]:
    """What n8n's HTTP helper sends for a JSON request with Basic credentials."""
    token = base64.b64encode(f"{key}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {token}", "Accept": "application/json"}


def test_the_webhook_read_by_id_as_n8n_reads_it(http):
    headers = n8n_headers(DEMO.key, DEMO.secret)
    created = http.post("/v1/webhooks/messages", json=WEBHOOK, headers=headers).json()

    response = http.get(f"/v1/webhooks/messages/{created['id']}", headers=headers)

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {
        **WEBHOOK,
        "id": created["id"],
        "headers": {},
        "read_timeout": 20000,
        "retries": 3,
        "retry_delay": 30,
    }
    foreign = http.get(
        f"/v1/webhooks/messages/{created['id']}", headers=n8n_headers(OTHER.key, OTHER.secret)
    )
    assert (foreign.status_code, foreign.json()) == (404, {"message": "Resource not found"})
