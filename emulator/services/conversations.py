"""What the web inbox shows: handsets, a handset's conversation with every message's life and
segments, webhook deliveries, and accounts. Plain values for templates; no Flask."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from emulator.clock import Clock
from emulator.domain.accounts import AccountDirectory
from emulator.domain.billing import GSM7, GSM7_EXTENSION, Segments, segments
from emulator.domain.error_codes import MEANINGS
from emulator.domain.records import Message, Reply, WebhookDelivery
from emulator.domain.statuses import (
    EXPIRED,
    FAILED,
    QUEUED,
    REJECTED,
    SCHEDULED,
    WEBHOOK_DELIVERED,
    WEBHOOK_FAILED,
    WEBHOOK_PENDING,
)
from emulator.services.blacklist import opted_out
from emulator.services.features import FeatureService
from emulator.services.inbox_actions import request_preview
from emulator.store import Store, inbox_views

PAGE_SIZE = 25
CONVERSATION_LIMIT = 200
PROBLEM_STATUSES = frozenset({EXPIRED, FAILED, REJECTED})
WEBHOOK_STATES = (WEBHOOK_DELIVERED, WEBHOOK_PENDING, WEBHOOK_FAILED)


@dataclass(frozen=True)
class AccountChoice:
    """An entry of the account filter: an account with its sub-accounts, or one sub-account."""

    id: str
    label: str
    scope: tuple[str, ...]


@dataclass
class Page:
    """One page of a list, and whether there are pages before and after it."""

    items: list[Any]
    number: int
    has_more: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


@dataclass(frozen=True)
class Step:
    """One point of a message's life: a status, its error code and what the code means."""

    status: str
    at: datetime
    error_code: str | None = None

    @property
    def meaning(self) -> str | None:
        return MEANINGS.get(self.error_code) if self.error_code else None


@dataclass(frozen=True)
class Run:
    """Consecutive characters of a segment of one kind: `text`, `ucs2` (forced UCS-2) or
    `extension` (a GSM-7 character that takes two septets)."""

    text: str
    kind: str


@dataclass
class SegmentView:
    split: Segments
    parts: list[list[Run]]


@dataclass
class Bubble:
    """A message to the handset or a reply from it, in the conversation."""

    kind: str  # "message" or "reply"
    id: str
    at: datetime
    content: str
    account_id: str
    record: dict[str, Any]
    steps: list[Step] = field(default_factory=list)
    segments: SegmentView | None = None
    images: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    pending: bool = False  # a reply stored for a later time (a scripted handset's)

    @property
    def meaning(self) -> str | None:
        code = self.record.get("error_code")
        return MEANINGS.get(code) if code else None

    @property
    def is_problem(self) -> bool:
        return self.record.get("status") in PROBLEM_STATUSES


@dataclass
class Conversation:
    number: str
    bubbles: list[Bubble]
    opted_out: list[str]
    reply_to: str | None  # the account number a reply goes to when no message was sent
    truncated: bool


class ConversationService:
    """Reads the store for the web inbox."""

    def __init__(
        self, store: Store, clock: Clock, accounts: AccountDirectory, features: FeatureService
    ) -> None:
        self._store = store
        self._clock = clock
        self._accounts = accounts
        self._features = features

    # Accounts

    def account_choices(self) -> list[AccountChoice]:
        """Each top-level account (with its sub-accounts), followed by its sub-accounts alone."""
        choices = []
        for account, subs in self._accounts.families():
            label = f"{account.id} (with sub-accounts)" if subs else account.id
            choices.append(AccountChoice(account.id, label, (account.id, *subs)))
            choices.extend(AccountChoice(sub, f"— {sub}", (sub,)) for sub in subs)
        return choices

    def scope(self, account: str | None) -> tuple[str, ...] | None:
        """The accounts a filter covers; None for every account, () for an unknown one."""
        if not account:
            return None
        for choice in self.account_choices():
            if choice.id == account:
                return choice.scope
        return ()

    def senders(self) -> list[dict[str, Any]]:
        """Each account a message can be sent from, with its numbers and alpha tags."""
        return [self._features.describe(choice.id) for choice in self.account_choices()]

    def default_sender(
        self, account: str | None, conversation: Conversation, senders: list[dict[str, Any]]
    ) -> str:
        """The account Send as app starts from: the page's account filter, else the account of
        the conversation's latest message, else the first account."""
        known = {sender["account_id"] for sender in senders}
        sent_from = [
            bubble.account_id for bubble in conversation.bubbles if bubble.kind == "message"
        ]
        chosen = next(
            (choice for choice in (account, *reversed(sent_from)) if choice in known), None
        )
        return chosen or (senders[0]["account_id"] if senders else "")

    def accounts(self) -> list[dict[str, Any]]:
        """Every account, sub-accounts after their parent, with the features in force."""
        return [self._features.describe(choice.id) for choice in self.account_choices()]

    # Handsets

    def handsets(self, account: str | None, search: str | None, page: int) -> Page:
        """Handsets by their latest message or reply, PAGE_SIZE to a page, each with how many
        messages it was sent and replies it sent."""
        page = max(page, 1)
        scope = self.scope(account)
        with self._store.reading() as tx:
            found = inbox_views.latest_per_handset(
                tx, scope, search or None, (page - 1) * PAGE_SIZE, PAGE_SIZE + 1
            )
            rows = found[:PAGE_SIZE]
            counts = inbox_views.handset_counts(tx, [row["number"] for row in rows], scope)
        items = [{**row, **counts[row["number"]]} for row in rows]
        return Page(items, page, len(found) > PAGE_SIZE)

    def handset_totals(self, account: str | None) -> inbox_views.HandsetTotals:
        """How many handsets the inbox shows (for an account, when given), messages sent to them
        and replies received."""
        with self._store.reading() as tx:
            return inbox_views.handset_totals(tx, self.scope(account))

    # A conversation

    def conversation(self, number: str, account: str | None) -> Conversation:
        """The latest messages to the handset and replies from it, oldest first."""
        scope = self.scope(account)
        with self._store.reading() as tx:
            sent = inbox_views.messages_to(tx, number, scope, CONVERSATION_LIMIT)
            answers = inbox_views.replies_from(tx, number, scope, CONVERSATION_LIMIT)
            reports = inbox_views.reports_of(tx, [message["id"] for message in sent])
        steps: dict[str, list[Step]] = {}
        for report in reports:
            step = Step(report["status"], report["date_received"], report["error_code"])
            steps.setdefault(report["message_id"], []).append(step)
        now = self._clock.now()
        # Both lists come newest first; reversed, each is in the order it was stored (a batch in
        # its own order), which the stable sort by time keeps. A reply at the same moment as a
        # message comes first, as in the list of handsets.
        bubbles = [self._reply_bubble(reply, now) for reply in reversed(answers)]
        bubbles += [
            self._message_bubble(message, steps.get(message["id"], []))
            for message in reversed(sent)
        ]
        bubbles.sort(key=lambda bubble: bubble.at)
        account_ids = sorted({bubble.account_id for bubble in bubbles})
        blocking = [
            account_id
            for account_id in account_ids
            if opted_out(self._store, account_id, [number], now)
        ]
        return Conversation(
            number=number,
            bubbles=bubbles,
            opted_out=blocking,
            reply_to=None
            if sent
            else next(
                (reply["destination_number"] for reply in answers if reply["destination_number"]),
                None,
            ),
            truncated=len(sent) == CONVERSATION_LIMIT or len(answers) == CONVERSATION_LIMIT,
        )

    def _message_bubble(self, message: Message, reported: list[Step]) -> Bubble:
        steps = [Step("accepted", message["created_at"])]
        if reported:
            steps += reported
        elif message["status"] not in (QUEUED, SCHEDULED):
            # Without reports only the latest change is known.
            steps.append(Step(message["status"], message["updated_at"], message["error_code"]))
        media = message["media"] or []
        return Bubble(
            kind="message",
            id=message["id"],
            at=message["created_at"],
            content=message["content"],
            account_id=message["account_id"],
            record={**message, "metadata": message["metadata"] or {}},
            steps=steps,
            segments=segment_view(message["sent_content"] or message["content"]),
            images=[url for url in media if _is_web_url(url)],
            links=[url for url in media if not _is_web_url(url)],
        )

    def _reply_bubble(self, reply: Reply, now: datetime) -> Bubble:
        attachments = reply["attachments"] or []
        return Bubble(
            kind="reply",
            id=reply["id"],
            at=reply["date_received"],
            content=reply["content"],
            account_id=reply["account_id"],
            record={**reply},
            images=[
                f"data:{attachment['content_type']};base64,{attachment['content']}"
                for attachment in attachments
                if str(attachment.get("content_type", "")).startswith("image/")
            ],
            pending=reply["date_received"] > now,
        )

    # Webhooks

    def webhooks(self, message_id: str | None, state: str | None, page: int) -> Page:
        """Webhook deliveries, newest first, PAGE_SIZE to a page."""
        page = max(page, 1)
        with self._store.reading() as tx:
            rows = inbox_views.webhook_page(
                tx, message_id or None, state or None, (page - 1) * PAGE_SIZE, PAGE_SIZE + 1
            )
        return Page([_delivery(row) for row in rows[:PAGE_SIZE]], page, len(rows) > PAGE_SIZE)

    def webhook_counts(self, message_id: str | None) -> dict[str, int]:
        """How many deliveries (of the messages whose ID starts with `message_id`) are in each
        state; every state is there, 0 when none is."""
        with self._store.reading() as tx:
            counts = inbox_views.webhook_counts(tx, message_id or None)
        return {state: counts.get(state, 0) for state in WEBHOOK_STATES}


def segment_view(content: str) -> SegmentView:
    """The segments of `content`, each cut into runs for highlighting."""
    split = segments(content)
    forced = set(split.ucs2_characters)
    extension = GSM7_EXTENSION if split.encoding == GSM7 else frozenset()

    def kind(char: str) -> str:
        if char in forced:
            return "ucs2"
        return "extension" if char in extension else "text"

    parts = []
    for part in split.parts:
        runs: list[Run] = []
        for char in part:
            char_kind = kind(char)
            if runs and runs[-1].kind == char_kind:
                runs[-1] = Run(runs[-1].text + char, char_kind)
            else:
                runs.append(Run(char, char_kind))
        parts.append(runs)
    return SegmentView(split, parts)


def _delivery(row: WebhookDelivery) -> dict[str, Any]:
    """A delivery with the request as sent (a rendered template's body, else the payload as
    JSON), and each attempt's time as a datetime."""
    fields: dict[str, Any] = dict(row)
    sent = fields.get("body") or json.dumps(row["payload"], indent=2, ensure_ascii=False)
    attempts = [
        {**attempt, "at": datetime.fromisoformat(attempt["at"])} for attempt in row["attempts"]
    ]
    return {
        **fields,
        "method": fields.get("method") or "POST",
        "request_body": sent,
        "request": request_preview(row),
        "attempts": attempts,
    }


def _is_web_url(url: str) -> bool:
    try:
        return urlsplit(url).scheme in ("http", "https")
    except ValueError:
        return False
