"""What the inbox pages read, without a browser: handsets by latest activity, filters, a
conversation in order with its steps and opt-outs, and pages whose cost does not grow with the
store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from emulator.domain.ids import new_id
from emulator.domain.records import new_reply
from emulator.services.conversations import ConversationService, segment_view
from emulator.store import Store, inbox_views
from emulator.store import messages as stored_messages
from emulator.store.messages import Planned
from tests.support import basic_auth, find_message, message, record_delivery_report


@pytest.fixture
def service(emulator) -> ConversationService:
    return ConversationService(emulator.store, emulator.clock, emulator.accounts, emulator.features)


def numbers(page) -> list[str]:
    return [row["number"] for row in page.items]


def test_handsets_by_latest_message_or_reply(service, send, emulator):
    send(message(destination_number="+61491570101", content="first"))
    send(message(destination_number="+61491570102", content="second"))
    emulator.clock.advance(1)
    emulator.replies.receive("+61491570101", "an answer")

    page = service.handsets(None, None, 1)
    assert numbers(page) == ["+61491570101", "+61491570102"]
    assert page.items[0]["direction"] == "in" and page.items[0]["content"] == "an answer"
    assert page.items[1]["direction"] == "out" and page.items[1]["status"] == "queued"
    assert not page.has_more and not page.has_previous


def test_filters_by_account_with_or_without_its_sub_accounts(service, send):
    send(message(destination_number="+61491570101"))
    send(message(destination_number="+61491570102"), headers=basic_auth(account="DemoSubAccount1"))

    assert numbers(service.handsets("DemoAccount", None, 1)) == ["+61491570102", "+61491570101"]
    assert numbers(service.handsets("DemoSubAccount1", None, 1)) == ["+61491570102"]
    assert numbers(service.handsets("OtherAccount", None, 1)) == []
    assert numbers(service.handsets("NoSuchAccount", None, 1)) == []


def test_search_matches_number_or_text_literally(service, send):
    send(message(destination_number="+61491570101", content="Your order 100% shipped"))
    send(message(destination_number="+61491570102", content="Hello"))

    assert numbers(service.handsets(None, "0102", 1)) == ["+61491570102"]
    assert numbers(service.handsets(None, "100%", 1)) == ["+61491570101"]
    assert numbers(service.handsets(None, "_", 1)) == []


def test_pages_of_handsets(service, send):
    for index in range(30):
        send(message(destination_number=f"+614915701{index:02d}"))
    first, second = service.handsets(None, None, 1), service.handsets(None, None, 2)
    assert len(first.items) == 25 and first.has_more
    assert len(second.items) == 5 and not second.has_more and second.has_previous
    assert not set(numbers(first)) & set(numbers(second))


def test_a_conversation_in_order_with_its_steps_and_opt_out(service, send, emulator):
    [echo] = send(message(content="Reply STOP to opt out", delivery_report=True))
    stored = find_message(emulator.store, "DemoAccount", echo["message_id"])
    now = emulator.clock.now()
    record_delivery_report(emulator.store, stored, "enroute", "101", now + timedelta(seconds=1))
    emulator.clock.advance(2)
    emulator.replies.receive("+61491570156", "STOP")
    emulator.clock.advance(1)

    conversation = service.conversation("+61491570156", None)
    assert [bubble.kind for bubble in conversation.bubbles] == ["message", "reply"]
    sent = conversation.bubbles[0]
    assert [(step.status, step.error_code) for step in sent.steps] == [
        ("accepted", None),
        ("enroute", "101"),
    ]
    assert sent.steps[1].meaning == "Message being processed by the gateway."
    assert conversation.opted_out == ["DemoAccount"]
    assert conversation.reply_to is None


def test_a_handset_that_only_wrote_in_is_answered_at_the_number_it_wrote_to(service, emulator):
    emulator.replies.receive("+61491570111", "Hi", destination_number="+61491570170")
    conversation = service.conversation("+61491570111", None)
    assert conversation.reply_to == "+61491570170"
    assert conversation.bubbles[0].account_id == "OtherAccount"


def test_a_scripted_reply_not_yet_received_is_pending(service, send, emulator):
    [echo] = send(message())
    stored = find_message(emulator.store, "DemoAccount", echo["message_id"])
    # A scripted handset's reply is stored when the message is delivered, for a later time.
    scripted = new_reply(stored, "YES", emulator.clock.now() + timedelta(hours=1))
    with emulator.store.transaction() as connection:
        stored_messages.apply_transitions(connection, Planned(replies=[scripted]))

    bubbles = service.conversation("+61491570156", None).bubbles
    assert [(bubble.kind, bubble.pending) for bubble in bubbles] == [
        ("message", False),
        ("reply", True),
    ]


def test_webhooks_of_a_message_found_by_the_start_of_its_id(service, send, emulator):
    [sent] = send(message(delivery_report=True, callback_url="http://127.0.0.1:9/hook"))
    send(message(delivery_report=True, callback_url="http://127.0.0.1:9/hook"))
    emulator.engine.advance(10)
    message_id = sent["message_id"]

    found = service.webhooks(message_id[:8].upper(), None, 1).items
    assert len(found) == 3
    assert {hook["message_id"] for hook in found} == {message_id}
    assert len(service.webhooks(None, None, 1).items) == 6
    assert service.webhooks(message_id[:8] + "%", None, 1).items == []


def test_segment_runs_mark_forced_and_double_characters():
    view = segment_view("Café — 5€")
    assert view.split.encoding == "UCS-2"
    assert [(run.text, run.kind) for run in view.parts[0]] == [
        ("Café ", "text"),
        ("—", "ucs2"),
        (" 5€", "text"),
    ]
    gsm = segment_view("5€ [ok]")
    assert [(run.text, run.kind) for run in gsm.parts[0]] == [
        ("5", "text"),
        ("€", "extension"),
        (" ", "text"),
        ("[", "extension"),
        ("ok", "text"),
        ("]", "extension"),
    ]


def _steps_of_first_page(store: Store) -> int:
    """SQLite virtual-machine steps spent on the first page of handsets."""
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    def watch(connection, *args):
        connection.connection.dbapi_connection.set_progress_handler(count, 100)

    event.listen(store.engine, "before_cursor_execute", watch)
    try:
        with store.reading() as tx:
            inbox_views.latest_per_handset(tx, None, None, 0, 26)
            inbox_views.latest_per_handset(tx, ("DemoAccount", "DemoSubAccount1"), None, 0, 26)
    finally:
        event.remove(store.engine, "before_cursor_execute", watch)
    return steps


def _fill(store: Store, count: int) -> None:
    start = datetime(2030, 1, 1, tzinfo=UTC)
    rows = []
    for index in range(count):
        at = start + timedelta(seconds=index)
        account = ("DemoAccount", "OtherAccount", "DemoSubAccount1")[index % 3]
        rows.append(
            {
                **message(destination_number=f"+614{index % 5000:08d}", content=f"Hello {index}"),
                **dict.fromkeys(("source_number", "source_number_type", "callback_url")),
                **dict.fromkeys(("scheduled", "message_expiry_timestamp", "metadata", "media")),
                **dict.fromkeys(("subject", "sent_content", "error_code", "next_transition_at")),
                "id": new_id(),
                "account_id": account,
                "status": "delivered",
                "format": "SMS",
                "delivery_report": False,
                "billing_units": 1,
                "is_duplicate": False,
                "outcome": {},
                "created_at": at,
                "updated_at": at,
            }
        )
    for batch in range(0, count, 1000):
        with store.transaction() as tx:
            stored_messages.insert(tx, rows[batch : batch + 1000])


def test_the_first_page_costs_the_same_whatever_the_store_holds(tmp_path):
    small, large = Store(f"sqlite:///{tmp_path}/small.db"), Store(f"sqlite:///{tmp_path}/large.db")
    try:
        _fill(small, 1_000)
        _fill(large, 20_000)
        assert _steps_of_first_page(large) < 2 * _steps_of_first_page(small)
    finally:
        small.close()
        large.close()
