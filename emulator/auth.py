"""Verify Basic and HMAC credentials and resolve the account a request acts for."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

from emulator.domain.accounts import AccountDirectory, ApiKey
from emulator.errors import Forbidden

_HMAC_PARAM = re.compile(r'(\w+)\s*=\s*"([^"]*)"')
_DIGESTS = {"hmac-sha1": hashlib.sha1, "hmac-sha256": hashlib.sha256}
_MD5_HEADERS = ("content-md5", "x-content-md5")
_BODY_METHODS_SIGNED_AS_POST = ("PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class SignedRequest:
    """What the verifier needs of an HTTP request, free of any web framework."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


class Authenticator:
    """Turns a request's Authorization and Account headers into the effective account ID."""

    def __init__(self, directory: AccountDirectory, date_window_seconds: int = 900) -> None:
        self._directory = directory
        self._date_window = date_window_seconds

    def authenticate(self, request: SignedRequest) -> str:
        """The account the request acts for; raises Forbidden for any credential problem."""
        authorization = request.header("authorization") or ""
        scheme, _, credentials = authorization.strip().partition(" ")
        if scheme.lower() == "basic":
            api_key = self._verify_basic(credentials.strip())
        elif scheme.lower() == "hmac":
            api_key = self._verify_hmac(credentials, request)
        else:
            raise Forbidden()
        account_id = self._directory.effective_account(api_key, request.header("account"))
        if account_id is None:
            raise Forbidden()
        return account_id

    def _verify_basic(self, credentials: str) -> ApiKey:
        try:
            decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
        except (ValueError, binascii.Error):
            # Non-ASCII text is a ValueError before it is a base64 or UTF-8 error.
            raise Forbidden() from None
        key, separator, secret = decoded.partition(":")
        api_key = self._directory.api_key(key)
        if not separator or api_key is None:
            raise Forbidden()
        if not texts_match(secret, api_key.secret):
            raise Forbidden()
        return api_key

    def _verify_hmac(self, credentials: str, request: SignedRequest) -> ApiKey:
        params = dict(_HMAC_PARAM.findall(credentials))
        api_key = self._directory.api_key(params.get("username", ""))
        digest = _DIGESTS.get(params.get("algorithm", "").lower())
        signed_names = params.get("headers", "").split()
        signature = params.get("signature", "")
        if api_key is None or digest is None or not signed_names or not signature:
            raise Forbidden()
        lowered = [name.lower() for name in signed_names]
        if "date" not in lowered or "request-line" not in lowered:
            raise Forbidden()
        self._check_date(request.header("date"))
        self._check_body_md5(request, lowered)

        methods = [request.method]
        if request.body and request.method in _BODY_METHODS_SIGNED_AS_POST:
            methods.append("POST")
        for method in methods:
            signing_string = _signing_string(signed_names, request, method)
            if signing_string is None:
                raise Forbidden()
            expected = hmac.new(api_key.secret.encode(), signing_string.encode(), digest).digest()
            if texts_match(base64.b64encode(expected).decode(), signature):
                return api_key
        raise Forbidden()

    def _check_date(self, value: str | None) -> None:
        if value is None:
            raise Forbidden()
        try:
            signed_at = parsedate_to_datetime(value).timestamp()
        except (TypeError, ValueError, OverflowError):
            # A year, hour or offset too large for a datetime is no date either.
            raise Forbidden() from None
        if self._date_window and abs(time.time() - signed_at) > self._date_window:
            raise Forbidden()

    def _check_body_md5(self, request: SignedRequest, signed_names: list[str]) -> None:
        """A body must be covered by a signed MD5 header; every MD5 header present must match."""
        present = [name for name in _MD5_HEADERS if request.header(name) is not None]
        signed = [name for name in _MD5_HEADERS if name in signed_names]
        if request.body and not signed:
            raise Forbidden()
        actual = hashlib.md5(request.body).hexdigest()
        for name in set(present) | set(signed):
            claimed = request.header(name) or ""
            if not texts_match(claimed.strip().lower(), actual):
                raise Forbidden()


def texts_match(given: str, expected: str) -> bool:
    """Compare a secret in constant time; any text a client sends, non-ASCII included."""
    return hmac.compare_digest(
        given.encode("utf-8", "surrogateescape"), expected.encode("utf-8", "surrogateescape")
    )


def _signing_string(signed_names: list[str], request: SignedRequest, method: str) -> str | None:
    """Each signed header as `name: value` (name as listed), the request line as itself."""
    lines = []
    for name in signed_names:
        if name.lower() == "request-line":
            lines.append(f"{method} {request.target} HTTP/1.1")
            continue
        value = request.header(name)
        if value is None:
            return None
        lines.append(f"{name}: {value}")
    return "\n".join(lines)
