"""DNS rebinding protection for every route of an emulator that listens on loopback: a page on
another site whose name resolves to 127.0.0.1 reaches the emulator with its own name in Host,
and could otherwise use the API with the public demo credentials."""

from __future__ import annotations

import ipaddress

from flask import Flask, request

from emulator.web.admin_guard import (
    LOOPBACK_NAMES,
    SERVED_NAMES,
    RefusedRequest,
    host_is_ours,
)
from emulator.web.requests import current_emulator


def listens_on_loopback(host: str) -> bool:
    """Whether `host` (the address listened on) is only reachable from this machine."""
    name = host.strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def guard_host_names(app: Flask) -> None:
    """Refuse, on every route, a request whose Host is not one of this machine's names or the
    --allowed-hosts, when the app listens on loopback. An app on the network is reached by
    names it cannot know, and guards its control plane with an admin token instead."""

    @app.before_request
    def _refuse_foreign_hosts() -> None:
        settings = current_emulator().settings
        if listens_on_loopback(settings.host) and not host_is_ours(settings.served_host_names):
            raise RefusedRequest(
                f"Host {request.host!r} is not served by an emulator listening on loopback; "
                + SERVED_NAMES
            )
