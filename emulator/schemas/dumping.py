"""Response schemas turned once into plain functions that build the same JSON as `Schema.dump`.

marshmallow dumps field by field through several layers of calls, which for a page of 100
delivery reports costs more than reading them from the store. The schemas stay the one
description of every response; `dumper(schema)` reads their fields once and writes the source
of a function doing only what those fields do: one statement per field, no loop over the fields,
no call where a value needs no conversion. A schema using anything it does not know (hooks,
dotted attributes, other field types) is dumped by marshmallow itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from weakref import WeakKeyDictionary

from marshmallow import Schema, fields, missing

from emulator.schemas.fields import Timestamp
from emulator.timestamps import format_timestamp

Dump = Callable[[Any], Any]
# What a field does to a value that is not None: the source of an expression of the name given.
Conversion = Callable[[str], str]
_dumpers: WeakKeyDictionary[Schema, Dump] = WeakKeyDictionary()


def dumper(schema: Schema) -> Dump:
    """A function giving what `schema.dump(obj)` gives, built on first use."""
    found = _dumpers.get(schema)
    if found is None:
        found = (None if schema.many else _compile(schema)) or schema.dump
        _dumpers[schema] = found
    return found


def _bind(names: dict[str, Any], value: Any) -> str:
    """A name under which the generated source finds `value` among its globals `names`."""
    name = f"_bound{len(names)}"
    names[name] = value
    return name


def _compile(schema: Schema) -> Dump | None:
    """A function dumping one object as `schema` would, whether or not the schema dumps many."""
    if any(schema._hooks.values()):
        return None
    # The generated function's globals: its helpers, then the values its fields need.
    names: dict[str, Any] = {
        "missing": missing,
        "_attribute_getter": _attribute_getter,
        "_text": _text,
        "format_timestamp": format_timestamp,
    }
    lines = [
        "def dump(obj):",
        "    get = obj.get if isinstance(obj, dict) else _attribute_getter(obj)",
        "    out = {}",
    ]
    for name, field in schema.dump_fields.items():
        attribute = field.attribute or name
        convert = _converter(field, names)
        if convert is None or "." in attribute or not field._CHECK_ATTRIBUTE:
            return None
        lines.append(f"    value = get({attribute!r}, missing)")
        default = field.dump_default
        if default is missing:
            lines.append("    if value is not missing:")
            indent = "        "
        else:
            fallback = _bind(names, default)
            lines.append("    if value is missing:")
            lines.append(f"        value = {fallback}{'()' if callable(default) else ''}")
            indent = "    "
        key = repr(name if field.data_key is None else field.data_key)
        lines.append(f"{indent}out[{key}] = None if value is None else {convert('value')}")
    lines.append("    return out")
    source = "\n".join(lines)
    exec(compile(source, f"<dumper of {type(schema).__name__}>", "exec"), names)
    dump: Dump = names["dump"]
    return dump


def _converter(
    field: fields.Field[Any], names: dict[str, Any], depth: int = 0
) -> Conversion | None:
    """What the field's own `_serialize` does to a value that is not None."""
    serialize: object = type(field)._serialize
    if serialize is fields.Field._serialize:
        # Raw and Boolean among others: the value as it is.
        return lambda value: value
    if isinstance(field, Timestamp) and serialize is Timestamp._serialize:
        return lambda value: f"format_timestamp({value})"
    if isinstance(field, fields.String) and serialize is fields.String._serialize:
        return lambda value: f"({value} if {value}.__class__ is str else _text({value}))"
    if isinstance(field, fields.Integer) and serialize is fields.Number._serialize:
        return None if field.as_string else _exactly("int")
    if isinstance(field, fields.Float) and serialize is fields.Number._serialize:
        return None if field.as_string else _exactly("float")
    if isinstance(field, fields.Dict) and serialize is fields.Mapping._serialize:
        if field.key_field is None and field.value_field is None:
            return lambda value: f"dict({value})"
        return None
    item = f"item{depth}"
    if isinstance(field, fields.List) and serialize is fields.List._serialize:
        inner = _converter(field.inner, names, depth + 1)
        if inner is None:
            return None
        return lambda values: f"[None if {item} is None else {inner(item)} for {item} in {values}]"
    if isinstance(field, fields.Nested) and serialize is fields.Nested._serialize:
        one = _compile(field.schema)
        if one is None:
            return None
        nested = _bind(names, one)
        if field.schema.many or field.many:
            # Every item is dumped, None too (as an object without attributes).
            return lambda values: f"[{nested}({item}) for {item} in {values}]"
        return lambda value: f"{nested}({value})"
    return None


def _exactly(number_type: str) -> Conversion:
    """`number_type(value)`, skipped for a value of exactly that type (it would return it)."""
    return lambda value: (
        f"({value} if {value}.__class__ is {number_type} else {number_type}({value}))"
    )


def _attribute_getter(obj: Any) -> Callable[[str, Any], Any]:
    return lambda name, absent: getattr(obj, name, absent)


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)
