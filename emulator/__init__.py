"""A local emulator of the MessageMedia Messages API."""

__version__ = "0.2.0"
