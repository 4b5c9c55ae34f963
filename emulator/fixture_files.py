"""Read a YAML fixture file from a user's folder, or the one shipped with the package."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml

SHIPPED = "emulator.default_fixtures"


def load_fixture(directory: str | None, filename: str) -> dict:
    """`directory/filename` when it exists, else the shipped file of that name; parsed YAML."""
    path = Path(directory) / filename if directory else None
    if path is not None and path.exists():
        text = path.read_text(encoding="utf-8")
    else:
        text = resources.files(SHIPPED).joinpath(filename).read_text(encoding="utf-8")
    return yaml.safe_load(text) or {}
