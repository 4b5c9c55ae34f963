"""The /_emulator control plane: health, reset and inspection, for people and tests."""

from emulator.control.routes import control

__all__ = ["control"]
