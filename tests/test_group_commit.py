"""Sends handed in while another writes share one transaction (a group commit), and each still
gets its own answer: its echoes, or its own error while the others are stored. SQLite only:
PostgreSQL writers do not take turns, so each send has its own transaction there."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
import sqlalchemy.exc
from sqlalchemy import event

from emulator.schemas.messages import SendMessagesRequestSchema
from emulator.store import messages as stored_messages
from emulator.store.database import WRITE
from tests.support import find_message, list_messages, message

WAIT_SECONDS = 10


@pytest.fixture
def store(emulator):
    return emulator.store


@pytest.fixture
def messages(emulator):
    return emulator.messages


@pytest.fixture
def commits(store) -> list[int]:
    """One entry per writing transaction the store commits."""
    seen: list[int] = []

    def committed(connection) -> None:
        if connection.get_execution_options().get(WRITE):
            seen.append(1)

    event.listen(store.engine, "commit", committed)
    return seen


def loaded(content: str) -> list[dict]:
    body = {"messages": [message(content=content)]}
    return SendMessagesRequestSchema().load(body)["messages"]


def wait_until(condition) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, "the sends were never handed in"
        time.sleep(0.005)


def while_a_writer_holds_the_store(store, handed_in: int, work) -> list:
    """Run `work` from worker threads while a first send is writing; return each result (or
    the error it raised) once `handed_in` of them wait for the store."""
    writing, release = threading.Event(), threading.Event()

    def first_writer(tx):
        writing.set()
        assert release.wait(WAIT_SECONDS)

    with ThreadPoolExecutor(max_workers=len(work) + 1) as pool:
        first = pool.submit(store.together, first_writer)
        assert writing.wait(WAIT_SECONDS)
        futures = [pool.submit(each) for each in work]
        wait_until(lambda: store.waiting_together == handed_in)
        release.set()
        first.result()
        return [future.exception() or future.result() for future in futures]


def test_sends_that_wait_for_the_store_together_commit_once(store, messages, commits):
    sends = [lambda n=n: messages.send("DemoAccount", loaded(f"Message {n}")) for n in range(5)]

    answers = while_a_writer_holds_the_store(store, 5, sends)

    assert len(commits) == 2  # the first writer's, then one for all five sends
    assert [echoes[0]["content"] for echoes in answers] == [f"Message {n}" for n in range(5)]
    stored = {m["id"]: m["content"] for m in list_messages(store, account_id="DemoAccount")}
    assert {echoes[0]["message_id"]: echoes[0]["content"] for echoes in answers} == stored


def test_the_rows_of_a_group_are_one_insert_per_table(store, messages):
    """Each statement inside the write lock also waits for the interpreter's lock while the
    other threads run: five sends in one group insert their messages and events once."""
    inserts: list[str] = []

    def executed(connection, cursor, statement, parameters, context, executemany) -> None:
        if statement.startswith("INSERT"):
            inserts.append(statement.split()[2])

    event.listen(store.engine, "before_cursor_execute", executed)
    sends = [lambda n=n: messages.send("DemoAccount", loaded(f"Message {n}")) for n in range(5)]

    while_a_writer_holds_the_store(store, 5, sends)

    assert inserts == ["messages", "events"]
    stored = sorted(m["content"] for m in list_messages(store, account_id="DemoAccount"))
    assert stored == [f"Message {n}" for n in range(5)]


def test_a_send_that_fails_in_a_group_fails_alone_and_the_others_are_stored(
    store, messages, commits
):
    attempts = []

    def failing_send(tx):
        attempts.append(1)
        messages.send("DemoAccount", loaded("Stored, then refused"))
        raise RuntimeError("refused after inserting")

    work = [
        lambda: store.together(lambda tx: messages.send("DemoAccount", loaded("Before"))),
        lambda: store.together(failing_send),
        lambda: store.together(lambda tx: messages.send("DemoAccount", loaded("After"))),
    ]

    before, failed, after = while_a_writer_holds_the_store(store, 3, work)

    assert isinstance(failed, RuntimeError)
    assert before[0]["content"] == "Before" and after[0]["content"] == "After"
    stored = sorted(m["content"] for m in list_messages(store, account_id="DemoAccount"))
    assert stored == ["After", "Before"]
    assert len(attempts) == 2  # in the group, which rolled back, then alone
    assert len(commits) == 3  # the first writer's, then the two good sends alone


def test_a_send_whose_insert_fails_in_a_group_fails_alone(store, messages):
    """When the store refuses one send's rows, the group rolls back, each send runs again
    alone, and only the one whose rows are refused fails."""
    [earlier] = messages.send("DemoAccount", loaded("Earlier"))
    refused = find_message(store, "DemoAccount", earlier["message_id"])  # its ID is taken
    work = [
        lambda: messages.send("DemoAccount", loaded("Before")),
        lambda: store.together(lambda tx: stored_messages.insert(tx, [refused])),
        lambda: messages.send("DemoAccount", loaded("After")),
    ]

    before, failed, after = while_a_writer_holds_the_store(store, 3, work)

    assert isinstance(failed, sqlalchemy.exc.IntegrityError)
    assert before[0]["content"] == "Before" and after[0]["content"] == "After"
    stored = sorted(m["content"] for m in list_messages(store, account_id="DemoAccount"))
    assert stored == ["After", "Before", "Earlier"]


def test_a_group_whose_transaction_fails_after_its_work_is_not_run_again(
    store, messages, monkeypatch
):
    """Run again, work that committed would be stored twice: every send of the group has the
    transaction's error instead."""
    hold = store._writers.hold
    commits = []

    @contextmanager
    def fail_after_the_second_commit() -> Iterator[None]:
        with hold():
            yield
        commits.append(1)
        if len(commits) == 2:  # the first writer's, then the group's
            raise OSError("the lock file is gone")

    monkeypatch.setattr(store._writers, "hold", fail_after_the_second_commit)
    sends = [lambda n=n: messages.send("DemoAccount", loaded(f"Message {n}")) for n in range(3)]

    errors = while_a_writer_holds_the_store(store, 3, sends)

    assert [type(error) for error in errors] == [OSError, OSError, OSError]
    stored = sorted(m["content"] for m in list_messages(store, account_id="DemoAccount"))
    assert stored == ["Message 0", "Message 1", "Message 2"]


def test_identical_sends_in_one_group_are_one_accepted_and_one_withheld(emulator, store, messages):
    emulator.features.change_features("DemoAccount", {"deduplication": True})
    sends = [lambda: messages.send("DemoAccount", loaded("Sale today")) for _ in range(2)]

    first, second = while_a_writer_holds_the_store(store, 2, sends)

    emulator.engine.advance(60)
    ended = [messages.get("DemoAccount", echoes[0]["message_id"]) for echoes in (first, second)]
    # Whichever was handed in first is sent; the other is withheld.
    assert sorted((m["status"], m["error_code"]) for m in ended) == [
        ("delivered", "220"),
        ("rejected", "305"),
    ]
