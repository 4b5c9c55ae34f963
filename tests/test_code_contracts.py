"""The code's own contracts, checked with every test run: the layering of imports and types."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_imports_point_down_only():
    """domain imports no I/O layer; store and engine never import services, api or control;
    services never import api or control (the contracts in pyproject.toml)."""
    result = _run(sys.executable, "-m", "importlinter.cli", "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" not in result.stdout.lower().replace("0 broken", "")


def test_the_package_type_checks():
    result = _run(sys.executable, "-m", "mypy")
    assert result.returncode == 0, result.stdout + result.stderr
