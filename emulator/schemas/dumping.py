"""Response schemas turned once into plain functions that build the same JSON as `Schema.dump`.

marshmallow dumps field by field through several layers of calls, which for a page of 100
delivery reports costs more than reading them from the store. The schemas stay the one
description of every response; `dumper(schema)` reads their fields once and returns a function
doing only what those fields do. A schema using anything it does not know (hooks, dotted
attributes, other field types) is dumped by marshmallow itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from weakref import WeakKeyDictionary

from marshmallow import Schema, fields
from marshmallow.utils import missing

from emulator.schemas.fields import Timestamp
from emulator.timestamps import format_timestamp

Dump = Callable[[Any], Any]
_dumpers: WeakKeyDictionary[Schema, Dump] = WeakKeyDictionary()


def dumper(schema: Schema) -> Dump:
    """A function giving what `schema.dump(obj)` gives, built on first use."""
    found = _dumpers.get(schema)
    if found is None:
        found = _compile(schema) or schema.dump
        _dumpers[schema] = found
    return found


def _compile(schema: Schema) -> Dump | None:
    if schema.many or any(schema._hooks.values()):
        return None
    plan = []
    for name, field in schema.dump_fields.items():
        attribute = field.attribute or name
        convert = _converter(field)
        if convert is None or "." in attribute:
            return None
        plan.append((attribute, field.data_key or name, convert, field.dump_default))

    def dump(obj: Any) -> dict:
        get = (
            obj.get if isinstance(obj, dict) else (lambda name, absent: getattr(obj, name, absent))
        )
        out = {}
        for attribute, key, convert, default in plan:
            value = get(attribute, missing)
            if value is missing:
                if default is missing:
                    continue
                value = default() if callable(default) else default
            out[key] = None if value is None else convert(value)
        return out

    return dump


def _converter(field: fields.Field) -> Callable[[Any], Any] | None:
    """What the field's own `_serialize` does to a value that is not None."""
    kind = type(field)
    serialize = kind._serialize
    if isinstance(field, Timestamp) and serialize is Timestamp._serialize:
        return format_timestamp
    if isinstance(field, fields.String) and serialize is fields.String._serialize:
        return _text
    if isinstance(field, fields.Boolean) and serialize is fields.Boolean._serialize:
        truthy, falsy = field.truthy, field.falsy
        return lambda value: _boolean(value, truthy, falsy)
    if isinstance(field, fields.Integer) and serialize is fields.Number._serialize:
        return None if field.as_string else int
    if isinstance(field, fields.Float) and serialize is fields.Number._serialize:
        return None if field.as_string else float
    if isinstance(field, fields.Dict) and serialize is fields.Mapping._serialize:
        return dict if field.key_field is None and field.value_field is None else None
    if kind is fields.Raw:
        return lambda value: value
    if isinstance(field, fields.List) and serialize is fields.List._serialize:
        inner = _converter(field.inner)
        return None if inner is None else lambda values: [_or_none(inner, v) for v in values]
    if isinstance(field, fields.Nested) and serialize is fields.Nested._serialize:
        nested = field.schema
        one = _compile(nested) if not nested.many else None
        if one is None:
            return None
        return (lambda values: [_or_none(one, v) for v in values]) if field.many else one
    return None


def _or_none(convert: Callable[[Any], Any], value: Any) -> Any:
    return None if value is None else convert(value)


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _boolean(value: Any, truthy: set, falsy: set) -> bool:
    try:
        if value in truthy:
            return True
        if value in falsy:
            return False
    except TypeError:
        pass
    return bool(value)
