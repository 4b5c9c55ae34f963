"""AcceptancePolicy, through MessageService.send: how an account's opt-outs, features and the
outcome rules decide how a message ends, from which number it goes, and when it first moves."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from emulator.clock import Clock
from emulator.fixture_files import load_outcome_rules
from emulator.schemas.messages import SendMessagesRequestSchema
from emulator.services.acceptance import AcceptancePolicy
from emulator.services.features import FeatureService
from emulator.services.messages import MessageService
from emulator.store import Store, account_features
from tests.support import message

HANDSET = "+61491570156"
POOL = {"+61491570157", "+61491570158", "+61491570159"}


def ended(engine, messages, message_id: str, account: str = "DemoAccount") -> tuple:
    """(status, error_code) once the message has gone through its whole lifecycle."""
    engine.advance(10)
    message = messages.get(account, message_id)
    return message["status"], message["error_code"]


# Opt-outs


@pytest.mark.parametrize("word", ["STOP", " stop "])
def test_after_stop_the_account_reaches_the_handset_no_more(
    send_one, replies, engine, messages, word
):
    first = send_one(destination_number=HANDSET)
    replies.receive(HANDSET, word)

    later = send_one(destination_number=HANDSET)

    assert ended(engine, messages, first) == ("delivered", "220")
    assert ended(engine, messages, later) == ("rejected", "302")


def test_stop_opts_out_of_one_account_only(send_one, replies, engine, messages):
    send_one(destination_number=HANDSET)
    replies.receive(HANDSET, "STOP")
    other = send_one(account="OtherAccount", destination_number=HANDSET)
    assert ended(engine, messages, other, "OtherAccount") == ("delivered", "220")


def test_other_replies_do_not_opt_out(send_one, replies, engine, messages):
    send_one(destination_number=HANDSET)
    replies.receive(HANDSET, "Stop sending me these on weekends")
    later = send_one(destination_number=HANDSET)
    assert ended(engine, messages, later) == ("delivered", "220")


# Familiar sender


def test_familiar_sender_gives_each_destination_the_same_pool_number(
    settings, accounts, features, send_one, messages
):
    features.change_features("DemoAccount", {"familiar_sender": True})
    destinations = [f"+6149157010{i}" for i in range(6)]
    chosen = {
        d: messages.get("DemoAccount", send_one(destination_number=d))["source_number"]
        for d in destinations
    }
    assert set(chosen.values()) <= POOL
    for destination in destinations:
        again = messages.get("DemoAccount", send_one(destination_number=destination))
        assert again["source_number"] == chosen[destination]

    # Services built afresh on the same file, as after a restart, choose the same numbers.
    store = Store(settings.database_url)
    policy = AcceptancePolicy(store, load_outcome_rules(settings.fixtures), settings.step_delays)
    restarted = MessageService(store, Clock(), FeatureService(accounts, store), policy)
    for destination in destinations:
        body = {"messages": [message(destination_number=destination)]}
        [echo] = restarted.send("DemoAccount", SendMessagesRequestSchema().load(body)["messages"])
        source = restarted.get("DemoAccount", echo["message_id"])["source_number"]
        assert source == chosen[destination]
    store.close()


def test_without_familiar_sender_there_is_no_source_number(send_one, messages):
    assert messages.get("DemoAccount", send_one())["source_number"] is None


# De-duplication


def test_the_same_message_within_24_hours_is_withheld(features, send_one, clock, engine, messages):
    features.change_features("DemoAccount", {"deduplication": True})
    first = send_one(content="Sale today")
    clock.advance(24 * 3600 - 60)
    duplicate = send_one(content="Sale today")
    clock.advance(60)
    day_later = send_one(content="Sale today")

    assert ended(engine, messages, first) == ("delivered", "220")
    assert ended(engine, messages, duplicate) == ("rejected", "305")
    assert ended(engine, messages, day_later) == ("delivered", "220")


def test_features_changed_by_another_process_while_a_send_decides_are_those_it_stores_with(
    settings, store, features, send_one, engine, messages, monkeypatch
):
    """What a send decides before its transaction is decided again inside it when the features
    (or the time) changed meanwhile: here de-duplication is turned on by another process."""
    if store.kept_generation() is None:
        pytest.skip("PostgreSQL keeps nothing, so a send decides inside its transaction only")
    first = send_one(content="Sale today")
    other_process = Store(settings.database_url)
    decide = AcceptancePolicy.decide

    def decide_while_another_process_changes_features(policy, *args):
        with other_process.reading() as tx:
            changed = account_features.changes(tx, "DemoAccount")
        if changed == {}:
            with other_process.transaction() as tx:
                account_features.save_changes(tx, "DemoAccount", {"deduplication": True})
        return decide(policy, *args)

    monkeypatch.setattr(AcceptancePolicy, "decide", decide_while_another_process_changes_features)
    try:
        duplicate = send_one(content="Sale today")
    finally:
        other_process.close()

    assert ended(engine, messages, first) == ("delivered", "220")
    assert ended(engine, messages, duplicate) == ("rejected", "305")


# Outcome rules and source numbers


@pytest.mark.parametrize(
    ("destination", "outcome"),
    [
        ("+61400000411", ("failed", "411")),
        ("+61400000302", ("rejected", "302")),
        ("+61400000320", ("expired", "320")),
        ("+61491570156", ("delivered", "220")),
    ],
)
def test_the_outcome_rules_decide_how_a_message_ends(
    send_one, engine, messages, destination, outcome
):
    assert ended(engine, messages, send_one(destination_number=destination)) == outcome


def test_an_unregistered_source_is_rejected_unless_the_account_replaces_it(
    features, send_one, engine, messages
):
    rejected = send_one(source_number="+61491570999")
    features.change_features("DemoAccount", {"unregistered_source": "replace"})
    replaced = send_one(source_number="+61491570999")

    assert ended(engine, messages, rejected) == ("rejected", "303")
    assert ended(engine, messages, replaced) == ("delivered", "220")
    assert messages.get("DemoAccount", replaced)["source_number"] == "+61491570157"


# Social sending and the character converter


def test_social_sending_holds_a_night_message_until_8_in_the_accounts_zone(
    features, send_one, clock, messages
):
    perth = ZoneInfo("Australia/Perth")
    features.change_features("DemoAccount", {"social_sending": True, "timezone": "Australia/Perth"})
    clock.advance_to(datetime(2031, 3, 4, 22, 30, tzinfo=perth).astimezone(UTC))

    held = messages.get("DemoAccount", send_one())

    assert held["status"] == "scheduled"
    assert held["next_transition_at"] == datetime(2031, 3, 5, 8, 0, tzinfo=perth)


def test_the_character_converter_sends_gsm7_and_bills_what_is_sent(features, send_one, messages):
    content = "“Smart” quotes — and 🙂"
    plain = messages.get("DemoAccount", send_one(content=content))
    features.change_features("DemoAccount", {"character_converter": True})
    converted = messages.get("DemoAccount", send_one(content=content))

    assert plain["sent_content"] is None
    assert converted["sent_content"] == '"Smart" quotes - and ?'
    assert converted["content"] == content
    assert plain["billing_units"] == converted["billing_units"] == 1
