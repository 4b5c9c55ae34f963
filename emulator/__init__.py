"""A local emulator of the MessageMedia Messages API."""

__version__ = "0.1.0"
