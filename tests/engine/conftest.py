"""Fixtures for lifecycle tests: sending, reading statuses, reports and webhook deliveries."""

from __future__ import annotations

import pytest

from tests.support import basic_auth


@pytest.fixture
def send_one(http):
    """Send one message as DemoAccount over HTTP and return its ID."""

    def _send(**fields) -> str:
        body = {"messages": [{"content": "Hello", "destination_number": "+61491570156", **fields}]}
        response = http.post("/v1/messages", json=body, headers=basic_auth())
        assert response.status_code == 202, response.text
        return response.json()["messages"][0]["message_id"]

    return _send


@pytest.fixture
def status_of(http):
    def _status(message_id: str) -> str:
        return http.get(f"/v1/messages/{message_id}", headers=basic_auth()).json()["status"]

    return _status


@pytest.fixture
def reports(http):
    """The unconfirmed delivery reports of DemoAccount."""

    def _reports() -> list[dict]:
        return http.get("/v1/delivery_reports", headers=basic_auth()).json()["delivery_reports"]

    return _reports


@pytest.fixture
def webhooks(http):
    def _webhooks(**params) -> list[dict]:
        return http.get("/_emulator/webhooks", params=params).json()["webhooks"]

    return _webhooks
