"""One Settings object built from defaults, MM_EMULATOR_* environment variables and CLI flags."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

from emulator.domain.lifecycle import INSTANT, StepDelays
from emulator.domain.retry import RetryPolicy

ENV_PREFIX = "MM_EMULATOR_"
DEFAULT_DB = "mm-emulator.db"
MEMORY_DB = ":memory:"
MEMORY_URL = "sqlite://"
_TRUE = {"1", "true", "yes", "on"}
# Bounds of the settings a wrong value would break; None: no upper bound.
_RANGES = {
    "port": (0, 65535),
    "threads": (1, None),
    "workers": (1, None),
    "max_body_bytes": (1, None),
    "webhook_max_attempts": (1, None),
    "webhook_workers": (1, None),
    "idle_timeout_seconds": (1, None),
}


class SettingsError(ValueError):
    """A setting with a value the emulator cannot use; the message names it."""


@dataclass(frozen=True)
class Settings:
    """Everything the emulator can be told at start-up."""

    host: str = "127.0.0.1"
    port: int = 8080
    db: str = DEFAULT_DB
    fixtures: str | None = None
    chaos: str | None = None
    admin_token: str | None = None
    allowed_hosts: str | None = None
    max_body_bytes: int = 5 * 1024 * 1024
    hmac_date_window_seconds: int = 15 * 60
    threads: int = 8
    # One process per CPU; each has `threads` threads and runs the engine on the shared store.
    workers: int = os.cpu_count() or 1
    queued_seconds: float = 1.0
    enroute_seconds: float = 1.0
    submitted_seconds: float = 2.0
    instant: bool = False
    tick_seconds: float = 0.2
    webhook_timeout_seconds: float = 10.0
    webhook_retry_base_seconds: float = 5.0
    webhook_retry_factor: float = 2.0
    webhook_retry_cap_seconds: float = 3600.0
    webhook_max_attempts: int = 10
    webhook_retry_jitter: float = 0.1
    webhook_workers: int = 16
    log_format: str = "plain"
    idle_timeout_seconds: int = 30

    def __post_init__(self) -> None:
        """Refuse values the emulator cannot run with, naming the setting."""
        for name, (low, high) in _RANGES.items():
            value = getattr(self, name)
            if value < low or (high is not None and value > high):
                bounds = f"from {low} to {high}" if high is not None else f"at least {low}"
                raise SettingsError(f"{name} must be {bounds}, not {value}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides) -> Settings:
        """Defaults, then MM_EMULATOR_<FIELD> variables, then overrides (None is ignored)."""
        variables = os.environ if environ is None else environ
        values = {}
        for field in fields(cls):
            raw = variables.get(ENV_PREFIX + field.name.upper())
            if raw is not None:
                # The annotations are strings here (postponed evaluation).
                values[field.name] = _parse(str(field.type), raw)
        values.update({name: value for name, value in overrides.items() if value is not None})
        return cls(**values)

    @property
    def database_url(self) -> str:
        """The SQLAlchemy URL for `db`, which may be a plain file path, `:memory:` or a URL."""
        if "://" in self.db:
            return self.db
        if self.db == MEMORY_DB:
            return MEMORY_URL
        return "sqlite:///" + str(Path(self.db).expanduser().resolve())

    @property
    def served_host_names(self) -> frozenset[str]:
        """Host names served without an admin token besides this machine's own: the address
        listened on and the `allowed_hosts` (comma-separated)."""
        names = {name.strip().lower() for name in (self.allowed_hosts or "").split(",")}
        names.add(self.host.strip("[]").lower())
        return frozenset(name for name in names if name)

    @property
    def step_delays(self) -> StepDelays:
        """How long messages stay queued, enroute and submitted (all zero in instant mode)."""
        if self.instant:
            return INSTANT
        return StepDelays(self.queued_seconds, self.enroute_seconds, self.submitted_seconds)

    @property
    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy(
            base_seconds=self.webhook_retry_base_seconds,
            factor=self.webhook_retry_factor,
            cap_seconds=self.webhook_retry_cap_seconds,
            max_attempts=self.webhook_max_attempts,
            jitter=self.webhook_retry_jitter,
        )


def _parse(type_name: str, raw: str):
    if type_name == "int":
        return int(raw)
    if type_name == "float":
        return float(raw)
    if type_name == "bool":
        return raw.strip().lower() in _TRUE
    return raw
