"""The Reporting API's reports without HTTP: the messages an account (and its sub-accounts) sent
and received within the 45-day retention, filtered as a request asks, as a page of details, as
totals by group, or as the metadata keys they carry."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from emulator.clock import Clock
from emulator.domain.accounts import AccountDirectory
from emulator.domain.keywords import Keywords
from emulator.domain.records import Message, Reply
from emulator.domain.reporting import (
    ALL,
    ASCENDING,
    INBOUND,
    OUTBOUND,
    RECEIVED_STATUS,
    ReportedMessage,
    ReportFilter,
    metadata_keys,
    ordered,
    summarise,
)
from emulator.domain.retention import retention_cutoff
from emulator.errors import BadRequest
from emulator.schemas.reporting import DEFAULT_PAGE_SIZE
from emulator.schemas.validation import INVALID_REQUEST
from emulator.services.features import FeatureService
from emulator.store import Store
from emulator.store import reporting as stored_reports

MMS = "MMS"


class ReportingService:
    """Reports on the messages of an account and its sub-accounts."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        accounts: AccountDirectory,
        features: FeatureService,
        keywords: Keywords,
    ) -> None:
        self._store = store
        self._clock = clock
        self._accounts = accounts
        self._features = features
        self._keywords = keywords

    def default_timezone(self, account_id: str) -> str:
        """The time zone of the account's settings: that of a request that names none."""
        return self._features.features(account_id).timezone

    def report_filter(self, account_id: str, body: dict[str, Any]) -> ReportFilter:
        """The filter a loaded request body gives (emulator.schemas.reporting): local times in
        its `timezone`, or the account's; BadRequest naming `accounts` when it names an account
        that is neither this one nor one of its sub-accounts."""
        zone = ZoneInfo(body.get("timezone") or self.default_timezone(account_id))
        values = body.get("metadata_values") or (
            [body["metadata_value"]] if "metadata_value" in body else []
        )
        formats = set(body.get("message_format", [])) | set(body.get("channels", []))
        return ReportFilter(
            start=_aware(body["start_date"], zone),
            end=_aware(body["end_date"], zone),
            zone=zone,
            direction=body.get("direction", ALL),
            sources=_one_or_many(body, "source", "sources"),
            destinations=_one_or_many(body, "destination", "destinations"),
            addresses=frozenset(body.get("addresses", [])),
            metadata_key=body.get("metadata_key"),
            metadata_values=frozenset(values),
            statuses=frozenset(body.get("status", [])),
            formats=frozenset(formats),
            opt_out_only=body.get("opt_out") == "true",
            media_only=body.get("mms_media") == "true",
            accounts=self.accounts_of(account_id, body.get("accounts")),
        )

    def messages(self, report_filter: ReportFilter) -> list[ReportedMessage]:
        """The messages the filter keeps, sent or received, still within the retention."""
        start = max(report_filter.start, retention_cutoff(self._clock.now()))
        if start >= report_filter.end:
            return []
        accounts = report_filter.accounts
        with self._store.reading() as tx:
            sent = (
                []
                if report_filter.direction == INBOUND
                else (stored_reports.sent_between(tx, accounts, start, report_filter.end))
            )
            received = (
                []
                if report_filter.direction == OUTBOUND
                else (stored_reports.received_between(tx, accounts, start, report_filter.end))
            )
            answers = stored_reports.replies_to(tx, [message["id"] for message in sent])
        opted_out = {
            reply["message_id"] for reply in answers if self._keywords.opts_out(reply["content"])
        }
        found = [_sent(message, message["id"] in opted_out) for message in sent]
        found += [_received(reply, self._keywords.opts_out(reply["content"])) for reply in received]
        return [message for message in found if report_filter.keeps(message)]

    def detail(self, account_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """A page of the messages (pages count from 0), in the order asked for (oldest first by
        default)."""
        report_filter = self.report_filter(account_id, body)
        page, size = body.get("page", 0), body.get("page_size", DEFAULT_PAGE_SIZE)
        found = ordered(
            self.messages(report_filter),
            body.get("sort_by", "TIMESTAMP"),
            body.get("sort_direction", ASCENDING),
        )
        return {
            "messages": found[page * size : (page + 1) * size],
            "pagination": {
                "page": page,
                "page_size": size,
                "has_next": len(found) > (page + 1) * size,
            },
        }

    def insights(self, account_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """The totals of the messages, by the groups asked for."""
        report_filter = self.report_filter(account_id, body)
        return summarise(
            self.messages(report_filter),
            body.get("group_by", []),
            report_filter.zone,
            report_filter.metadata_key,
        )

    def metadata_keys(self, account_id: str, body: dict[str, Any]) -> list[str]:
        """A page of the metadata keys the messages in the window carry, in alphabetical order."""
        keys = metadata_keys(self.messages(self.report_filter(account_id, body)))
        page, size = body.get("page", 0), body.get("page_size", DEFAULT_PAGE_SIZE)
        return keys[page * size : (page + 1) * size]

    def accounts_of(
        self, account_id: str, asked: list[str] | None, field: str = "accounts"
    ) -> tuple[str, ...]:
        """The accounts a report covers: those asked for, or the account and its sub-accounts;
        BadRequest naming `field` when it asks for another account."""
        account = self._accounts.account(account_id)
        allowed = (account_id, *(account.sub_account_ids if account else ()))
        if not asked:
            return allowed
        foreign = [name for name in asked if name not in allowed]
        if foreign:
            detail = f"{field}: {foreign[0]} is not {account_id} or one of its sub-accounts."
            raise BadRequest(INVALID_REQUEST, [detail])
        return tuple(dict.fromkeys(asked))


def _aware(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def _one_or_many(body: dict[str, Any], one: str, many: str) -> frozenset[str]:
    """The list given as `many`, which overrides the single value given as `one`."""
    if many in body:
        return frozenset(body[many])
    return frozenset([body[one]]) if one in body else frozenset()


def _sent(message: Message, opt_out: bool) -> ReportedMessage:
    delivered = message["status"] == "delivered"
    return ReportedMessage(
        message_id=message["id"],
        account_id=message["account_id"],
        direction=OUTBOUND,
        format=message["format"],
        timestamp=message["created_at"],
        last_status_update=message["updated_at"],
        delivered_at=message["updated_at"] if delivered else None,
        status=message["status"],
        error_code=message["error_code"],
        source=message["source_number"],
        destination=message["destination_number"],
        content=message["content"],
        units=message["billing_units"],
        metadata=dict(message["metadata"] or {}),
        has_media=bool(message["media"]),
        opt_out=opt_out,
    )


def _received(reply: Reply, opt_out: bool) -> ReportedMessage:
    return ReportedMessage(
        message_id=reply["id"],
        account_id=reply["account_id"],
        direction=INBOUND,
        format=MMS if reply["attachments"] else "SMS",
        timestamp=reply["date_received"],
        last_status_update=reply["date_received"],
        delivered_at=reply["date_received"],
        status=RECEIVED_STATUS,
        error_code=None,
        source=reply["source_number"],
        destination=reply["destination_number"],
        content=reply["content"],
        units=1,
        metadata=dict(reply["metadata"] or {}),
        has_media=bool(reply["attachments"]),
        opt_out=opt_out,
    )
