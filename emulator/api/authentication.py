"""Who a /v1 request is from: the account its credentials resolve to, or 403."""

from __future__ import annotations

from flask import g, request

from emulator.auth import SignedRequest
from emulator.web.requests import current_emulator


def authenticate_request() -> None:
    """Resolve the effective account of this request into `g.account_id`, or answer 403."""
    signed = SignedRequest(
        method=request.method,
        target=_request_target(),
        headers={name.lower(): value for name, value in request.headers.items()},
        body=request.get_data(cache=True),
    )
    g.account_id = current_emulator().authenticator.authenticate(signed)


def account_id() -> str:
    """The account this /v1 request acts for, as `authenticate_request` resolved it."""
    account: str = g.account_id
    return account


def _request_target() -> str:
    """The path and query exactly as the client sent them, as HMAC signs them."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if raw:
        return str(raw)
    query = request.query_string.decode("latin-1")
    return request.path + (f"?{query}" if query else "")
