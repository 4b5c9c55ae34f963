"""The excerpts of the official MessageMedia OpenAPI specification the tests read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def read_spec(path: Path) -> Any:
    """The YAML document at `path`, parsed afresh, so a caller may change it. libyaml parses it
    ten times quicker than PyYAML's own parser, and every pytest worker reads the excerpts as
    it collects."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
