"""Scripted handsets: fixture data that makes a handset reply when a matching message arrives."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from emulator.domain.records import Message


@dataclass(frozen=True)
class HandsetScript:
    """When a message matching `content` is delivered to `destination` (any number when None),
    the handset replies `reply` after `after_seconds`."""

    name: str
    reply: str
    after: timedelta
    destination: str | None = None
    content: re.Pattern[str] | None = None

    def matches(self, message: Message) -> bool:
        if self.destination is not None and message["destination_number"] != self.destination:
            return False
        return self.content is None or bool(self.content.search(message["content"]))


class HandsetScripts:
    """The first script that matches a delivered message decides its reply."""

    def __init__(self, scripts: list[HandsetScript]) -> None:
        self.scripts = scripts

    def script_for(self, message: Message) -> HandsetScript | None:
        return next((script for script in self.scripts if script.matches(message)), None)
