"""Velocity templates of account webhooks: checked when a webhook is saved, rendered with the
variables MessageMedia documents and the escaping tool (`$esc`) its examples use."""

from __future__ import annotations

import html
import json
from functools import lru_cache
from typing import Any
from urllib.parse import quote_plus
from xml.sax.saxutils import escape

import airspeed

_XML_QUOTES = {'"': "&quot;", "'": "&apos;"}


class TemplateProblem(ValueError):
    """A template that fails while it is rendered, such as a method called with the wrong
    arguments or an `#include` (there is nothing to include)."""


def template_problem(text: str) -> str | None:
    """Why `text` is not a Velocity template, or None when it parses."""
    try:
        _compiled(text)
    except airspeed.TemplateSyntaxError as error:
        return str(error)
    return None


def render(text: str, variables: dict[str, Any]) -> str:
    """`text` rendered with `variables`; a reference to a variable that is absent (or None) stays
    as written, as Velocity leaves it, unless it is quiet (`$!name`)."""
    try:
        rendered: str = _compiled(text).merge(_context(variables))
        return rendered
    except Exception as error:
        # Whatever a template makes Python raise is the template's failure, not the emulator's.
        raise TemplateProblem(" ".join(f"{type(error).__name__}: {error}".split())) from None


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
