"""Every Messages API operation of the official Node SDK against a live emulator, when Node.js
and the SDK (`npm ci --prefix tests/contract/node`, which .ci/run does) are installed."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support import DEMO

NODE_PROJECT = Path(__file__).parent / "node"
SDK = NODE_PROJECT / "node_modules" / "messagemedia-messages-sdk"

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or not SDK.exists(),
    reason="needs Node.js and `npm ci --prefix tests/contract/node`",
)


@pytest.mark.parametrize("hmac", [False, True], ids=["basic", "hmac"])
def test_every_operation_of_the_node_sdk(server, emulator, hmac):
    result = subprocess.run(
        ["node", str(NODE_PROJECT / "sdk_operations.js")],
        env={
            "PATH": str(Path(shutil.which("node")).parent),
            "MM_BASE_URL": server.base_url,
            "MM_KEY": DEMO.key,
            "MM_SECRET": DEMO.secret,
            "MM_HMAC": "1" if hmac else "0",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["reports"] == ["enroute", "submitted", "delivered"]
    assert emulator.store.find_message("DemoAccount", seen["sent"])["status"] == "delivered"
    assert emulator.store.find_message("DemoAccount", seen["cancelled"])["status"] == "cancelled"
