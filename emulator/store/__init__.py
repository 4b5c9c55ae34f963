"""The store: SQLAlchemy tables and the queries the emulator needs; SQLite by default."""

from emulator.store.base import account_subject
from emulator.store.store import Store

__all__ = ["Store", "account_subject"]
