"""The official SDKs pointed at a live emulator: the Messages Python SDK as a client object, the
Node SDK installed from its package-lock.json on first use, and the Webhooks, Signing Keys and
Lookups Python SDKs in their own virtual environment, made from requirements.txt on first use.
None is patched but the Lookups SDK, written for Python 2, whose one `print` statement is
rewritten as a call once installed."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from message_media_messages.configuration import Configuration
from message_media_messages.message_media_messages_client import MessageMediaMessagesClient

from tests.support import DEMO, OTHER

NODE_PROJECT = Path(__file__).parent / "node"
PYTHON_SDKS = Path(__file__).parent / "python_sdks"


@pytest.fixture(params=["basic", "hmac"])
def sdk(request, server):
    """An SDK client using Basic or HMAC keys; the SDK keeps its settings on a global class."""
    saved = {name: getattr(Configuration, name) for name in vars(Configuration) if name[0] != "_"}
    for name in ("basic_auth_user_name", "basic_auth_password"):
        setattr(Configuration, name, None)
    for name in ("hmac_auth_user_name", "hmac_auth_password"):
        setattr(Configuration, name, None)
    Configuration.base_uri = server.base_url
    client = MessageMediaMessagesClient(
        auth_user_name=DEMO.key,
        auth_password=DEMO.secret,
        use_hmac_authentication=request.param == "hmac",
    )
    yield client
    for name, value in saved.items():
        setattr(Configuration, name, value)


@pytest.fixture(scope="session")
def node() -> str:
    """The node executable, with the Node project's pinned SDK installed.

    `npm ci` runs once per session, and only when node_modules is missing or does not match
    package-lock.json; without Node.js and npm on PATH the tests that need them are skipped.
    """
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("needs Node.js and npm on PATH to run the official Node SDK")
    if not installed_as_locked(NODE_PROJECT):
        command = [npm, "ci", "--prefix", str(NODE_PROJECT), "--no-audit", "--no-fund"]
        result = subprocess.run(command, capture_output=True, text=True, timeout=600)
        if result.returncode != 0:
            pytest.fail(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
    return node


def installed_as_locked(project: Path) -> bool:
    """Whether node_modules holds exactly the packages of package-lock.json (npm records what it
    installed in node_modules/.package-lock.json)."""
    installed = project / "node_modules" / ".package-lock.json"
    if not installed.exists():
        return False
    locked = json.loads((project / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    present = json.loads(installed.read_text(encoding="utf-8"))["packages"]
    return present == {path: package for path, package in locked.items() if path}


@pytest.fixture(scope="session")
def sdk_python() -> Path:
    """The Python of python_sdks/.venv, holding the Webhooks, Signing Keys and Lookups SDKs as
    pinned in python_sdks/requirements.txt.

    They need jsonpickle<1.0 and the Messages SDK jsonpickle>=3.0.1, so they cannot share the
    test environment. The environment is made once, and again when requirements.txt changes.
    """
    venv = PYTHON_SDKS / ".venv"
    python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    wanted = (PYTHON_SDKS / "requirements.txt").read_text(encoding="utf-8")
    installed = venv / "installed-requirements.txt"
    if installed.exists() and installed.read_text(encoding="utf-8") == wanted:
        return python
    # The environment gets no pip of its own: the test environment's pip installs into it, which
    # saves making one (ensurepip takes seconds).
    for command in (
        [sys.executable, "-m", "venv", "--clear", "--without-pip", str(venv)],
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
            str(PYTHON_SDKS / "requirements.txt"),
        ],
    ):
        result = subprocess.run(command, capture_output=True, text=True, timeout=600)
        if result.returncode != 0:
            pytest.fail(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
    rewrite_python2_print(python)
    installed.write_text(wanted, encoding="utf-8")
    return python


# The Lookups SDK 1.0.1's one line of Python 2, which stops it importing on Python 3.
LOOKUPS_SDK_MODULE = "message_media_lookups/http/auth/basic_auth.py"
PYTHON2_PRINT = re.compile(rb'^([ \t]*)print ("[^"\r\n]*")', re.MULTILINE)


def rewrite_python2_print(python: Path) -> None:
    """Make the installed Lookups SDK's `print "..."` statement a `print("...")` call, leaving
    every other byte of the SDK as published; fail if the module is not as expected."""
    command = [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]
    packages = subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()
    module = Path(packages) / LOOKUPS_SDK_MODULE
    source = module.read_bytes()
    rewritten, count = PYTHON2_PRINT.subn(rb"\1print(\2)", source)
    if count != 1:
        pytest.fail(f"{module}: expected one Python 2 print statement, found {count}")
    module.write_bytes(rewritten)


@pytest.fixture
def run_sdk_operations(sdk_python, server, tmp_path):
    """Run one of python_sdks/*_operations.py against the live server; returns what it saw."""

    def _run(script: str, **environment: str) -> dict:
        result_file = tmp_path / f"{script}.json"
        env = {
            "MM_BASE_URL": server.base_url,
            "MM_KEY": DEMO.key,
            "MM_SECRET": DEMO.secret,
            "MM_OTHER_KEY": OTHER.key,
            "MM_OTHER_SECRET": OTHER.secret,
            "MM_RESULT": str(result_file),
            **environment,
        }
        result = subprocess.run(
            [str(sdk_python), str(PYTHON_SDKS / f"{script}.py")],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        return json.loads(result_file.read_text(encoding="utf-8"))

    return _run
