"""MessageService: sending stores all or none and echoes `queued`; reading and cancelling see
only the account's own messages, within the 45-day retention."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy.exc

from emulator.errors import BadRequest, NotFound
from emulator.services import messages as messages_module
from emulator.services.messages import NOT_SCHEDULED
from emulator.timestamps import format_timestamp
from tests.support import list_messages


def test_send_stores_every_message_and_echoes_it_queued(send, messages, store):
    echoes = send(
        {"content": "First", "metadata": {"order": "1"}},
        {"content": "Second", "delivery_report": True},
    )

    assert [e["status"] for e in echoes] == ["queued", "queued"]
    assert [e["content"] for e in echoes] == ["First", "Second"]
    assert echoes[0]["metadata"] == {"order": "1"}
    assert len({e["message_id"] for e in echoes}) == 2
    for echo in echoes:
        stored = messages.get("DemoAccount", echo["message_id"])
        assert stored["status"] == "queued"
        assert stored["content"] == echo["content"]
    assert len(list_messages(store, account_id="DemoAccount")) == 2


def test_send_stores_none_of_a_request_when_the_store_refuses_one(
    send, send_one, store, monkeypatch
):
    earlier = send_one(content="Earlier")
    # The second message of the next request gets the ID of the earlier one, which the store
    # must refuse; the first must then not be stored either.
    ids = iter(["0b5e2a44-9d7e-4c2f-8a0e-7f1d2c3b4a59", earlier])
    monkeypatch.setattr(messages_module, "new_id", lambda: next(ids))

    with pytest.raises(sqlalchemy.exc.IntegrityError):
        send({"content": "Would be first"}, {"content": "Refused"})

    assert [m["content"] for m in list_messages(store)] == ["Earlier"]


def test_a_future_scheduled_message_is_stored_scheduled_and_echoed_queued(send, messages, clock):
    later = format_timestamp(clock.now() + timedelta(hours=2))
    [echo] = send({"scheduled": later})
    assert echo["status"] == "queued"
    assert messages.get("DemoAccount", echo["message_id"])["status"] == "scheduled"


@pytest.mark.parametrize("reader", ["OtherAccount", "DemoSubAccount1"])
def test_get_of_another_accounts_message_is_not_found(send_one, messages, reader):
    message_id = send_one()
    with pytest.raises(NotFound):
        messages.get(reader, message_id)


@pytest.mark.parametrize("message_id", ["0b5e2a44-9d7e-4c2f-8a0e-7f1d2c3b4a59", "not-an-id", ""])
def test_get_of_an_unknown_or_malformed_id_is_not_found(messages, message_id):
    with pytest.raises(NotFound):
        messages.get("DemoAccount", message_id)


def test_get_matches_ids_whatever_their_case(send_one, messages):
    message_id = send_one()
    assert messages.get("DemoAccount", message_id.upper())["message_id"] == message_id


def test_get_after_the_45_day_retention_is_not_found(send_one, messages, clock):
    message_id = send_one()
    clock.advance(timedelta(days=45).total_seconds() - 60)
    assert messages.get("DemoAccount", message_id)["message_id"] == message_id
    clock.advance(60)
    with pytest.raises(NotFound):
        messages.get("DemoAccount", message_id)


def test_cancel_of_a_scheduled_message_cancels_it_once(send_one, messages, clock):
    message_id = send_one(scheduled=format_timestamp(clock.now() + timedelta(days=1)))

    messages.cancel("DemoAccount", message_id)

    assert messages.get("DemoAccount", message_id)["status"] == "cancelled"
    with pytest.raises(BadRequest) as raised:
        messages.cancel("DemoAccount", message_id)
    assert raised.value.message == NOT_SCHEDULED == "Message is not currently scheduled"


def test_cancel_of_a_message_that_is_not_scheduled_is_a_bad_request(send_one, messages):
    message_id = send_one()
    with pytest.raises(BadRequest) as raised:
        messages.cancel("DemoAccount", message_id)
    assert raised.value.status == 400
    assert raised.value.message == "Message is not currently scheduled"
    assert messages.get("DemoAccount", message_id)["status"] == "queued"


def test_cancel_of_another_accounts_message_is_not_found_and_leaves_it_scheduled(
    send_one, messages, clock
):
    message_id = send_one(scheduled=format_timestamp(clock.now() + timedelta(days=1)))
    with pytest.raises(NotFound):
        messages.cancel("OtherAccount", message_id)
    assert messages.get("DemoAccount", message_id)["status"] == "scheduled"
