"""Signed callbacks: while an account has an enabled signature key (and the feature), each attempt
at one of its deliveries carries a Date and the RSA signature of what it sends."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from email.utils import formatdate

from urllib3.util import parse_url

from emulator.domain.signing import (
    CIPHER_TYPE_HEADER,
    DIGEST_TYPE_HEADER,
    KEY_ID_HEADER,
    SIGNATURE_HEADER,
    sign,
    signed_bytes,
)
from emulator.engine.delivery_requests import WebhookRequest
from emulator.store import Store, signature_keys


class CallbackSigner:
    """Signs requests at attempt time with the key enabled at that time."""

    def __init__(self, store: Store, feature_on: Callable[[str], bool]) -> None:
        self._store = store
        self._feature_on = feature_on

    def sign(self, account_id: str, request: WebhookRequest) -> WebhookRequest:
        """`request` with the signature headers, or as it is when the account signs nothing."""
        key = self._store.kept(signature_keys.enabled, account_id)
        if key is None or not self._feature_on(account_id):
            return request
        # Receivers check the Date against their own clock, as the emulator checks HMAC dates.
        date = formatdate(usegmt=True)
        # The path and query exactly as the sender writes them in the request line.
        target = parse_url(request.url).request_uri
        data = signed_bytes(request.method, target, date, request.body or b"")
        headers = {
            **request.headers,
            "Date": date,
            SIGNATURE_HEADER: sign(key["private_key"], key["digest"], data),
            DIGEST_TYPE_HEADER: key["digest"],
            CIPHER_TYPE_HEADER: key["cipher"],
            KEY_ID_HEADER: key["id"],
        }
        return replace(request, headers=headers)
