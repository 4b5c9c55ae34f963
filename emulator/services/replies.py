"""Handsets answering: replies to messages, and inbound messages to an account's number."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from emulator.clock import Clock
from emulator.domain.accounts import AccountDirectory
from emulator.domain.ids import normalise_id
from emulator.domain.keywords import Keywords
from emulator.domain.records import Message, Reply, new_inbound_reply, new_reply, reply_view
from emulator.engine.firing import Subscriptions
from emulator.engine.notifications import reply_webhook
from emulator.errors import BadRequest
from emulator.store import Store, account_webhooks, blacklist, dedicated_numbers, inbox
from emulator.store import messages as stored_messages

INVALID_REPLY = "Invalid reply. Please check the details and try again."


class ReplyService:
    """Turns a handset's answer into a stored reply, announced to the message's callback_url and
    to the account's webhooks subscribed to it; an opt-out or opt-in keyword changes the
    account's blacklist in the same transaction."""

    def __init__(
        self, store: Store, clock: Clock, accounts: AccountDirectory, keywords: Keywords
    ) -> None:
        self._store = store
        self._clock = clock
        self._accounts = accounts
        self._keywords = keywords

    def receive(
        self,
        source_number: str,
        content: str,
        message_id: str | None = None,
        destination_number: str | None = None,
        attachments: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """Store the reply now; returns it with its account, as the control plane shows it."""
        message = self._message_answered(source_number, message_id, destination_number)
        at = self._clock.now()
        if message is not None:
            reply = new_reply(message, content, at, attachments)
        else:
            reply = self._inbound(source_number, content, destination_number, at, attachments)
        hooks = [reply_webhook(reply)] if reply["callback_url"] else []
        with self._store.reading() as tx:
            subscriptions = Subscriptions(account_webhooks.subscribed(tx, [reply["account_id"]]))
        opts_out = self._keywords.opts_out(content)
        hooks.extend(subscriptions.for_reply(reply, message, opts_out))
        change = self._keywords.blacklist_change(reply)
        with self._store.transaction() as tx:
            inbox.insert_reply(tx, reply, hooks)
            if change is not None:
                blacklist.change(tx, [change])
        return {**reply_view(reply), "account_id": reply["account_id"], "attachments": attachments}

    def _message_answered(
        self, source_number: str, message_id: str | None, destination_number: str | None
    ) -> Message | None:
        if message_id is not None:
            canonical = normalise_id(message_id)
            with self._store.reading() as tx:
                message = stored_messages.of_any_account(tx, canonical) if canonical else None
            if message is None:
                raise BadRequest(INVALID_REPLY, ["message_id: No message has this ID."])
            if message["destination_number"] != source_number:
                raise BadRequest(
                    INVALID_REPLY, ["source_number: The message was not sent to this number."]
                )
            return message
        with self._store.reading() as tx:
            return stored_messages.latest_to(tx, source_number, destination_number)

    def _inbound(
        self,
        source_number: str,
        content: str,
        destination_number: str | None,
        at: datetime,
        attachments: list[dict[str, Any]] | None,
    ) -> Reply:
        if not destination_number:
            detail = "message_id: No message was sent to this handset; give destination_number."
            raise BadRequest(INVALID_REPLY, [detail])
        owner = self._accounts.owner_of_number(destination_number)
        if owner is None:
            with self._store.reading() as tx:
                owner = dedicated_numbers.holder_of(tx, destination_number)
        if owner is None:
            raise BadRequest(INVALID_REPLY, ["destination_number: No account has this number."])
        return new_inbound_reply(owner, source_number, destination_number, content, at, attachments)
