"""What each process keeps in memory between requests (the clock's offset, features, fault
rules, whether an account blocks any number) is never stale: two emulators on one store, as two
processes would be, each answer with what the other has just changed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from emulator.app import create_app
from emulator.domain.records import SignatureKey
from emulator.store import account_features, signature_keys
from emulator.web.requests import EXTENSION_KEY
from tests.support import basic_auth, message

BLACKLIST = "/v1/number_authorisation/mt/blacklist"
# What every send reads and seldom changes.
KEPT_TABLES = ("clock", "account_features", "chaos_rules", "blacklist")


@pytest.fixture
def two(settings):
    """Test clients of two emulators sharing the test's store."""
    apps = [create_app(settings), create_app(settings)]
    yield [app.test_client() for app in apps]
    for app in apps:
        app.extensions[EXTENSION_KEY].close()


def now_of(client) -> datetime:
    return datetime.fromisoformat(client.get("/_emulator/clock").json["now"].replace("Z", "+00:00"))


def send(client, **fields):
    body = {"messages": [message(**fields)]}
    return client.post("/v1/messages", json=body, headers=basic_auth())


def final_error_code(client, sent) -> str | None:
    """The error code the message sent ends with, once its time has come."""
    client.post("/_emulator/clock/advance", json={"seconds": 60})
    message_id = sent.json["messages"][0]["message_id"]
    found = client.get("/_emulator/messages", query_string={"message_id": message_id})
    [stored] = found.json["messages"]
    return stored["error_code"]


def test_an_advance_through_one_is_the_others_time_at_once(two):
    first, second = two
    assert now_of(first) - datetime.now(UTC) < timedelta(minutes=1)  # kept by the first

    second.post("/_emulator/clock/advance", json={"seconds": 7200})

    assert now_of(first) - datetime.now(UTC) > timedelta(minutes=119)
    second.post("/_emulator/reset", json={})
    assert now_of(first) - datetime.now(UTC) < timedelta(minutes=1)


def test_a_feature_change_through_one_applies_to_the_others_next_send(two):
    first, second = two
    assert send(first).status_code == 202
    assert send(first).status_code == 202  # de-duplication is off: both are sent

    second.patch("/_emulator/accounts/DemoAccount", json={"features": {"deduplication": True}})

    assert final_error_code(first, send(first)) == "305"


def test_a_fault_rule_added_or_removed_through_one_is_in_force_in_the_other(two):
    first, second = two
    assert send(first).status_code == 202

    rule = {"method": "POST", "path": "/v1/messages", "fault": {"status": 503}}
    [added] = second.post("/_emulator/chaos", json={"rules": [rule]}).json["rules"]
    assert send(first).status_code == 503

    second.delete(f"/_emulator/chaos/{added['id']}")
    assert send(first).status_code == 202


def test_a_number_blocked_through_one_is_refused_by_the_other(two):
    first, second = two
    assert send(first).status_code == 202  # the account blocks nothing yet: kept as such

    second.post(BLACKLIST, json={"numbers": ["+61491570156"]}, headers=basic_auth())

    assert final_error_code(first, send(first)) == "302"


def test_a_change_rolled_back_is_not_kept(two):
    first, _ = two
    store = first.application.extensions[EXTENSION_KEY].store
    with pytest.raises(RuntimeError), store.transaction() as tx:
        account_features.save_changes(tx, "DemoAccount", {"deduplication": True})
        changed = store.kept(account_features.changes, "DemoAccount")
        assert changed == {"deduplication": True}  # its own change
        raise RuntimeError("rolled back")

    assert store.kept(account_features.changes, "DemoAccount") == {}
    send(first)
    assert final_error_code(first, send(first)) != "305"  # not withheld as a duplicate


def test_a_signature_key_enabled_or_disabled_through_one_is_what_the_other_signs_with(two):
    first, second = two
    store = first.application.extensions[EXTENSION_KEY].store

    def signs_with(account_id: str) -> SignatureKey | None:
        return store.kept(signature_keys.enabled, account_id)

    assert signs_with("DemoAccount") is None  # kept by the first

    body = {"digest": "SHA256", "cipher": "RSA"}
    created = second.post("/v1/iam/signature_keys", json=body, headers=basic_auth()).json
    enabled = {"key_id": created["key_id"]}
    second.patch("/v1/iam/signature_keys/enabled", json=enabled, headers=basic_auth())
    assert signs_with("DemoAccount")["id"] == created["key_id"]

    second.delete("/v1/iam/signature_keys/enabled", headers=basic_auth())
    assert signs_with("DemoAccount") is None


def test_what_is_kept_is_read_from_the_store_again_only_once_it_changes(two):
    first, second = two
    store = first.application.extensions[EXTENSION_KEY].store
    if store.kept_generation() is None:
        pytest.skip("instances on PostgreSQL keep nothing: every request reads the store")
    tables_read: list[str] = []

    @event.listens_for(store.engine, "before_cursor_execute")
    def executed(connection, cursor, statement, *_) -> None:
        tables_read.extend(table for table in KEPT_TABLES if f"FROM {table} " in statement)

    send(first)
    tables_read.clear()
    assert send(first).status_code == 202
    assert tables_read == []

    second.patch("/_emulator/accounts/DemoAccount", json={"features": {"deduplication": True}})
    assert send(first).status_code == 202
    assert "account_features" in tables_read
