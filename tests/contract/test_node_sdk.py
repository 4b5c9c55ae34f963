"""Every Messages API operation of the official Node SDK against a live emulator; the `node`
fixture installs the pinned SDK, and skips when Node.js is not installed."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.support import DEMO, find_message

NODE_PROJECT = Path(__file__).parent / "node"


@pytest.mark.parametrize("hmac", [False, True], ids=["basic", "hmac"])
def test_every_operation_of_the_node_sdk(node, server, emulator, hmac):
    result = subprocess.run(
        [node, str(NODE_PROJECT / "sdk_operations.js")],
        env={
            "PATH": str(Path(node).parent),
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
    assert find_message(emulator.store, "DemoAccount", seen["sent"])["status"] == "delivered"
    assert find_message(emulator.store, "DemoAccount", seen["cancelled"])["status"] == "cancelled"
