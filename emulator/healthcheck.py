"""`python -m emulator.healthcheck`: the Docker image's health check. It asks /_emulator/health
on the port the emulator serves: the `--port` the container's command gives, else
MM_EMULATOR_PORT, else the default; over HTTPS when the emulator serves HTTPS. It exits 0 when the
emulator answers, 1 otherwise."""

from __future__ import annotations

import os
import ssl
import sys
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path

DEFAULT_PORT = 8080
# The container's main process: `docker run IMAGE mm-emulator serve --port 9000` is PID 1.
MAIN_PROCESS_COMMAND = Path("/proc/1/cmdline")
TIMEOUT_SECONDS = 2
# What click reads as true in a boolean environment variable.
_TRUE = frozenset({"1", "true", "t", "yes", "y", "on"})


def served_port(command: Sequence[str], environ: Mapping[str, str]) -> int:
    """The port `mm-emulator serve` was given: its last `--port` option, else MM_EMULATOR_PORT
    (an empty one counts as unset), else the default."""
    port = None
    for position, argument in enumerate(command):
        if argument == "--port" and position + 1 < len(command):
            port = command[position + 1]
        elif argument.startswith("--port="):
            port = argument.removeprefix("--port=")
    if port is None:
        port = environ.get("MM_EMULATOR_PORT") or str(DEFAULT_PORT)
    return int(port)


def serves_tls(command: Sequence[str], environ: Mapping[str, str]) -> bool:
    """Whether `mm-emulator serve` serves HTTPS: `--tls` or `--tls-cert` given, else
    MM_EMULATOR_TLS true or MM_EMULATOR_TLS_CERT set."""
    if any(
        argument in ("--tls", "--tls-cert") or argument.startswith("--tls-cert=")
        for argument in command
    ):
        return True
    return environ.get("MM_EMULATOR_TLS", "").lower() in _TRUE or bool(
        environ.get("MM_EMULATOR_TLS_CERT")
    )


def main_process_command() -> list[str]:
    """The arguments of PID 1, or none where they cannot be read."""
    try:
        raw = MAIN_PROCESS_COMMAND.read_bytes()
    except OSError:
        return []
    return [part.decode("utf-8", "replace") for part in raw.split(b"\0") if part]


def main() -> int:
    command = main_process_command()
    if "serve" not in command:
        command = []
    port = served_port(command, os.environ)
    scheme, context = "http", None
    if serves_tls(command, os.environ):
        # The check asks whether the emulator answers, not who it is.
        scheme, context = "https", ssl._create_unverified_context()
    try:
        with urllib.request.urlopen(
            f"{scheme}://127.0.0.1:{port}/_emulator/health",
            timeout=TIMEOUT_SECONDS,
            context=context,
        ):
            return 0
    except (OSError, ValueError):
        return 1


if __name__ == "__main__":
    sys.exit(main())
