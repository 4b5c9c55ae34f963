"""One Settings object built from defaults, MM_EMULATOR_* environment variables and CLI flags."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

ENV_PREFIX = "MM_EMULATOR_"
DEFAULT_DB = "mm-emulator.db"
MEMORY_DB = ":memory:"


@dataclass(frozen=True)
class Settings:
    """Everything the emulator can be told at start-up."""

    host: str = "127.0.0.1"
    port: int = 8080
    db: str = DEFAULT_DB
    fixtures: str | None = None
    admin_token: str | None = None
    max_body_bytes: int = 5 * 1024 * 1024
    hmac_date_window_seconds: int = 15 * 60
    threads: int = 8

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides) -> Settings:
        """Defaults, then MM_EMULATOR_<FIELD> variables, then overrides (None is ignored)."""
        environ = os.environ if environ is None else environ
        values = {}
        for field in fields(cls):
            raw = environ.get(ENV_PREFIX + field.name.upper())
            if raw is not None:
                values[field.name] = int(raw) if field.type == "int" else raw
        values.update({name: value for name, value in overrides.items() if value is not None})
        return cls(**values)

    def with_changes(self, **changes) -> Settings:
        """A copy with some fields replaced."""
        return replace(self, **changes)

    @property
    def database_url(self) -> str:
        """The SQLAlchemy URL for `db`, which may be a plain file path, `:memory:` or a URL."""
        if "://" in self.db:
            return self.db
        if self.db == MEMORY_DB:
            return "sqlite://"
        return "sqlite:///" + str(Path(self.db).expanduser().resolve())
