"""Scripted handsets: fixture data that makes a handset reply when a matching message arrives."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from emulator.fixture_files import load_fixture

HANDSETS_FILE = "handsets.yaml"


@dataclass(frozen=True)
class HandsetScript:
    """When a message matching `content` is delivered to `destination` (any number when None),
    the handset replies `reply` after `after_seconds`."""

    name: str
    reply: str
    after: timedelta
    destination: str | None = None
    content: re.Pattern | None = None

    def matches(self, message: dict) -> bool:
        if self.destination is not None and message["destination_number"] != self.destination:
            return False
        return self.content is None or bool(self.content.search(message["content"]))


class HandsetScripts:
    """The first script that matches a delivered message decides its reply."""

    def __init__(self, scripts: list[HandsetScript]) -> None:
        self.scripts = scripts

    def script_for(self, message: dict) -> HandsetScript | None:
        return next((script for script in self.scripts if script.matches(message)), None)

    @classmethod
    def from_fixtures(cls, directory: str | None) -> HandsetScripts:
        """Read `handsets.yaml` from `directory` if it has one, else the shipped scripts."""
        return cls.from_data(load_fixture(directory, HANDSETS_FILE))

    @classmethod
    def from_data(cls, data: dict) -> HandsetScripts:
        return cls(
            [
                HandsetScript(
                    name=str(entry.get("name", f"script {index}")),
                    reply=str(entry["reply"]),
                    after=timedelta(seconds=float(entry.get("after_seconds", 0))),
                    destination=entry.get("destination"),
                    content=re.compile(entry["content"]) if entry.get("content") else None,
                )
                for index, entry in enumerate(data.get("scripts", []))
            ]
        )
