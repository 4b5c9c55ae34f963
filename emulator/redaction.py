"""Make untrusted text safe for a log line: control characters escaped, URL secrets hidden."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
HIDDEN = "***"


def escape_control(text: str) -> str:
    """`text` with every control character shown as an escape (`\\n`, `\\x1b`), so a client
    cannot start a forged line in a plain log."""
    return _CONTROL.sub(lambda match: match.group().encode("unicode_escape").decode(), text)


def redact_url(url: str) -> str:
    """`url` without its password or query values: `http://user:***@host/hook?token=***`."""
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if parts.password is not None:
            host = f"[{parts.hostname}]" if ":" in (parts.hostname or "") else parts.hostname
            netloc = f"{parts.username}:{HIDDEN}@{host}"
            if parts.port is not None:
                netloc += f":{parts.port}"
        query = urlencode(
            [(name, HIDDEN) for name, _ in parse_qsl(parts.query, keep_blank_values=True)],
            safe="*",
        )
        return escape_control(urlunsplit((parts.scheme, netloc, parts.path, query, "")))
    except ValueError:
        return "(a URL that could not be parsed)"
