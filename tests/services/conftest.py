"""The services built as `build_emulator` builds them, on a SQLite file, with no Flask or HTTP.

They take the root conftest's `settings`; a module overrides that fixture to change the fixture
folder or the timing.
"""

from __future__ import annotations

import pytest

from emulator.clock import Clock
from emulator.domain.accounts import AccountDirectory
from emulator.engine.delivery_http import WebhookSender
from emulator.engine.engine import Engine
from emulator.fixture_files import (
    load_accounts,
    load_handset_scripts,
    load_keywords,
    load_outcome_rules,
)
from emulator.schemas.messages import SendMessagesRequestSchema
from emulator.services.acceptance import AcceptancePolicy
from emulator.services.features import FeatureService
from emulator.services.inbox import InboxService
from emulator.services.messages import MessageService
from emulator.services.replies import ReplyService
from emulator.settings import Settings
from emulator.store import Store
from tests.support import message


@pytest.fixture
def store(settings: Settings) -> Store:
    store = Store(settings.database_url)
    yield store
    store.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def accounts(settings: Settings) -> AccountDirectory:
    return load_accounts(settings.fixtures)


@pytest.fixture
def features(accounts, store) -> FeatureService:
    return FeatureService(accounts, store)


@pytest.fixture
def messages(settings, store, clock, features) -> MessageService:
    outcomes = load_outcome_rules(settings.fixtures)
    return MessageService(
        store, clock, features, AcceptancePolicy(store, outcomes, settings.step_delays)
    )


@pytest.fixture
def inbox(store, clock) -> InboxService:
    return InboxService(store, clock)


@pytest.fixture
def replies(settings, store, clock, accounts) -> ReplyService:
    return ReplyService(store, clock, accounts, load_keywords(settings.fixtures))


@pytest.fixture
def engine(settings, store, clock) -> Engine:
    """The engine, to move sent messages along their lifecycle with `engine.advance(seconds)`."""
    engine = Engine(
        store,
        clock,
        settings.step_delays,
        settings.retry_policy,
        WebhookSender(settings.webhook_timeout_seconds),
        load_handset_scripts(settings.fixtures),
        load_keywords(settings.fixtures),
    )
    yield engine
    engine.stop()


@pytest.fixture
def send(messages):
    """Send messages (fields added to a valid message) as an account, after the request schema
    has loaded them as the API does; returns the echoes."""

    def _send(*changes: dict, account: str = "DemoAccount") -> list[dict]:
        body = {"messages": [message(**fields) for fields in changes or ({},)]}
        return messages.send(account, SendMessagesRequestSchema().load(body)["messages"])

    return _send


@pytest.fixture
def send_one(send):
    """Send one message as an account and return its ID."""

    def _send_one(account: str = "DemoAccount", **fields) -> str:
        return send(fields, account=account)[0]["message_id"]

    return _send_one
