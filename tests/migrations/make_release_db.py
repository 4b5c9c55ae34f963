"""Write release-0.1.0.db with the code of release 0.1.0 (commit ce3262b), as a user's store.

    git worktree add /tmp/release ce3262b
    python tests/migrations/make_release_db.py /tmp/release tests/migrations/release-0.1.0.db

It runs that release's server on a new file and sends three messages (one delivered with delivery
reports and a callback URL nobody answers, one failed, one scheduled for 2099), advances the clock,
and injects a reply, so the file holds messages, reports, a reply and pending webhooks.
"""

from __future__ import annotations

import base64
import json
import os
import re
import signal
import subprocess
import sys
import urllib.request


def main(release: str, database: str) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "emulator", "serve", "--port", "0", "--db", database],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": release},
        cwd=release,
    )
    base_url = re.search(r"(http://\S+)", process.stdout.readline()).group(1)
    credentials = base64.b64encode(b"demo_api_key:demo_api_secret").decode()

    def call(method: str, path: str, body: dict | None = None) -> dict:
        headers = {"Content-Type": "application/json"}
        if path.startswith("/v1"):
            headers["Authorization"] = f"Basic {credentials}"
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(base_url + path, data, headers, method=method)
        with urllib.request.urlopen(request) as response:
            return json.loads(response.read() or b"{}")

    call("PATCH", "/_emulator/accounts/DemoAccount", {"features": {"deduplication": True}})
    call(
        "POST",
        "/v1/messages",
        {
            "messages": [
                {
                    "content": "Hello from the last release",
                    "destination_number": "+61491570156",
                    "delivery_report": True,
                    "callback_url": "http://127.0.0.1:9/unreachable",
                    "metadata": {"order": "42"},
                },
                {
                    "content": "Failing on purpose",
                    "destination_number": "+61400000411",
                    "delivery_report": True,
                },
                {
                    "content": "Later",
                    "destination_number": "+61491570157",
                    "scheduled": "2099-01-01T00:00:00Z",
                },
            ]
        },
    )
    call("POST", "/_emulator/clock/advance", {"seconds": 10})
    call("POST", "/_emulator/replies", {"source_number": "+61491570156", "content": "Thanks!"})
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=10)


if __name__ == "__main__":
    main(*sys.argv[1:3])
