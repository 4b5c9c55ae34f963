"""`mm-emulator`: serve the emulator with a production WSGI server."""

from __future__ import annotations

import ipaddress
import logging
import os
import secrets
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import replace
from functools import partial
from pathlib import Path
from types import FrameType
from typing import IO, Any

import click

from emulator import __version__
from emulator.app import create_app
from emulator.domain.accounts import ApiKey
from emulator.fixture_files import FixtureError, check_fixtures, load_accounts
from emulator.instance import Emulator
from emulator.logs import configure_logging
from emulator.server import (
    Deadlines,
    EmulatorServer,
    ServerError,
    StopServing,
    base_url,
    can_fork,
    listening_socket,
    shut_down_and_exit,
)
from emulator.settings import (
    MEMORY_URL,
    SETTING_OPTIONS,
    SETTING_OPTIONS_BY_NAME,
    SettingOption,
    Settings,
    SettingsError,
)
from emulator.store import Store, housekeeping
from emulator.store import clock as stored_clock
from emulator.store.database import StoreError, holds_a_store, shown_url, sqlite_file
from emulator.tls import TlsError, TlsFiles, own_certificate, server_context, users_certificate
from emulator.web.requests import emulator_of

PROG = "mm-emulator"


def setting_option(
    option: SettingOption, **changes: Any
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """The click option of a setting, read from its flag, else its MM_EMULATOR_* variable;
    `changes` override what the declaration gives (a command's own help, required=True)."""
    declared: dict[str, Any] = {
        "envvar": option.envvar,
        "show_envvar": True,
        "default": None,
        "help": option.help + _shown_default(option.default),
    }
    if option.is_switch:
        declared.update(is_flag=True, flag_value=True)
    else:
        declared["type"] = option.type
    return click.option(option.flag, option.name, **(declared | changes))


def settings_options(command: Callable[..., None]) -> Callable[..., None]:
    """One option per setting, in the order Settings declares them."""
    for option in reversed(SETTING_OPTIONS):
        command = setting_option(option)(command)
    return command


def _shown_default(default: object) -> str:
    return "" if default is None else f" [default: {default}]"


class Failure(click.ClickException):
    """A mistake in how the emulator was started: one `mm-emulator: error:` line per problem."""

    def show(self, file: IO[Any] | None = None) -> None:
        for line in self.message.splitlines():
            click.echo(f"{PROG}: error: {line}", err=True)


class Commands(click.Group):
    """mm-emulator's commands, whose known failures end with their message, not a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (FixtureError, SettingsError, StoreError, ServerError, TlsError) as error:
            raise Failure(str(error)) from None


@click.group(cls=Commands)
@click.version_option(__version__, prog_name=PROG)
def main() -> None:
    """A local emulator of the MessageMedia Messages API."""


@main.command()
@settings_options
def serve(**options: Any) -> None:
    """Serve the Messages API and the /_emulator control plane."""
    settings = Settings.from_values(options)
    generated_token = None
    if not _is_loopback(settings.host) and not settings.admin_token:
        generated_token = secrets.token_urlsafe(24)
        settings = replace(settings, admin_token=generated_token)
    configure_logging(settings.log_format, access_log=settings.access_log)
    # Before the store is opened: broken fixtures should not leave a new store file behind.
    check_fixtures(settings.fixtures, settings.chaos)
    tls_files = _tls_files(settings)
    if tls_files is not None:
        # The control plane answers the certificate to trust from the file served.
        settings = replace(
            settings, tls_cert=str(tls_files.certificate), tls_key=str(tls_files.key)
        )
    if settings.workers > 1 and not can_fork():
        logging.getLogger(__name__).warning(
            "this platform cannot fork: serving from one process, not %d", settings.workers
        )
        settings = replace(settings, workers=1)
    serving = Serving(settings, generated_token, tls_files)
    if settings.workers == 1:
        _serve_from_this_process(serving)
    else:
        _serve_from_worker_processes(serving)


class Serving:
    """What `serve` has settled before it listens: the settings, the admin token it generated
    (None: none was), and the TLS files (None: plain HTTP)."""

    def __init__(
        self, settings: Settings, generated_token: str | None, tls_files: TlsFiles | None
    ) -> None:
        self.settings = settings
        self.generated_token = generated_token
        self.tls_files = tls_files
        self.tls = server_context(tls_files) if tls_files is not None else None
        self.deadlines = Deadlines(
            idle_seconds=settings.idle_timeout_seconds,
            header_seconds=settings.header_timeout_seconds,
            body_seconds=settings.body_timeout_seconds,
        )

    def announce(self, base: str, emulator: Emulator) -> None:
        """Say where the emulator listens, with which credentials, and what to trust."""
        if self.tls_files is not None:
            click.echo(f"HTTPS certificate to trust: {self.tls_files.trusted}")
        _announce(base, emulator, self.generated_token)


def _tls_files(settings: Settings) -> TlsFiles | None:
    """The certificate and key to serve HTTPS with: the user's own, or the emulator's for the
    names the emulator is reached by, kept beside an SQLite database file, else in the user's
    application folder."""
    if settings.tls_cert is not None:
        return users_certificate(settings.tls_cert, settings.tls_key)
    if not settings.tls:
        return None
    database_file = sqlite_file(settings.database_url)
    folder = database_file.parent if database_file else Path(click.get_app_dir(PROG))
    return own_certificate(folder, settings.served_host_names)


def _serve_from_this_process(serving: Serving) -> None:
    settings = serving.settings
    app = create_app(settings)
    emulator = emulator_of(app)
    try:
        server = EmulatorServer(
            app,
            settings.host,
            settings.port,
            settings.threads,
            deadlines=serving.deadlines,
            tls=serving.tls,
        )
    except ServerError:
        emulator.close()
        raise
    signal.signal(signal.SIGTERM, _stop_on_signal)
    signal.signal(signal.SIGINT, _stop_on_signal)
    try:
        emulator.start()
        serving.announce(server.base_url, emulator)
        server.serve_forever()
    except StopServing:
        pass
    finally:
        shut_down_and_exit(server, emulator)


def _serve_from_worker_processes(serving: Serving) -> None:
    """A master process that binds the port, builds the app once, and forks the workers."""
    from emulator.workers import WorkerProcesses  # gunicorn: only where processes can fork

    settings = serving.settings
    master = os.getpid()
    status = 0
    with ExitStack() as cleanup:
        if settings.database_url == MEMORY_URL:
            # Processes cannot share a database in memory: a throwaway file stands in for it.
            folder = tempfile.mkdtemp(prefix="mm-emulator-", dir=_memory_folder())
            cleanup.callback(shutil.rmtree, folder, ignore_errors=True)
            settings = replace(settings, db=os.path.join(folder, "mm-emulator.db"))
        listening = listening_socket(settings.host, settings.port)
        cleanup.callback(listening.close)
        app = create_app(settings)
        emulator = emulator_of(app)
        cleanup.callback(emulator.close)
        # The store's connections were for the master's own checks; workers open their own.
        emulator.store.after_fork()
        served_at = base_url(settings.host, listening.getsockname()[1], tls=serving.tls is not None)
        processes = WorkerProcesses(
            app,
            listening.fileno(),
            settings.workers,
            on_ready=partial(serving.announce, served_at, emulator),
            start_worker=emulator.start_after_fork,
            threads=settings.threads,
            deadlines=serving.deadlines,
            tls=serving.tls,
        )
        # From here the master's listener owns the socket and closes it.
        listening.detach()
        try:
            processes.run()
        except SystemExit as stopped:
            if os.getpid() != master:
                # A worker that failed to start unwinds through the frames it was forked from:
                # what they clean up is the master's.
                os._exit(stopped.code if isinstance(stopped.code, int) else 1)
            status = stopped.code if isinstance(stopped.code, int) else 0
    # The master has nothing left to tear down: exit now rather than after the interpreter
    # has dismantled every module, which under load can take a second.
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def _announce(base_url: str, emulator: Emulator, generated_token: str | None) -> None:
    click.echo(_banner(base_url, emulator.accounts.api_keys))
    if generated_token:
        click.echo(
            f"listening on the network: /_emulator and the web inbox need the admin token"
            f" {generated_token} (generated; choose one with --admin-token)"
        )


def _memory_folder() -> str | None:
    """A folder in memory, where the system has one."""
    return "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None


@main.command()
@setting_option(SETTING_OPTIONS_BY_NAME["fixtures"])
def accounts(fixtures: str | None) -> None:
    """Check every fixture file as `serve` does, then list the configured accounts, their
    keys, numbers and sub-accounts."""
    check_fixtures(fixtures)
    directory = load_accounts(fixtures)
    keys_by_account: dict[str, list[str]] = {}
    for api_key in directory.api_keys:
        keys_by_account.setdefault(api_key.account_id, []).append(
            f"{api_key.key} / {api_key.secret}"
        )
    for account in directory.accounts:
        parent = f" (sub-account of {account.parent_id})" if account.parent_id else ""
        click.echo(f"{account.id}{parent}")
        for pair in keys_by_account.get(account.id, []):
            click.echo(f"  key / secret: {pair}")
        if account.sub_account_ids:
            click.echo(f"  sub-accounts: {', '.join(account.sub_account_ids)}")
        if account.numbers:
            click.echo(f"  numbers: {', '.join(account.numbers)}")
        if account.alpha_tags:
            click.echo(f"  alpha tags: {', '.join(account.alpha_tags)}")


@main.command()
@setting_option(
    SETTING_OPTIONS_BY_NAME["db"],
    required=True,
    help="SQLite file path or SQLAlchemy URL of the store to clear.",
)
def reset(db: str) -> None:
    """Empty a store as POST /_emulator/reset does: every message, report, reply, webhook,
    signature key, blacklisted number, fault rule and feature change goes, and its clock is
    back to real time."""
    url = Settings(db=db).database_url
    path = sqlite_file(url)
    # Nothing is created: not a file, nor the tables of a database that has none.
    if (path is not None and not path.exists()) or not holds_a_store(url):
        raise Failure(f"there is no store at {shown_url(url)}")
    store = Store(url)
    with store.transaction(alone=True) as tx:
        housekeeping.clear(tx)
        stored_clock.reset(tx)
    store.close()
    click.echo(f"cleared {shown_url(url)}")


def _banner(base_url: str, api_keys: Iterable[ApiKey]) -> str:
    credentials = ", ".join(f"key {k.key} / secret {k.secret} ({k.account_id})" for k in api_keys)
    return (
        f"mm-emulator {__version__} listening on {base_url} with {credentials};"
        f" web inbox at {base_url}/"
    )


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _stop_on_signal(_signum: int, _frame: FrameType | None) -> None:
    raise StopServing()
