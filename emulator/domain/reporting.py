"""The Reporting API's vocabulary, no I/O: the messages a report covers (sent and received, as
one kind of record), the filters a report request gives, and the detail and summary they make."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import phonenumbers

from emulator.domain.error_codes import DELIVERED_CODE, ENROUTE_CODE, MEANINGS, SUBMITTED_CODE
from emulator.domain.statuses import DELIVERED, ENROUTE, SUBMITTED

OUTBOUND, INBOUND, ALL = "outbound", "inbound", "all"
DIRECTIONS = (INBOUND, OUTBOUND, ALL)
# MessageStatus: what a report request may filter on.
MESSAGE_STATUSES = (
    "UNDEFINED",
    "QUEUED",
    "PROCESSING",
    "PROCESSED",
    "FAILED",
    "SCHEDULED",
    "CANCELLED",
    "DELIVERED",
    "EXPIRED",
    "ENROUTE",
    "HELD",
    "SUBMITTED",
    "REJECTED",
    "READ",
)
FORMATS = ("MMS", "SMS", "TTS", "RCS", "CHANNEL")
CHANNELS = ("SMS", "MMS", "TTS", "RCS", "WHATSAPP", "CHANNEL")
SUMMARY_GROUPS = (
    "ACCOUNT",
    "DAY",
    "WEEK",
    "MONTH",
    "YEAR",
    "METADATA_KEY",
    "METADATA_VALUE",
    "STATUS",
)
INSIGHT_GROUPS = (*SUMMARY_GROUPS, "COUNTRY", "CHANNEL", "POSTBACK_DATA")
# A summary has groups and sub-groups: two levels.
MAX_GROUPS = 2
SORT_FIELDS = (
    "ACCOUNT",
    "DESTINATION_ADDRESS",
    "DESTINATION_ADDRESS_COUNTRY",
    "FORMAT",
    "SOURCE_ADDRESS",
    "SOURCE_ADDRESS_COUNTRY",
    "TIMESTAMP",
)
ASCENDING, DESCENDING = "ASCENDING", "DESCENDING"
# The emulator has no rich messages: every message's postback data is this one group.
NO_POSTBACK_DATA = "NONE"
# Alpha tags and short codes have no country.
NO_COUNTRY = "UNKNOWN"
# A received message is delivered to the account: the Status enum has no "received".
RECEIVED_STATUS = DELIVERED
_STATUS_CODES = {ENROUTE: ENROUTE_CODE, SUBMITTED: SUBMITTED_CODE, DELIVERED: DELIVERED_CODE}


@dataclass(frozen=True)
class ReportedMessage:
    """One message a report covers, sent by the account (outbound) or received (inbound)."""

    message_id: str
    account_id: str
    direction: str
    format: str
    timestamp: datetime
    last_status_update: datetime
    delivered_at: datetime | None
    status: str
    error_code: str | None
    source: str | None
    destination: str | None
    content: str
    units: int
    metadata: dict[str, str]
    has_media: bool
    opt_out: bool

    @property
    def status_code(self) -> int | None:
        """The code of the status it reached: its error code, or the code of its status."""
        code = self.error_code or _STATUS_CODES.get(self.status)
        return int(code) if code else None

    @property
    def status_description(self) -> str | None:
        code = self.error_code or _STATUS_CODES.get(self.status)
        return MEANINGS.get(code) if code else None

    @property
    def handset(self) -> str | None:
        """The other party's number: the destination of a sent message, the source of a reply."""
        return self.destination if self.direction == OUTBOUND else self.source

    @property
    def country(self) -> str:
        """The region of the handset's number, such as `AU`."""
        return country_of(self.handset)

    @property
    def destination_country(self) -> str:
        return country_of(self.destination)

    @property
    def sent(self) -> int:
        return 1 if self.direction == OUTBOUND else 0

    @property
    def received(self) -> int:
        return 1 if self.direction == INBOUND else 0


def country_of(number: str | None) -> str:
    """The region code of an international number, or UNKNOWN (alpha tags, short codes).

    A number outside its country's ranges (a range reserved for drama, say) has the main
    region of its calling code: +44 7700 900201 is GB."""
    if not number or not number.startswith("+"):
        return NO_COUNTRY
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return NO_COUNTRY
    region = phonenumbers.region_code_for_number(parsed) or (
        phonenumbers.region_code_for_country_code(parsed.country_code or 0)
    )
    if not region or region in (
        phonenumbers.UNKNOWN_REGION,
        phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY,
    ):
        return NO_COUNTRY
    return region


@dataclass(frozen=True)
class ReportFilter:
    """What a report request keeps of the messages in its window [start, end)."""

    start: datetime
    end: datetime
    zone: ZoneInfo
    direction: str = ALL
    sources: frozenset[str] = frozenset()
    destinations: frozenset[str] = frozenset()
    addresses: frozenset[str] = frozenset()
    metadata_key: str | None = None
    metadata_values: frozenset[str] = frozenset()
    statuses: frozenset[str] = frozenset()
    formats: frozenset[str] = frozenset()
    opt_out_only: bool = False
    media_only: bool = False
    accounts: tuple[str, ...] = field(default=())

    def keeps(self, message: ReportedMessage) -> bool:
        """Whether the message is one the report covers."""
        return all(check(self, message) for check in _CHECKS)


def _in_window(f: ReportFilter, m: ReportedMessage) -> bool:
    return f.start <= m.timestamp < f.end


def _of_direction(f: ReportFilter, m: ReportedMessage) -> bool:
    return f.direction == ALL or m.direction == f.direction


def _of_addresses(f: ReportFilter, m: ReportedMessage) -> bool:
    if f.sources and m.source not in f.sources:
        return False
    if f.destinations and m.destination not in f.destinations:
        return False
    return not f.addresses or m.source in f.addresses or m.destination in f.addresses


def _of_metadata(f: ReportFilter, m: ReportedMessage) -> bool:
    if f.metadata_key is None:
        return True
    if f.metadata_key not in m.metadata:
        return False
    return not f.metadata_values or m.metadata[f.metadata_key] in f.metadata_values


def _of_kind(f: ReportFilter, m: ReportedMessage) -> bool:
    if f.statuses and m.status.upper() not in f.statuses:
        return False
    if f.formats and m.format not in f.formats:
        return False
    if f.opt_out_only and not m.opt_out:
        return False
    return not f.media_only or m.has_media


def _of_accounts(f: ReportFilter, m: ReportedMessage) -> bool:
    return not f.accounts or m.account_id in f.accounts


_CHECKS: tuple[Callable[[ReportFilter, ReportedMessage], bool], ...] = (
    _in_window,
    _of_direction,
    _of_addresses,
    _of_metadata,
    _of_kind,
    _of_accounts,
)


def sort_key(sort_by: str) -> Callable[[ReportedMessage], tuple[Any, ...]]:
    """How detail records are ordered by `sort_by`; ties in time order, then as the store holds
    them (the sort is stable)."""
    keys: dict[str, Callable[[ReportedMessage], Any]] = {
        "ACCOUNT": lambda m: m.account_id,
        "DESTINATION_ADDRESS": lambda m: m.destination or "",
        "DESTINATION_ADDRESS_COUNTRY": lambda m: country_of(m.destination),
        "FORMAT": lambda m: m.format,
        "SOURCE_ADDRESS": lambda m: m.source or "",
        "SOURCE_ADDRESS_COUNTRY": lambda m: country_of(m.source),
        "TIMESTAMP": lambda m: m.timestamp,
    }
    chosen = keys[sort_by]
    return lambda m: (chosen(m), m.timestamp)


def ordered(
    messages: Iterable[ReportedMessage], sort_by: str, direction: str
) -> list[ReportedMessage]:
    """The messages sorted as a detail report lists them."""
    return sorted(messages, key=sort_key(sort_by), reverse=direction == DESCENDING)


def metadata_keys(messages: Iterable[ReportedMessage]) -> list[str]:
    """Every metadata key the messages carry, once, in alphabetical order."""
    return sorted({key for message in messages for key in message.metadata})


@dataclass
class _Totals:
    sent: int = 0
    received: int = 0
    billing_units: int = 0
    opt_out: int = 0
    dates: set[str] = field(default_factory=set)

    def add(self, message: ReportedMessage, zone: ZoneInfo) -> None:
        self.sent += message.sent
        self.received += message.received
        self.billing_units += message.units
        # An opt-out is counted once: as the reply that opted out, not as the message it answered.
        self.opt_out += int(message.opt_out and message.direction == INBOUND)
        self.dates.add(message.timestamp.astimezone(zone).date().isoformat())

    def body(self) -> dict[str, Any]:
        return {
            "total_sent": self.sent,
            "total_received": self.received,
            "total_billing_units": self.billing_units,
            "total_opt_out": self.opt_out,
        }


def groups_of(
    message: ReportedMessage, group_by: str, zone: ZoneInfo, metadata_key: str | None
) -> list[str]:
    """The groups of `group_by` the message counts in: one, or one per metadata key it has, or
    none (a message without the key asked for)."""
    local = message.timestamp.astimezone(zone)
    if group_by == "ACCOUNT":
        return [message.account_id]
    if group_by == "DAY":
        return [local.date().isoformat()]
    if group_by == "WEEK":
        return [(local.date() - timedelta(days=local.weekday())).isoformat()]
    if group_by == "MONTH":
        return [f"{local.year:04d}-{local.month:02d}"]
    if group_by == "YEAR":
        return [f"{local.year:04d}"]
    if group_by == "METADATA_KEY":
        return sorted(message.metadata)
    if group_by == "METADATA_VALUE":
        value = message.metadata.get(metadata_key) if metadata_key else None
        return [] if value is None else [value]
    if group_by == "STATUS":
        return [message.status.upper()]
    if group_by == "COUNTRY":
        return [message.country]
    if group_by == "CHANNEL":
        return [message.format]
    return [NO_POSTBACK_DATA]


def summarise(
    messages: Iterable[ReportedMessage],
    group_by: Sequence[str],
    zone: ZoneInfo,
    metadata_key: str | None = None,
) -> dict[str, Any]:
    """The totals of the messages, and by group (and sub-group) when `group_by` names one (or
    two) fields; groups in ascending order. A sub-group says on which days (in `zone`) its
    messages were sent or received."""
    overall = _Totals()
    groups: dict[str, _Totals] = defaultdict(_Totals)
    sub_groups: dict[str, dict[str, _Totals]] = defaultdict(lambda: defaultdict(_Totals))
    for message in messages:
        overall.add(message, zone)
        if not group_by:
            continue
        for group in groups_of(message, group_by[0], zone, metadata_key):
            groups[group].add(message, zone)
            if len(group_by) > 1:
                for sub_group in groups_of(message, group_by[1], zone, metadata_key):
                    sub_groups[group][sub_group].add(message, zone)
    summaries = []
    for name in sorted(groups):
        summary: dict[str, Any] = {"group": name, **groups[name].body()}
        if len(group_by) > 1:
            summary["sub_group"] = [
                {"date": ",".join(sorted(totals.dates)), "group": sub_name, **totals.body()}
                for sub_name, totals in sorted(sub_groups[name].items())
            ]
        summaries.append(summary)
    return {"summaries": summaries, **overall.body()}
