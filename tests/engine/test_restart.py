"""A restart in the middle of a lifecycle or a backoff loses and duplicates nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests

from emulator.app import create_app
from emulator.server import EmulatorServer
from emulator.settings import Settings
from emulator.timestamps import format_timestamp
from emulator.web.requests import EXTENSION_KEY
from tests.support import basic_auth, find_message, list_webhooks, message


class Running:
    """One emulator process's worth of parts on a given store."""

    def __init__(self, db: str) -> None:
        app = create_app(Settings(db=db, webhook_retry_jitter=0))
        self.emulator = app.extensions[EXTENSION_KEY]
        self.server = EmulatorServer(app).start()

    def send(self, **fields) -> str:
        response = requests.post(
            f"{self.server.base_url}/v1/messages",
            json={"messages": [message(**fields)]},
            headers=basic_auth(),
            timeout=5,
        )
        return response.json()["messages"][0]["message_id"]

    def reports(self) -> list[tuple[str, str]]:
        return [
            (r["status"], r["error_code"])
            for r in self.emulator.inbox.delivery_reports("DemoAccount")
        ]

    def stop(self) -> None:
        self.server.stop()
        self.emulator.close()


@pytest.fixture
def db(store_db) -> str:
    return store_db


def test_restart_in_the_middle_of_a_lifecycle(db, receivers):
    receiver = receivers()
    first = Running(db)
    message_id = first.send(delivery_report=True, callback_url=receiver.url)
    created_at = find_message(first.emulator.store, "DemoAccount", message_id)["created_at"]
    first.emulator.engine.advance(2.5)
    assert first.reports() == [("enroute", "101"), ("submitted", "200")]
    first.stop()

    second = Running(db)
    try:
        # Time passed while it was down; the periodic job catches up with what fell due.
        second.emulator.clock.advance(60)
        second.emulator.engine.run_due()
        second.emulator.engine.advance(0)
        stored = find_message(second.emulator.store, "DemoAccount", message_id)
        assert stored["status"] == "delivered"
        assert second.reports() == [("enroute", "101"), ("submitted", "200"), ("delivered", "220")]
        delivered = second.emulator.inbox.delivery_reports("DemoAccount")[-1]
        assert delivered["submitted_date"] == created_at + timedelta(seconds=4)
        assert [p["status"] for p in receiver.payloads] == ["enroute", "submitted", "delivered"]
    finally:
        second.stop()


def test_restart_in_the_middle_of_a_backoff(db, receivers):
    receiver = receivers(answers=[200, 200, 500])
    first = Running(db)
    message_id = first.send(delivery_report=True, callback_url=receiver.url)
    created_at = find_message(first.emulator.store, "DemoAccount", message_id)["created_at"]
    first.emulator.engine.advance(5)
    [pending] = [
        h for h in list_webhooks(first.emulator.store, message_id) if h["state"] == "pending"
    ]
    assert [a["status_code"] for a in pending["attempts"]] == [500]
    assert pending["next_attempt_at"] == created_at + timedelta(seconds=4 + 5)
    first.stop()

    second = Running(db)
    try:
        second.emulator.engine.advance(30)
        hook = next(
            h for h in list_webhooks(second.emulator.store, message_id) if h["id"] == pending["id"]
        )
        assert hook["state"] == "delivered"
        assert hook["attempts"] == [
            pending["attempts"][0],
            {"at": format_timestamp(pending["next_attempt_at"]), "status_code": 200},
        ]
        assert [p["status"] for p in receiver.payloads] == [
            "enroute",
            "submitted",
            "delivered",
            "delivered",
        ]
        assert len(second.reports()) == 3
    finally:
        second.stop()
