"""Who may see the web inbox: the control plane's rules, with a sign-in page that keeps the
admin token in an HttpOnly, SameSite=Strict cookie, and the headers every page is sent with."""

from __future__ import annotations

import hmac
import re
from urllib.parse import urlsplit

from flask import redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from emulator.errors import Forbidden
from emulator.web.admin_guard import ADMIN_COOKIE, check_control_request
from emulator.web.requests import current_emulator

# No inline script, nothing from another host; images may be data: URLs (MMS attachments)
# or any web URL (MMS media).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: https: http:; script-src 'self'; "
    "style-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def guard_page() -> Response | None:
    """None when the page may be shown; otherwise the sign-in page to go to."""
    settings = current_emulator().settings
    try:
        check_control_request(settings.admin_token, settings.served_host_names)
    except Forbidden:
        return redirect(url_for("ui.sign_in", next=_local(request.full_path)))
    return None


def sign_in_page() -> ResponseReturnValue:
    """GET shows the form; POST checks the token and keeps it in a cookie."""
    token = current_emulator().settings.admin_token
    target = _local(request.values.get("next", ""))
    if not token:
        return redirect(target)
    if request.method == "GET":
        return render_template("sign_in.html", next=target, failed=False)
    if request.origin and urlsplit(request.origin).netloc.lower() != request.host.lower():
        raise Forbidden()
    given = request.form.get("token", "")
    if not hmac.compare_digest(_bytes(given), _bytes(token)):
        return render_template("sign_in.html", next=target, failed=True), 403
    response = redirect(target)
    response.set_cookie(
        ADMIN_COOKIE,
        token,
        httponly=True,
        samesite="Strict",
        secure=request.is_secure,
        path="/",
    )
    return response


def _bytes(secret: str) -> bytes:
    return secret.encode("utf-8", "surrogateescape")


def _local(target: str) -> str:
    """`target` when it is a path on this site, else the home page (no open redirect)."""
    target = target.rstrip("?")
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    try:
        parts = urlsplit(target)
    except ValueError:
        return "/"
    if parts.scheme or parts.netloc or _CONTROL.search(target):
        # A CR or LF would end the Location header early; other control characters are no
        # part of a path this site links to.
        return "/"
    return target
