"""Who may use the control plane: a bearer token when one is set; otherwise only requests made
to this machine's own names, and never a state change from another web site."""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from flask import request

from emulator.errors import ApiError, Forbidden, UnsupportedMediaType

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
WILDCARD_HOSTS = frozenset({"0.0.0.0", "::", ""})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
ADMIN_COOKIE = "mm_emulator_admin_token"
SERVED_NAMES = (
    "use localhost, 127.0.0.1, the address the emulator listens on, or one of --allowed-hosts."
)


class RefusedRequest(ApiError):
    """403 for a request the control plane will not take whatever its credentials."""

    status = 403


def check_control_request(admin_token: str | None, served_names: frozenset[str]) -> None:
    """Raise unless this request may reach the control plane or the web inbox."""
    if admin_token:
        if not _has_admin_token(admin_token):
            raise Forbidden()
    elif not host_is_ours(served_names):
        # A page on another site whose name resolves to 127.0.0.1 (DNS rebinding) arrives
        # with its own name in Host; without a token, only this machine's names are served.
        raise RefusedRequest(
            f"Host {request.host!r} is not served without an admin token; {SERVED_NAMES}"
        )
    if request.method in SAFE_METHODS:
        return
    if request.origin and not _same_origin(request.origin):
        raise RefusedRequest("Cross-site requests may not change the emulator.")
    if request.content_type and not request.is_json:
        # Forms and text/plain bodies are what another site can send without asking.
        raise UnsupportedMediaType()


def _has_admin_token(token: str) -> bool:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        return _same_secret(given.strip(), token)
    cookie = request.cookies.get(ADMIN_COOKIE)
    return cookie is not None and _same_secret(cookie, token)


def _same_secret(given: str, expected: str) -> bool:
    return hmac.compare_digest(
        given.encode("utf-8", "surrogateescape"), expected.encode("utf-8", "surrogateescape")
    )


def host_is_ours(served_names: frozenset[str]) -> bool:
    """Whether the request's Host names this machine or one of `served_names`."""
    name = _hostname(request.host)
    return name in LOOPBACK_NAMES or (name in served_names and name not in WILDCARD_HOSTS)


def _same_origin(origin: str) -> bool:
    try:
        return urlsplit(origin).netloc.lower() == request.host.lower()
    except ValueError:
        return False


def _hostname(host: str) -> str:
    """`[::1]:8080` -> `::1`; `Localhost:8080` -> `localhost`."""
    host = host.lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host
