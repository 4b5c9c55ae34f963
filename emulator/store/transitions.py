"""The engine's step over due messages as a few statements, whatever the batch size.

One UPDATE moves every message of a batch one step of its life (the set form of
`emulator.domain.lifecycle.next_transition`, its CASE expressions built from the same STEPS,
`expiry_code` and ENDS_BEFORE_SUBMISSION: same rules, same times), one INSERT ... SELECT writes
the delivery reports that step causes, and one more appends the step's status changes and reports
to the change log. No row goes through Python unless a webhook or a scripted reply must be built
for it. The statements are built once per dialect and delays, and the moved rows are named to
the later ones by a single parameter holding their seqs, so a batch's cost hardly grows with
anything but its rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    ARRAY,
    Connection,
    Executable,
    Integer,
    Select,
    String,
    and_,
    any_,
    bindparam,
    case,
    column,
    false,
    func,
    insert,
    literal,
    not_,
    select,
    union_all,
    update,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from emulator.domain.error_codes import ENDS_BEFORE_SUBMISSION
from emulator.domain.lifecycle import STEPS, LifecycleStep, StepDelays, expiry_code
from emulator.domain.statuses import EXPIRED, MESSAGE_STATUSES, QUEUED
from emulator.store.events import DELIVERY_REPORT, STATUS_CHANGED
from emulator.store.rows import fetch_rows
from emulator.store.tables import UtcDateTime, delivery_reports, events, messages

# What the engine needs of each moved message to decide whether Python has more to do, and
# whether the batch left any message due again.
MOVED_COLUMNS = (
    messages.c.seq,
    messages.c.id,
    messages.c.account_id,
    messages.c.status,
    messages.c.delivery_report,
    messages.c.callback_url,
    messages.c.content,
    messages.c.destination_number,
    messages.c.next_transition_at,
)


@dataclass
class Step:
    """The messages one step moved, with the columns in MOVED_COLUMNS (status is the new one)."""

    moved: list[dict[str, Any]]

    @property
    def ids(self) -> list[str]:
        return [row["id"] for row in self.moved]

    def due_again(self, now: datetime) -> bool:
        """Whether a message this step moved is due again by `now` (a delay of nothing)."""
        return any(
            row["next_transition_at"] is not None and row["next_transition_at"] <= now
            for row in self.moved
        )


@dataclass(frozen=True)
class _Statements:
    """The statements of a step for one dialect and set of delays. On SQLite `move` returns
    nothing: `due` chose the rows before it and `moved` reads them after it, each as one JSON
    value (see step_due_messages)."""

    move: Executable
    reports: Executable
    events: Executable
    due: Executable | None = None
    moved: Select[Any] | None = None


def step_due_messages(
    connection: Connection, now: datetime, limit: int, delays: StepDelays
) -> Step:
    """Move up to `limit` messages due at or before `now` one step, earliest first, writing the
    reports and change-log events of that step, in the caller's transaction."""
    statements = _statements(connection.dialect.name, delays)
    parameters: dict[str, Any]
    if statements.due is None or statements.moved is None:
        result = connection.execute(statements.move, {"now": now, "limit": limit})
        names = list(result.keys())
        moved = [dict(zip(names, row, strict=True)) for row in result]
        parameters = {"seqs": [row["seq"] for row in moved]}
    else:
        choose = (statements.due, statements.move, statements.moved)
        moved, parameters = _move_on_sqlite(connection, *choose, now, limit)
    if moved:
        connection.execute(statements.reports, parameters)
        connection.execute(statements.events, parameters)
    return Step(moved)


def _move_on_sqlite(
    connection: Connection,
    due: Executable,
    move: Executable,
    moved: Select[Any],
    now: datetime,
    limit: int,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The rows moved, read as one JSON value, and the seqs parameter of the later statements.

    The driver gives up the GIL at every row a statement returns and, with request threads
    busy, waits to get it back, holding the store's write lock all the while: a step returning
    its 2,000 rows one by one took five times its CPU time. Read as one value each (see
    emulator.store.rows), the seqs and the moved rows are one wait.
    """
    seqs = connection.execute(due, {"now": now, "limit": limit}).scalar_one()
    parameters = {"seqs": seqs}
    if seqs == "[]":
        return [], parameters
    connection.execute(move, parameters)
    return fetch_rows(connection, moved, parameters), parameters


@cache
def _statements(dialect: str, delays: StepDelays) -> _Statements:
    due = (
        select(messages.c.seq)
        .where(messages.c.next_transition_at <= bindparam("now", type_=UtcDateTime()))
        .order_by(messages.c.next_transition_at, messages.c.seq)
        .limit(bindparam("limit", type_=Integer()))
    )
    if dialect == "postgresql":
        due = due.with_for_update(skip_locked=True)
        moved = messages.c.seq == any_(bindparam("seqs", type_=ARRAY(Integer)))
        move = (
            update(messages)
            .where(messages.c.seq.in_(due.scalar_subquery()))
            .values(_next_values(delays))
            .returning(*MOVED_COLUMNS)
        )
        return _Statements(move, _reports(moved), _events(moved))
    # The seqs as one JSON array: one parameter, however many rows moved.
    each = func.json_each(bindparam("seqs", type_=String))
    moved = messages.c.seq.in_(select(column("value", Integer)).select_from(each))
    return _Statements(
        move=update(messages).where(moved).values(_next_values(delays)),
        reports=_reports(moved),
        events=_events(moved),
        due=select(func.json_group_array(due.subquery().c.seq)),
        moved=select(*MOVED_COLUMNS).where(moved).order_by(messages.c.seq),
    )


def _next_values(delays: StepDelays) -> dict[str, ColumnElement[Any]]:
    """The SET clause: every value is computed from the row as it was before the step."""
    at = messages.c.next_transition_at
    expiry = messages.c.message_expiry_timestamp
    status = messages.c.status
    outcome_status = messages.c.outcome["status"].as_string()
    outcome_code = messages.c.outcome["error_code"].as_string()
    expires = and_(expiry.is_not(None), at >= expiry)
    ended = outcome_code.in_(sorted(ENDS_BEFORE_SUBMISSION))

    def taking(step: LifecycleStep) -> ColumnElement[bool]:
        """Whether a message takes the ordinary `step`."""
        from_status = status == step.from_status
        return and_(from_status, not_(ended)) if step.unless_ended else from_status

    takes = [(step, taking(step)) for step in STEPS]
    expiry_codes: dict[str, list[str]] = {}
    for state in MESSAGE_STATUSES:
        expiry_codes.setdefault(expiry_code(state), []).append(state)

    def wait(step: str) -> ColumnElement[Any]:
        override = messages.c.outcome[("delays", step)].as_float()
        return _capped(plus_seconds(at, func.coalesce(override, getattr(delays, step))), expiry)

    return {
        "status": case(
            (expires, EXPIRED),
            *((taken, step.to_status) for step, taken in takes),
            else_=outcome_status,
        ),
        "error_code": case(
            (
                expires,
                case(*((status.in_(states), code) for code, states in expiry_codes.items())),
            ),
            *((taken, literal(step.error_code, String)) for step, taken in takes),
            else_=outcome_code,
        ),
        "updated_at": at,
        "next_transition_at": case(
            (expires, literal(None, UtcDateTime)),
            *((taken, wait(step.to_status)) for step, taken in takes),
            else_=literal(None, UtcDateTime),
        ),
    }


def _reports(moved: ColumnElement[Any]) -> Executable:
    """A report for each moved message that asked for reports, from enroute on."""
    return insert(delivery_reports).from_select(
        [
            "id",
            "account_id",
            "message_id",
            "status",
            "error_code",
            "billing_units",
            "submitted_date",
            "date_received",
            "confirmed",
        ],
        select(
            new_uuid(),
            messages.c.account_id,
            messages.c.id,
            messages.c.status,
            messages.c.error_code,
            messages.c.billing_units,
            messages.c.updated_at,
            messages.c.updated_at,
            false(),
        )
        .where(moved, messages.c.delivery_report.is_(True), messages.c.status != QUEUED)
        .order_by(messages.c.updated_at, messages.c.seq),
    )


def _events(moved: ColumnElement[Any]) -> Executable:
    """The change-log events of a step: every moved message's new status, then each report the
    step wrote (the report of a message's new status, received at the time of the step), both
    in the order of the step."""
    report = delivery_reports
    message = messages
    statuses = select(
        literal(0).label("part"),
        literal(STATUS_CHANGED).label("kind"),
        message.c.account_id,
        message.c.id.label("message_id"),
        message.c.destination_number.label("number"),
        message.c.updated_at.label("at"),
        json_object(status=message.c.status, error_code=message.c.error_code).label("data"),
        message.c.seq,
    ).where(moved)
    reports = (
        select(
            literal(1),
            literal(DELIVERY_REPORT),
            report.c.account_id,
            report.c.message_id,
            message.c.destination_number,
            report.c.date_received,
            json_object(
                status=report.c.status, error_code=report.c.error_code, report_id=report.c.id
            ),
            message.c.seq,
        )
        .join(message, message.c.id == report.c.message_id)
        .where(
            moved,
            report.c.status == message.c.status,
            report.c.date_received == message.c.updated_at,
        )
    )
    both = union_all(statuses, reports).subquery()
    columns = ["kind", "account_id", "message_id", "number", "at", "data"]
    return insert(events).from_select(
        columns,
        select(*(both.c[name] for name in columns)).order_by(both.c.part, both.c.at, both.c.seq),
    )


def _capped(moment: ColumnElement[Any], expiry: ColumnElement[Any]) -> ColumnElement[Any]:
    """`moment`, or the expiry when that comes first."""
    return case((and_(expiry.is_not(None), expiry < moment), expiry), else_=moment)


class plus_seconds(FunctionElement[Any]):
    """A stored datetime plus a number of seconds, to the microsecond, as a stored datetime."""

    type = UtcDateTime()
    inherit_cache = True
    name = "plus_seconds"


@compiles(plus_seconds, "sqlite")
def _plus_seconds_sqlite(element: Any, compiler: SQLCompiler, **kw: Any) -> str:
    # Stored as 'YYYY-MM-DD HH:MM:SS.ffffff': whole seconds through unixepoch, microseconds as
    # an integer, so nothing is lost to floating point.
    moment, seconds = (compiler.process(argument, **kw) for argument in element.clauses)
    micros = (
        f"(CAST(strftime('%s', {moment}) AS INTEGER) * 1000000"
        f" + CAST(substr({moment}, 21, 6) AS INTEGER)"
        f" + CAST(round(({seconds}) * 1000000) AS INTEGER))"
    )
    return (
        f"(strftime('%Y-%m-%d %H:%M:%S', {micros} / 1000000, 'unixepoch')"
        f" || '.' || printf('%06d', {micros} % 1000000))"
    )


@compiles(plus_seconds)
def _plus_seconds(element: Any, compiler: SQLCompiler, **kw: Any) -> str:
    moment, seconds = (compiler.process(argument, **kw) for argument in element.clauses)
    return f"({moment} + make_interval(secs => {seconds}))"


class new_uuid(FunctionElement[Any]):
    """A new random (version 4) UUID as lowercase text, made by the database."""

    type = String()
    inherit_cache = True
    name = "new_uuid"


@compiles(new_uuid, "sqlite")
def _new_uuid_sqlite(element: Any, compiler: SQLCompiler, **kw: Any) -> str:
    return (
        "(lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4'"
        " || substr(lower(hex(randomblob(2))), 2) || '-'"
        " || substr('89ab', 1 + (abs(random()) % 4), 1)"
        " || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))))"
    )


@compiles(new_uuid)
def _new_uuid(element: Any, compiler: SQLCompiler, **kw: Any) -> str:
    return "CAST(gen_random_uuid() AS VARCHAR(36))"


class json_object(FunctionElement[Any]):
    """A JSON object of the given names and values, made by the database."""

    inherit_cache = True
    name = "json_object"

    def __init__(self, **pairs: ColumnElement[Any]) -> None:
        arguments: list[Any] = []
        for name, value in pairs.items():
            arguments.extend((literal(name), value))
        super().__init__(*arguments)


@compiles(json_object, "sqlite")
def _json_object_sqlite(element: Any, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_object({compiler.process(element.clauses, **kw)})"


@compiles(json_object)
def _json_object(element: Any, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_build_object({compiler.process(element.clauses, **kw)})"
