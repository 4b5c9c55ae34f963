"""`mm-emulator`: serve the emulator with a production WSGI server."""

from __future__ import annotations

import ipaddress
import logging
import signal
import sys

import click

from emulator import __version__
from emulator.api.requests import EXTENSION_KEY
from emulator.app import create_app
from emulator.server import EmulatorServer
from emulator.settings import ENV_PREFIX, Settings


def _env(name: str) -> str:
    return ENV_PREFIX + name


@click.group()
@click.version_option(__version__, prog_name="mm-emulator")
def main() -> None:
    """A local emulator of the MessageMedia Messages API."""


@main.command()
@click.option("--host", envvar=_env("HOST"), show_envvar=True, help="Address to listen on.")
@click.option("--port", type=int, envvar=_env("PORT"), show_envvar=True, help="Port (0: any free).")
@click.option(
    "--db",
    envvar=_env("DB"),
    show_envvar=True,
    help="SQLite file path or SQLAlchemy URL; ':memory:' for a throwaway store.",
)
@click.option(
    "--fixtures",
    type=click.Path(exists=True, file_okay=False),
    envvar=_env("FIXTURES"),
    show_envvar=True,
    help="Folder with accounts.yaml; defaults to the fixtures shipped with the package.",
)
@click.option(
    "--admin-token",
    envvar=_env("ADMIN_TOKEN"),
    show_envvar=True,
    help="Bearer token required by /_emulator routes (health excepted).",
)
@click.option(
    "--max-body-bytes",
    type=int,
    envvar=_env("MAX_BODY_BYTES"),
    show_envvar=True,
    help="Largest request body accepted; larger ones get 413.",
)
@click.option(
    "--hmac-date-window-seconds",
    type=int,
    envvar=_env("HMAC_DATE_WINDOW_SECONDS"),
    show_envvar=True,
    help="How far an HMAC Date header may be from the real time; 0 turns the check off.",
)
@click.option("--threads", type=int, envvar=_env("THREADS"), show_envvar=True, help="Workers.")
def serve(**options) -> None:
    """Serve the Messages API and the /_emulator control plane."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = Settings.from_env(**options)
    app = create_app(settings)
    server = EmulatorServer(app, settings.host, settings.port, settings.threads)
    emulator = app.extensions[EXTENSION_KEY]
    click.echo(_banner(server.base_url, emulator.accounts.api_keys))
    if not _is_loopback(settings.host) and not settings.admin_token:
        click.echo(
            "warning: /_emulator is open to the network; set --admin-token to protect it",
            err=True,
        )
    signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        server.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.stop()
        emulator.store.close()


def _banner(base_url: str, api_keys) -> str:
    credentials = ", ".join(f"key {k.key} / secret {k.secret} ({k.account_id})" for k in api_keys)
    return f"mm-emulator {__version__} listening on {base_url} with {credentials}"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _exit_on_signal(signum, _frame) -> None:
    sys.exit(0)
