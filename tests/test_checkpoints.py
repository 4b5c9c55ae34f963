"""The store's log is checkpointed after commits, outside the write lock; a checkpoint that
cannot run is a warning, never a failed request: what it follows has committed."""

from __future__ import annotations

import sqlalchemy.exc

from emulator.schemas.messages import SendMessagesRequestSchema
from emulator.store import base
from emulator.store.database import sqlite_file
from tests.support import list_messages, message


def test_a_checkpoint_that_cannot_get_a_connection_is_only_a_warning(emulator, monkeypatch, caplog):
    store = emulator.store
    monkeypatch.setattr(base, "CHECKPOINT_EVERY_COMMITS", 1)
    checkpointing = []
    after_commit, raw_connection = store._after_sqlite_commit, store.engine.raw_connection

    def checkpoint() -> None:
        checkpointing.append(True)
        try:
            after_commit()
        finally:
            checkpointing.pop()

    def busy_pool_for_checkpoints():
        if checkpointing:
            raise sqlalchemy.exc.TimeoutError("QueuePool limit of size 8 overflow 32 reached")
        return raw_connection()

    monkeypatch.setattr(store, "_after_sqlite_commit", checkpoint)
    monkeypatch.setattr(store.engine, "raw_connection", busy_pool_for_checkpoints)
    loaded = SendMessagesRequestSchema().load({"messages": [message(content="Kept")]})

    [echo] = emulator.messages.send("DemoAccount", loaded["messages"])

    assert [m["id"] for m in list_messages(store)] == [echo["message_id"]]
    assert "checkpoint of the store's log failed: QueuePool limit" in caplog.text


def test_after_its_commits_the_log_is_copied_into_the_store_file(emulator, monkeypatch):
    store = emulator.store
    monkeypatch.setattr(base, "CHECKPOINT_EVERY_COMMITS", 1)
    path = sqlite_file(store.url)
    before = path.read_bytes()
    loaded = SendMessagesRequestSchema().load({"messages": [message(content="Copied")]})

    emulator.messages.send("DemoAccount", loaded["messages"])

    assert path.read_bytes() != before  # SQLite alone would leave it in the log for thousands
