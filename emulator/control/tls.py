"""/_emulator/tls/certificate: the certificate a client trusts to reach the emulator over HTTPS."""

from __future__ import annotations

from pathlib import Path

from flask.typing import ResponseReturnValue
from flask_smorest.blueprint import Blueprint

from emulator.errors import NotFound
from emulator.openapi.operations import NOT_FOUND, OPEN, TEXT, operation
from emulator.tls import trusted_certificate_pem
from emulator.web.requests import current_emulator

tls = Blueprint("tls", __name__, url_prefix="/_emulator")

NOT_SERVING_HTTPS = "The emulator serves plain HTTP: start it with --tls to serve HTTPS."


@tls.get("/tls/certificate")
@operation(
    "TlsCertificate",
    "The certificate to trust for HTTPS, as PEM",
    "Emulator",
    {200: ("PEM: the emulator's own authority, or the top of --tls-cert's chain", TEXT)}
    | NOT_FOUND,
    security=OPEN,
)
def tls_certificate() -> ResponseReturnValue:
    """Open like the health check: a certificate is public, and a client fetches it before it
    can trust anything else the emulator says."""
    certificate = current_emulator().settings.tls_cert
    if certificate is None:
        raise NotFound(NOT_SERVING_HTTPS)
    pem = trusted_certificate_pem(Path(certificate))
    return pem, 200, {"Content-Type": "text/plain; charset=us-ascii"}
