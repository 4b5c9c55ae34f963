"""The life of a message as pure rules: from its current status, what comes next and when.

The rules are written once, as data (STEPS, `expiry_code`, ENDS_BEFORE_SUBMISSION):
`next_transition` reads them for one message, and the engine's set-based step
(emulator.store.transitions) builds its SQL from the same data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from emulator.domain.error_codes import (
    ENROUTE_CODE,
    EXPIRED_BEFORE_DELIVERY,
    EXPIRED_BEFORE_SUBMISSION,
    SUBMITTED_CODE,
    ends_before_submission,
)
from emulator.domain.records import Message
from emulator.domain.statuses import (
    ENROUTE,
    EXPIRED,
    NOT_YET_SUBMITTED,
    QUEUED,
    SCHEDULED,
    SUBMITTED,
)


@dataclass(frozen=True)
class StepDelays:
    """Seconds a message spends queued, enroute and submitted before its next status."""

    queued: float = 1.0
    enroute: float = 1.0
    submitted: float = 2.0

    def with_overrides(self, overrides: dict[str, float] | None) -> StepDelays:
        if not overrides:
            return self
        return StepDelays(
            float(overrides.get("queued", self.queued)),
            float(overrides.get("enroute", self.enroute)),
            float(overrides.get("submitted", self.submitted)),
        )

    def after(self, status: str) -> timedelta:
        return timedelta(seconds=getattr(self, status))


INSTANT = StepDelays(0.0, 0.0, 0.0)


@dataclass(frozen=True)
class LifecycleStep:
    """An ordinary step: a message in `from_status` moves to `to_status`, reported with
    `error_code`, and moves on after the delay of `to_status` (see StepDelays). A step
    `unless_ended` is not taken by a message whose outcome ends it before submission
    (ENDS_BEFORE_SUBMISSION): that message takes its outcome instead."""

    from_status: str
    to_status: str
    error_code: str | None
    unless_ended: bool = False


# The ordinary steps, in the order a message takes them. A message due in any other status,
# or expired, or ended early, takes its outcome (or the expiry) and moves no more.
STEPS = (
    LifecycleStep(SCHEDULED, QUEUED, None),
    LifecycleStep(QUEUED, ENROUTE, ENROUTE_CODE),
    LifecycleStep(ENROUTE, SUBMITTED, SUBMITTED_CODE, unless_ended=True),
)
_STEP_FROM = {step.from_status: step for step in STEPS}


def expiry_code(status: str) -> str:
    """The error code of a message expiring in `status`."""
    return EXPIRED_BEFORE_SUBMISSION if status in NOT_YET_SUBMITTED else EXPIRED_BEFORE_DELIVERY


@dataclass(frozen=True)
class Transition:
    """A message moving to `status` at `at`; `next_at` is when it moves again (None: never)."""

    status: str
    error_code: str | None
    at: datetime
    next_at: datetime | None

    @property
    def is_reported(self) -> bool:
        """Delivery reports exist for statuses from enroute on, not for queued."""
        return self.status != QUEUED


def first_due_time(
    accepted_at: datetime, scheduled: datetime | None, expiry: datetime | None, delays: StepDelays
) -> datetime:
    """When a just-accepted message first moves: at its scheduled time, after being queued,
    or at its expiry if that comes first. A message whose expiry has passed moves at once,
    as of its acceptance: it expires then, and no status or report of it is dated earlier."""
    if scheduled is not None and scheduled > accepted_at:
        due = scheduled
    else:
        due = accepted_at + delays.after(QUEUED)
    return min(due, max(expiry, accepted_at)) if expiry is not None else due


def next_transition(message: Message, delays: StepDelays) -> Transition:
    """The step a message takes at its due time, as of that time (it must have one)."""
    at = message["next_transition_at"]
    if at is None:
        raise ValueError(f"message {message['id']} has no transition due")
    status = message["status"]
    expiry = message["message_expiry_timestamp"]
    outcome = message["outcome"]
    delays = delays.with_overrides(outcome.get("delays"))

    if expiry is not None and at >= expiry:
        return Transition(EXPIRED, expiry_code(status), at, None)
    step = _STEP_FROM.get(status)
    if step is None or (step.unless_ended and ends_before_submission(outcome["error_code"])):
        return Transition(outcome["status"], outcome["error_code"], at, None)
    next_at = at + delays.after(step.to_status)
    if expiry is not None and expiry < next_at:
        next_at = expiry
    return Transition(step.to_status, step.error_code, at, next_at)
