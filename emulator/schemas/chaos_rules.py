"""Shapes of fault injection rules: as a --chaos file and the control plane take them, and as the
control plane shows them with their counters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from emulator.domain.chaos_rules import (
    API,
    DEFAULT_HOLD_SECONDS,
    FAULTS,
    REORDER,
    SIDES,
    STATUS,
    STATUS_MESSAGES,
    WEBHOOK,
)
from emulator.schemas.fields import StrictBoolean, StrictInteger, StrictNumber, StrictString

MAX_RULES = 100
MAX_LATENCY_SECONDS = 600
MAX_DELAY_SECONDS = 86400
_ALL_FAULTS = FAULTS[API] + FAULTS[WEBHOOK]


class Seconds(fields.Field[Any]):
    """Seconds from 0 to `most`, or `[low, high]`: a time drawn within that range."""

    def __init__(self, most: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.most = most

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> float | list[float]:
        values = value if isinstance(value, list) and len(value) == 2 else [value]
        for number in values:
            if isinstance(number, bool) or not isinstance(number, int | float):
                raise ValidationError("Must be a number of seconds or a range [low, high].")
            if not 0 <= number <= self.most:
                raise ValidationError(f"Seconds must be from 0 to {self.most:g}.")
        if len(values) == 1:
            return float(values[0])
        low, high = (float(number) for number in values)
        if low > high:
            raise ValidationError("The range's low end must not be above its high end.")
        return [low, high]


def _must_be_true(value: bool) -> None:
    if value is not True:
        raise ValidationError("Must be true, or left out.")


class FaultSchema(Schema):
    """One fault with its settings: exactly one of the fault keys of the rule's side."""

    status = StrictInteger(validate=validate.OneOf(sorted(STATUS_MESSAGES)))
    retry_after = StrictInteger(validate=validate.Range(min=0, max=86400))
    latency_seconds = Seconds(MAX_LATENCY_SECONDS)
    drop = StrictBoolean(validate=_must_be_true)
    rate_limit = StrictInteger(validate=validate.Range(min=1, max=100000))
    duplicate = StrictBoolean(validate=_must_be_true)
    reorder = StrictBoolean(validate=_must_be_true)
    hold_seconds = StrictNumber(allow_nan=False, validate=validate.Range(min=0, max=86400))
    delay_seconds = Seconds(MAX_DELAY_SECONDS)

    @validates_schema
    def _one_fault(self, data: dict[str, Any], **kwargs: Any) -> None:
        given = [name for name in _ALL_FAULTS if name in data]
        if len(given) != 1:
            raise ValidationError(f"Give exactly one of: {', '.join(_ALL_FAULTS)}.")
        if "retry_after" in data and STATUS not in data:
            raise ValidationError("Only with status.", "retry_after")
        if "hold_seconds" in data and REORDER not in data:
            raise ValidationError("Only with reorder.", "hold_seconds")

    @post_load
    def _hold(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        if REORDER in data:
            data.setdefault("hold_seconds", DEFAULT_HOLD_SECONDS)
        return data


class ChaosRuleSchema(Schema):
    """A rule: which requests (or webhook deliveries) it matches, its fault, and when it fires."""

    name = StrictString(validate=validate.Length(min=1, max=200))
    side = StrictString(load_default=API, validate=validate.OneOf(SIDES))
    method = StrictString(validate=validate.Regexp(r"^[A-Za-z]{1,10}$", error="Not a method."))
    path = StrictString(
        validate=validate.Regexp(r"^/\S{0,499}$", error="Must start with / (at most 500 long).")
    )
    account = StrictString(validate=validate.Length(min=1, max=100))
    fault = fields.Nested(FaultSchema, required=True)
    times = StrictInteger(validate=validate.Range(min=1, max=10**9))
    probability = StrictNumber(allow_nan=False, validate=validate.Range(min=0, max=1))
    seed = StrictInteger(validate=validate.Range(min=-(2**63), max=2**63 - 1))
    enabled = StrictBoolean(load_default=True)

    @validates_schema(skip_on_field_errors=False)
    def _fault_of_its_side(self, data: dict[str, Any], **kwargs: Any) -> None:
        fault = data.get("fault")
        side = data.get("side", API)
        if not fault or side not in SIDES:
            return
        kind = next((name for name in _ALL_FAULTS if name in fault), None)
        if kind is not None and kind not in FAULTS[side]:
            other = WEBHOOK if side == API else API
            raise ValidationError(f"{kind} is a fault of side {other}, not {side}.", "fault")

    @post_load
    def _upper_method(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        if "method" in data:
            data["method"] = data["method"].upper()
        return data


class ChaosRulesSchema(Schema):
    """A --chaos file, and the body of PUT and POST /_emulator/chaos."""

    rules = fields.List(
        fields.Nested(ChaosRuleSchema),
        load_default=list,
        validate=validate.Length(max=MAX_RULES),
    )


class ChaosRuleChangeSchema(Schema):
    """The body of PATCH /_emulator/chaos/{rule_id}: switch a rule on or off."""

    enabled = StrictBoolean(required=True)


class ChaosRuleViewSchema(Schema):
    """A rule as the control plane shows it, with its counters: `matched` requests (or
    deliveries), `fired` faults, and `remaining` fires of a `times` rule."""

    id = fields.String()
    name = fields.String(allow_none=True)
    side = fields.String()
    method = fields.String(allow_none=True)
    path = fields.String(allow_none=True)
    account = fields.String(allow_none=True)
    fault = fields.Dict()
    times = fields.Integer(allow_none=True)
    probability = fields.Float(allow_none=True)
    seed = fields.Integer()
    enabled = fields.Boolean()
    remaining = fields.Integer(allow_none=True)
    matched = fields.Integer()
    fired = fields.Integer()


class ChaosRuleViewsSchema(Schema):
    rules = fields.List(fields.Nested(ChaosRuleViewSchema))
