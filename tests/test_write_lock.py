"""Writers of one SQLite file take turns on the lock file beside it (`mm-emulator.db-lock`): a
writer waits in the kernel while another process writes and begins its SQLite transaction the
moment that one ends, rather than polling SQLite's own lock with growing sleeps."""

from __future__ import annotations

import fcntl
import os
import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import event

from emulator.schemas.messages import SendMessagesRequestSchema
from emulator.store import base
from emulator.store.database import WRITE, sqlite_file
from tests.support import list_messages, message

WAIT_SECONDS = 10


def test_a_send_waits_on_the_lock_file_while_another_process_writes(emulator, monkeypatch):
    store = emulator.store
    path = sqlite_file(store.url)
    other_process = os.open(path.with_name(path.name + "-lock"), os.O_RDWR | os.O_CREAT)
    fcntl.flock(other_process, fcntl.LOCK_EX)  # what another process's writer holds
    waiting = threading.Event()
    flock = fcntl.flock

    def flock_noticed(descriptor: int, operation: int) -> None:
        if descriptor != other_process and operation == fcntl.LOCK_EX:
            waiting.set()
        flock(descriptor, operation)

    monkeypatch.setattr(base.fcntl, "flock", flock_noticed)
    writes_begun = []

    @event.listens_for(store.engine, "begin")
    def begun(connection) -> None:
        if connection.get_execution_options().get(WRITE):
            writes_begun.append(connection)

    loaded = SendMessagesRequestSchema().load({"messages": [message(content="Waited")]})
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            sent = pool.submit(emulator.messages.send, "DemoAccount", loaded["messages"])
            assert waiting.wait(WAIT_SECONDS), "the send did not wait on the lock file"
            assert writes_begun == [] and not sent.done()
            fcntl.flock(other_process, fcntl.LOCK_UN)
            [echo] = sent.result(timeout=WAIT_SECONDS)
    finally:
        os.close(other_process)

    assert writes_begun
    assert [m["id"] for m in list_messages(store)] == [echo["message_id"]]
