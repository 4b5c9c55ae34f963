"""The emulator's settings, each declared once: its type, default, bounds and help.

Each setting has a command-line flag (`--webhook-workers`) and an environment variable
(`MM_EMULATOR_WEBHOOK_WORKERS`), both named after it and parsed by the same click type: the CLI
makes its options from these declarations (`SETTING_OPTIONS`), and a process started without the
CLI reads the same variables through `Settings.from_env`. An empty variable counts as unset.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import Field, dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar, get_args, get_type_hints

import click

from emulator.domain.lifecycle import INSTANT, StepDelays
from emulator.domain.retry import RetryPolicy
from emulator.domain.velocity import RenderLimits
from emulator.logs import FORMATS

ENV_PREFIX = "MM_EMULATOR_"
DEFAULT_DB = "mm-emulator.db"
MEMORY_DB = ":memory:"
MEMORY_URL = "sqlite://"

T = TypeVar("T")


class SettingsError(ValueError):
    """A setting with a value the emulator cannot use; the message names it."""


def _setting(
    default: T,
    help: str,
    *,
    low: int | None = None,
    high: int | None = None,
    choices: tuple[str, ...] = (),
) -> T:
    """A Settings field with its help text, and the bounds or choices its values must keep to."""
    return field(
        default=default, metadata={"help": help, "low": low, "high": high, "choices": choices}
    )


@dataclass(frozen=True)
class Settings:
    """Everything the emulator can be told at start-up."""

    host: str = _setting("127.0.0.1", "Address to listen on.")
    port: int = _setting(8080, "Port to listen on; 0 picks a free one.", low=0, high=65535)
    db: str = _setting(
        DEFAULT_DB, "SQLite file path or SQLAlchemy URL; ':memory:' for a throwaway store."
    )
    fixtures: str | None = _setting(
        None,
        "Folder (it must exist) with any of accounts.yaml, outcomes.yaml, handsets.yaml and"
        " keywords.yaml; each file it lacks is the shipped one of that name. Not given: all are"
        " shipped ones.",
    )
    chaos: str | None = _setting(
        None,
        "YAML file of fault injection rules, in force from the start and again after each reset.",
    )
    admin_token: str | None = _setting(
        None,
        "Bearer token required by /_emulator routes and the web inbox (health excepted); none:"
        " open on loopback, and one is generated (and printed) when listening on the network.",
    )
    allowed_hosts: str | None = _setting(
        None,
        "Comma-separated host names served without an admin token besides localhost and the"
        " listening address (DNS rebinding protection); with --tls, also names in the"
        " certificate.",
    )
    max_body_bytes: int = _setting(
        5 * 1024 * 1024, "Largest request body accepted; larger ones get 413.", low=1
    )
    hmac_date_window_seconds: int = _setting(
        15 * 60, "Allowed distance of an HMAC Date from real time; 0: no check."
    )
    threads: int = _setting(8, "Threads of each HTTP server process.", low=1)
    # One process per CPU; each has `threads` threads and runs the engine on the shared store.
    workers: int = _setting(
        os.cpu_count() or 1,
        "HTTP server processes sharing the port and the store (the default is one per CPU);"
        " 1 serves from this process alone. Without fork (Windows) there is always one.",
        low=1,
    )
    queued_seconds: float = _setting(1.0, "Seconds a message stays queued before it goes enroute.")
    enroute_seconds: float = _setting(
        1.0, "Seconds a message stays enroute before it is submitted."
    )
    submitted_seconds: float = _setting(
        2.0, "Seconds a message stays submitted before its final status."
    )
    instant: bool = _setting(False, "Messages reach their final status as soon as they are due.")
    tick_seconds: float = _setting(0.2, "How often the engine looks for due work.")
    webhook_timeout_seconds: float = _setting(10.0, "Timeout of one webhook request.")
    webhook_retry_base_seconds: float = _setting(
        5.0, "Wait after the first failed webhook attempt."
    )
    webhook_retry_factor: float = _setting(
        2.0, "Each further wait is this many times the previous one."
    )
    webhook_retry_cap_seconds: float = _setting(
        3600.0, "Longest wait between two webhook attempts."
    )
    webhook_max_attempts: int = _setting(10, "Attempts before a webhook is marked failed.", low=1)
    webhook_retry_jitter: float = _setting(
        0.1, "Random extra wait, as a fraction of the wait (0 for none)."
    )
    webhook_workers: int = _setting(16, "Webhook requests in flight at once.", low=1)
    template_max_chars: int = _setting(
        256 * 1024,
        "Longest text an account webhook's template may render, beyond the text of the"
        " variables it is given; a longer render fails its delivery.",
        low=1,
    )
    template_max_seconds: float = _setting(
        0.25,
        "Processor seconds an account webhook's template may take to render; a longer render"
        " fails its delivery.",
    )
    log_format: str = _setting("plain", "Log lines as plain text or JSON.", choices=FORMATS)
    sender_review_seconds: float = _setting(
        300.0,
        "Seconds on the emulator's clock before a requested alpha tag is approved (or rejected,"
        " for the magic names of the manual).",
    )
    idle_timeout_seconds: int = _setting(
        30, "Seconds an idle client connection is kept open.", low=1
    )
    header_timeout_seconds: int = _setting(
        10,
        "Seconds a request's header (and, over HTTPS, the TLS handshake before a connection's"
        " first request) may take to arrive; then the connection is closed.",
        low=1,
    )
    body_timeout_seconds: int = _setting(
        30,
        "Seconds a request's body may take to arrive once its header has; then the connection is"
        " closed.",
        low=1,
    )
    access_log: bool = _setting(
        False, "Log one line per request (method, path, status, duration, account)."
    )
    tls: bool = _setting(
        False,
        "Serve HTTPS instead of HTTP, with a certificate the emulator makes for localhost,"
        " 127.0.0.1, ::1, --host and --allowed-hosts, signed by its own authority (kept beside"
        " the database).",
    )
    tls_cert: str | None = _setting(
        None,
        "PEM file of your own server certificate (and its chain) to serve HTTPS with; implies"
        " --tls.",
    )
    tls_key: str | None = _setting(
        None, "PEM file of the key of --tls-cert; not given: the key is in --tls-cert's file."
    )
    inbox_refresh_seconds: float = _setting(
        1.0, "How often an open page of the web inbox looks for changes."
    )
    inbox_times_utc: bool = _setting(
        False, "The web inbox shows times in UTC for every viewer, not in each one's own zone."
    )

    def __post_init__(self) -> None:
        """Refuse values the emulator cannot run with, naming the setting."""
        for option in SETTING_OPTIONS:
            option.check(getattr(self, option.name))
        if self.tls_key is not None and self.tls_cert is None:
            raise SettingsError("tls_key is the key of tls_cert, which is not given")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The defaults, overridden by each MM_EMULATOR_<SETTING> variable that is set."""
        variables = os.environ if environ is None else environ
        return cls.from_values(
            {option.name: option.parse(variables.get(option.envvar)) for option in SETTING_OPTIONS}
        )

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> Settings:
        """The defaults, overridden by each value given (None: not given)."""
        return cls(**{name: value for name, value in values.items() if value is not None})

    @property
    def database_url(self) -> str:
        """The SQLAlchemy URL for `db`, which may be a plain file path, `:memory:` or a URL."""
        if "://" in self.db:
            return self.db
        if self.db == MEMORY_DB:
            return MEMORY_URL
        return "sqlite:///" + str(Path(self.db).expanduser().resolve())

    @property
    def serves_tls(self) -> bool:
        """Whether the emulator serves HTTPS: --tls, or a certificate of the user's own."""
        return self.tls or self.tls_cert is not None

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
    def template_limits(self) -> RenderLimits:
        """What one render of an account webhook's template may cost."""
        return RenderLimits(self.template_max_chars, self.template_max_seconds)

    @property
    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy(
            base_seconds=self.webhook_retry_base_seconds,
            factor=self.webhook_retry_factor,
            cap_seconds=self.webhook_retry_cap_seconds,
            max_attempts=self.webhook_max_attempts,
            jitter=self.webhook_retry_jitter,
        )


_PARAM_TYPES: dict[object, click.ParamType[object, str]] = {
    int: click.INT,
    float: click.FLOAT,
    bool: click.BOOL,
    str: click.STRING,
}


@dataclass(frozen=True)
class SettingOption:
    """One setting as the command line and the environment give it."""

    name: str
    default: object
    help: str
    type: click.ParamType[object, str]
    low: int | None
    high: int | None

    @classmethod
    def of(cls, setting: Field[object], annotation: object) -> SettingOption:
        choices: tuple[str, ...] = setting.metadata["choices"]
        # `str | None` is parsed as a str: an option that is not given stays None.
        kind = next(arg for arg in get_args(annotation) or (annotation,) if arg is not type(None))
        return cls(
            name=setting.name,
            default=setting.default,
            help=setting.metadata["help"],
            type=click.Choice(choices) if choices else _PARAM_TYPES[kind],
            low=setting.metadata["low"],
            high=setting.metadata["high"],
        )

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    @property
    def envvar(self) -> str:
        return ENV_PREFIX + self.name.upper()

    @property
    def is_switch(self) -> bool:
        """A flag given without a value (`--instant`), true when present."""
        return self.type is click.BOOL

    def parse(self, raw: str | None) -> object:
        """The value of the variable's text, None when it is unset or empty."""
        if not raw:
            return None
        try:
            return self.type.convert(raw, None, None)
        except click.BadParameter as error:
            raise SettingsError(f"{self.envvar}: {error.message}") from None

    def check(self, value: object) -> None:
        """Raise SettingsError, naming the setting, when `value` is out of its bounds or choices."""
        if isinstance(self.type, click.Choice) and value not in self.type.choices:
            shown = ", ".join(str(choice) for choice in self.type.choices)
            raise SettingsError(f"{self.name} must be one of {shown}, not {value!r}")
        if not isinstance(value, int | float) or self.low is None:
            return
        if value < self.low or (self.high is not None and value > self.high):
            bounds = (
                f"from {self.low} to {self.high}"
                if self.high is not None
                else f"at least {self.low}"
            )
            raise SettingsError(f"{self.name} must be {bounds}, not {value}")


_ANNOTATIONS = get_type_hints(Settings)
SETTING_OPTIONS = tuple(
    SettingOption.of(setting, _ANNOTATIONS[setting.name]) for setting in fields(Settings)
)
SETTING_OPTIONS_BY_NAME = {option.name: option for option in SETTING_OPTIONS}
