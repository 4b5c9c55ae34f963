"""The web inbox: pages at /, drawn from the store and kept live by the change log."""

from emulator.ui import actions as _actions  # noqa: F401  (its routes join the blueprint)
from emulator.ui.views import ui

__all__ = ["ui"]
