"""Velocity templates of account webhooks: checked when a webhook is saved, rendered with the
variables MessageMedia documents and the escaping tool (`$esc`) its examples use, within limits
of size and time whatever the template does."""

from __future__ import annotations

import html
import json
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from types import CodeType, FrameType
from typing import Any
from urllib.parse import quote_plus
from xml.sax.saxutils import escape

import airspeed

_XML_QUOTES = {'"': "&quot;", "'": "&apos;"}
# A name after a dot that starts with `_` reaches Python's internals (`$x.__class__`), and
# through them anything: no template may use one.
_PRIVATE_NAME = re.compile(r"[\w)\]}]\.(_\w*)")


class TemplateProblem(ValueError):
    """A template that fails while it is rendered, such as a method called with the wrong
    arguments or an `#include` (there is nothing to include)."""


class TemplateTooCostly(TemplateProblem):
    """A render that went beyond its limits of size or time, and was stopped there."""


@dataclass(frozen=True)
class RenderLimits:
    """What one render may cost: `max_chars` of text (beyond the text of the variables it is
    given: a template may well copy an attachment of a few MB) in its result and in any value
    it makes on the way, and `max_seconds` of time."""

    max_chars: int = 256 * 1024
    max_seconds: float = 0.25


DEFAULT_LIMITS = RenderLimits()


def template_problem(text: str) -> str | None:
    """Why `text` is not a Velocity template, or None when it parses."""
    try:
        _compiled(text)
    except airspeed.TemplateSyntaxError as error:
        return str(error)
    private = _PRIVATE_NAME.search(text)
    if private:
        return f"names starting with _ are not available to templates: {private.group(1)}"
    return None


def render(text: str, variables: dict[str, Any], limits: RenderLimits = DEFAULT_LIMITS) -> str:
    """`text` rendered with `variables`; a reference to a variable that is absent (or None) stays
    as written, as Velocity leaves it, unless it is quiet (`$!name`). A render beyond `limits`
    raises TemplateTooCostly, any other failure TemplateProblem."""
    template = _compiled(text)
    guard = _Guard(limits, _text_size(variables))
    previous = sys.gettrace()
    try:
        output = _BoundedOutput(guard)
        sys.settrace(guard.called)
        try:
            template.merge_to(_context(variables), output)
        finally:
            sys.settrace(previous)
        if guard.stopped is not None:
            raise _Stop(guard.stopped)
        rendered: str = output.getvalue()
        return rendered
    except Exception as error:
        if guard.stopped is not None:
            raise TemplateTooCostly(guard.stopped) from None
        # Whatever a template makes Python raise is the template's failure, not the emulator's.
        raise TemplateProblem(" ".join(f"{type(error).__name__}: {error}".split())) from None


def _text_size(value: object) -> int:
    """The characters of text in the variables, which a template may copy into its result."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        return sum(_text_size(item) for item in value.values())
    if isinstance(value, list):
        return sum(_text_size(item) for item in value)
    return 0


class _Stop(Exception):
    """Raised inside a render to end it; the guard keeps the reason."""


# Python methods a template may call on values of these types: those whose result is no
# bigger than their inputs. Others (`zfill`, `center`, `join`, `replace`, `fromkeys`, ...) can
# make gigabytes in one call, which no limit checked between calls could stop.
_STRING_METHODS = frozenset(
    [
        "length",
        "startsWith",
        "contains",
        "upper",
        "lower",
        "strip",
        "lstrip",
        "rstrip",
        "startswith",
        "endswith",
        "find",
        "rfind",
        "index",
        "rindex",
        "count",
        "isdigit",
        "isalpha",
        "isalnum",
        "isspace",
        "isupper",
        "islower",
        "istitle",
        "isnumeric",
        "isdecimal",
        "title",
        "capitalize",
        "swapcase",
        "casefold",
        "split",
        "rsplit",
        "splitlines",
        "partition",
        "rpartition",
        "removeprefix",
        "removesuffix",
    ]
)
_LIST_METHODS = frozenset(["size", "get", "contains", "add", "set", "index", "count"])
_DICT_METHODS = frozenset(
    [
        "get",
        "keys",
        "values",
        "items",
        "isEmpty",
        "keySet",
        "put",
        "putAll",
        "toString",
        "entrySet",
        "containsKey",
        "size",
    ]
)
_ALLOWED = {
    str: _STRING_METHODS,
    list: _LIST_METHODS,
    tuple: frozenset({"index", "count"}),
    dict: _DICT_METHODS,
}
_SEQUENCES = (str, list, tuple, dict)
# The clock is read once every so many calls of a render: often enough to stop it within a
# millisecond of its deadline, rarely enough to cost nothing noticeable.
_CALLS_PER_CLOCK_READING = 16
# Numbers beyond this many bits are no webhook's business, and multiplying them grows them
# without bound.
_MAX_INT_BITS = 256


class _Guard:
    """A trace function for the thread that renders: it stops the render at its deadline, at
    a value longer than the limit, at a multiplication that would make one, and at a name no
    template may use. It is called at each call of a Python function, and follows only the
    few of airspeed's functions whose results it checks."""

    def __init__(self, limits: RenderLimits, input_chars: int) -> None:
        self.limits = limits
        self.max_chars = limits.max_chars + input_chars
        # Processor time of the rendering thread: other threads and processes busy on the
        # machine make a render no costlier.
        self.deadline = time.thread_time() + limits.max_seconds
        self.stopped: str | None = None
        self._calls = 0

    def called(self, frame: FrameType, event: str, arg: Any) -> TraceFunction | None:
        self._calls += 1
        if not self._calls % _CALLS_PER_CLOCK_READING and time.thread_time() > self.deadline:
            self.stop(f"the render took more than {self.limits.max_seconds:g} s")
        code = frame.f_code
        if code is _NAME_OR_CALL:
            self._check_name(frame.f_locals["self"].name, frame.f_locals["current_object"])
        if code is _OPERATE:
            return self._operating
        if code in _CALCULATIONS:
            frame.f_trace_lines = False
            return self._returning
        return None

    def _returning(self, frame: FrameType, event: str, arg: Any) -> TraceFunction | None:
        if event == "return":
            self.check_size(arg, "a value it made")
        return self._returning

    def _operating(self, frame: FrameType, event: str, arg: Any) -> TraceFunction | None:
        # Before the line that applies the operator, both operands are known.
        self._check_product(frame.f_locals.get("value1"), frame.f_locals.get("value2"))
        if event == "return":
            self.check_size(arg, "a value it made")
        return self._operating

    def check_size(self, value: object, what: str) -> None:
        if isinstance(value, _SEQUENCES) and len(value) > self.max_chars:
            self.stop(f"{what} is longer than {self.limits.max_chars:,} characters")
        if isinstance(value, int) and value.bit_length() > _MAX_INT_BITS:
            self.stop(f"{what} is a number of more than {_MAX_INT_BITS} bits")

    def _check_name(self, name: str, owner: object) -> None:
        if name.startswith("_"):
            self.stop(f"names starting with _ are not available to templates: {name}")
        if isinstance(owner, airspeed.LocalNamespace) or not isinstance(owner, _SEQUENCES):
            return  # a variable, or a method of the emulator's own helpers
        if isinstance(owner, dict) and name in owner:
            return  # a key, not a method
        allowed = next(methods for kind, methods in _ALLOWED.items() if isinstance(owner, kind))
        if name not in allowed and hasattr(owner, name):
            self.stop(f"the method {name} is not available to templates")

    def _check_product(self, left: object, right: object) -> None:
        for sequence, times in ((left, right), (right, left)):
            if (
                isinstance(sequence, _SEQUENCES)
                and isinstance(times, int)
                and len(sequence) * times > self.max_chars
            ):
                self.stop(f"a value it made is longer than {self.limits.max_chars:,} characters")

    def stop(self, reason: str) -> None:
        if self.stopped is None:
            self.stopped = reason
        raise _Stop(reason)


class _BoundedOutput(airspeed.StoppableStream):  # type: ignore[misc]  # airspeed has no types
    """The text a render writes, stopped when it would grow beyond the guard's limit."""

    def __init__(self, guard: _Guard) -> None:
        super().__init__()
        self._guard = guard
        self._written = 0

    def write(self, text: str) -> int:
        self._written += len(text)
        if self._written > self._guard.max_chars:
            self._guard.stop(
                f"the rendered text is longer than {self._guard.limits.max_chars:,} characters"
            )
        super().write(text)
        return len(text)


TraceFunction = Callable[[FrameType, str, Any], Any]
_NAME_OR_CALL = airspeed.NameOrCall.calculate.__code__
# The function inside airspeed's Expression.calculate that applies a binary operator.
_OPERATE = next(
    const
    for const in airspeed.Expression.calculate.__code__.co_consts
    if isinstance(const, CodeType) and const.co_name == "stack_calculate"
)
# What airspeed's elements compute: each result is checked.
_CALCULATIONS = frozenset(
    vars(element)["calculate"].__code__
    for element in vars(airspeed).values()
    if isinstance(element, type) and "calculate" in vars(element)
)


@lru_cache(maxsize=256)
def _compiled(text: str) -> airspeed.Template:
    template = airspeed.Template(text)
    template.ensure_compiled()
    return template


def _context(variables: dict[str, Any]) -> dict[str, Any]:
    context: dict[str, Any] = {
        name: value for name, value in variables.items() if value is not None
    }
    context["metadata"] = VelocityMap(variables.get("metadata") or {})
    if variables.get("attachments"):
        context["attachments"] = [Attachment(item) for item in variables["attachments"]]
    context["esc"] = EscapeTool()
    return context


class VelocityMap(dict[str, Any]):
    """Metadata as a Java map, with Java's method names as templates call them:
    `$metadata.get('key')`, `$metadata.keySet()`, `$metadata.entrySet()` (each `$entry.key`
    and `$entry.value`)."""

    def entrySet(self) -> list[dict[str, Any]]:
        return [{"key": key, "value": value} for key, value in self.items()]

    def keySet(self) -> list[str]:
        return list(self)

    def containsKey(self, key: str) -> bool:
        return key in self

    def isEmpty(self) -> bool:
        return not self

    def size(self) -> int:
        return len(self)


class Attachment:
    """An MMS attachment as the documented template shows it: `$entry.contentType`,
    `$entry.base64` and `$entry.originalName`."""

    def __init__(self, attachment: dict[str, Any]) -> None:
        self.contentType = attachment.get("content_type")
        self.base64 = attachment.get("content")
        self.originalName = attachment.get("original_name")


class EscapeTool:
    """Velocity's EscapeTool: `$esc.json($!mtContent)`, `$esc.xml(...)`, `$esc.url(...)`, and
    `$esc.d` (`$`), `$esc.h` (`#`), `$esc.q` (`"`), `$esc.s` (`'`), `$esc.b` (`\\`), `$esc.e`
    (`!`) for writing those characters literally. A null argument gives empty text."""

    d, h, q, s, b, e = "$", "#", '"', "'", "\\", "!"

    def json(self, value: object) -> str:
        return "" if value is None else json.dumps(str(value), ensure_ascii=False)[1:-1]

    def javascript(self, value: object) -> str:
        return self.json(value).replace("'", "\\'")

    def xml(self, value: object) -> str:
        return "" if value is None else escape(str(value), _XML_QUOTES)

    def html(self, value: object) -> str:
        return "" if value is None else html.escape(str(value))

    def url(self, value: object) -> str:
        return "" if value is None else quote_plus(str(value))
