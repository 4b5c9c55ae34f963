"""The web inbox: pages at /, drawn from the store and kept live by the change log."""

from emulator.ui.views import ui

__all__ = ["ui"]
