"""HTTPS: the emulator's own certificate authority and server certificates, or a user's own pair.

A client trusts the emulator once: the first start with `--tls` makes a small certificate
authority and keeps it (`mm-emulator-ca.pem` is the file to trust); it signs a server
certificate for `localhost`, `127.0.0.1`, `::1`, the `--host` name and the `--allowed-hosts`
names, so listening on another name never asks the client to trust anything new.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import ipaddress
import os
import ssl
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

AUTHORITY_FILE = "mm-emulator-ca.pem"
# The authority's key, then its certificate: one file, made by whichever start comes first.
AUTHORITY_KEY_FILE = "mm-emulator-ca-key.pem"
# A server's key, its certificate and its authority's: one file per host name listened on.
SERVER_FILE = "mm-emulator-server{suffix}.pem"
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
# Wildcard addresses listen everywhere but are no name a client connects to.
_WILDCARDS = ("0.0.0.0", "::", "")
AUTHORITY_DAYS = 3650
# Apple's clients refuse server certificates valid for longer than 825 days.
SERVER_DAYS = 825
# An authority this close to its end is replaced rather than used.
RENEW_BEFORE = datetime.timedelta(days=30)


class TlsError(ValueError):
    """A certificate or key the emulator cannot serve with; the message names the file."""


@dataclass(frozen=True)
class TlsFiles:
    """What a server needs to speak HTTPS: `certificate` (the server's, then its chain), `key`,
    and `trusted`, the certificate a client should trust."""

    certificate: Path
    key: Path
    trusted: Path


def server_names(host_names: Iterable[str]) -> tuple[str, ...]:
    """The names a server certificate is made for: loopback's, then `host_names` (those a
    server is reached by: the address it listens on, other names it is given), wildcard
    addresses left out."""
    extra = sorted(
        {name.strip("[]").lower() for name in host_names} - {*_WILDCARDS, *LOOPBACK_NAMES}
    )
    return (*LOOPBACK_NAMES, *extra)


def own_certificate(folder: Path, host_names: Iterable[str]) -> TlsFiles:
    """The emulator's own certificates in `folder` (made as needed): the authority kept there,
    made once, and a server certificate it signed for `host_names` and loopback, kept while it
    is good."""
    folder.mkdir(parents=True, exist_ok=True)
    authority = _authority(folder)
    names = server_names(host_names)
    server_path = folder / SERVER_FILE.format(suffix=_file_suffix(names))
    if not _good_server_file(server_path, names, authority[0]):
        certificate, key = _server_certificate(names, *authority)
        _write(server_path, _key_pem(key) + _pem(certificate) + _pem(authority[0]), mode=0o600)
    return TlsFiles(certificate=server_path, key=server_path, trusted=folder / AUTHORITY_FILE)


def users_certificate(certificate: str, key: str | None) -> TlsFiles:
    """A user's own certificate (with its chain) and key (None: in the certificate's file),
    checked now so a mistake stops the start, naming the file."""
    certificate_path = Path(certificate).expanduser()
    key_path = Path(key).expanduser() if key else certificate_path
    files = TlsFiles(certificate=certificate_path, key=key_path, trusted=certificate_path)
    server_context(files)
    return files


def server_context(files: TlsFiles) -> ssl.SSLContext:
    """A server's TLS context for `files`; TlsError when they cannot be loaded."""
    for kind, path in (("certificate", files.certificate), ("key", files.key)):
        if not path.is_file():
            raise TlsError(f"TLS {kind}: no such file {path}")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(files.certificate, files.key)
    except (ssl.SSLError, OSError) as error:
        raise TlsError(
            f"cannot serve HTTPS with certificate {files.certificate} and key {files.key}: "
            f"{getattr(error, 'reason', None) or error}"
        ) from None
    return context


def trusted_certificate_pem(certificate_file: Path) -> str:
    """The certificate to trust, as PEM: the last one of the file served (the top of its
    chain), never a key that shares its file."""
    certificates = x509.load_pem_x509_certificates(certificate_file.read_bytes())
    return certificates[-1].public_bytes(serialization.Encoding.PEM).decode("ascii")


def _authority(folder: Path) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    """The authority kept in `folder`, made when there is none (or it ends soon), and its
    certificate alone in AUTHORITY_FILE, the file to trust."""
    key_path = folder / AUTHORITY_KEY_FILE
    authority = _kept_authority(key_path)
    if authority is None:
        certificate, key = _new_authority()
        content = _key_pem(key) + _pem(certificate)
        if key_path.exists():
            _write(key_path, content, mode=0o600)
        else:
            # Starts at the same time (tests run in parallel) agree on the first one made.
            _write(key_path, content, mode=0o600, exclusive=True)
        authority = _kept_authority(key_path)
        if authority is None:
            raise TlsError(f"cannot keep the emulator's certificate authority in {key_path}")
    trusted_path, trusted = folder / AUTHORITY_FILE, _pem(authority[0])
    if not trusted_path.exists() or trusted_path.read_bytes() != trusted:
        _write(trusted_path, trusted)
    return authority


def _kept_authority(key_path: Path) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey] | None:
    """The authority kept in `key_path`, None when there is none, it does not match its key,
    or it ends soon."""
    try:
        content = key_path.read_bytes()
        key = serialization.load_pem_private_key(content, password=None)
        certificate = x509.load_pem_x509_certificate(content)
    except (OSError, ValueError):
        return None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or certificate.public_key() != (
        key.public_key()
    ):
        return None
    if certificate.not_valid_after_utc - _now() < RENEW_BEFORE:
        return None
    return certificate, key


def _good_server_file(path: Path, names: tuple[str, ...], authority: x509.Certificate) -> bool:
    """Whether `path` holds a server certificate for `names` signed by `authority`, not ending
    soon, with its key."""
    try:
        content = path.read_bytes()
        certificate = x509.load_pem_x509_certificates(content)[0]
        key = serialization.load_pem_private_key(content, password=None)
        certificate.verify_directly_issued_by(authority)
        alternative_names = certificate.extensions.get_extension_for_class(
            x509.SubjectAlternativeName
        ).value
    except (OSError, ValueError, TypeError, x509.ExtensionNotFound, InvalidSignature):
        return False
    return (
        certificate.public_key() == key.public_key()
        and set(alternative_names) == {_general_name(name) for name in names}
        and certificate.not_valid_after_utc - _now() >= RENEW_BEFORE
    )


def _file_suffix(names: tuple[str, ...]) -> str:
    """What tells apart the server file of one set of names from another's."""
    extra = names[len(LOOPBACK_NAMES) :]
    if not extra:
        return ""
    return "-" + hashlib.sha256(",".join(extra).encode()).hexdigest()[:12]


def _new_authority() -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "messagemedia-emulator"),
            x509.NameAttribute(NameOID.COMMON_NAME, "messagemedia-emulator local authority"),
        ]
    )
    now = _now()
    public_key = key.public_key()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=AUTHORITY_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(public_key), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    return certificate, key


def _server_certificate(
    names: tuple[str, ...],
    authority: x509.Certificate,
    authority_key: ec.EllipticCurvePrivateKey,
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = _now()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[-1])]))
        .issuer_name(authority.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(
            min(now + datetime.timedelta(days=SERVER_DAYS), authority.not_valid_after_utc)
        )
        .add_extension(x509.SubjectAlternativeName([_general_name(n) for n in names]), False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(authority_key.public_key()), False
        )
        .sign(authority_key, hashes.SHA256())
    )
    return certificate, key


def _general_name(name: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        return x509.DNSName(name)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def _write(path: Path, content: bytes, mode: int = 0o644, exclusive: bool = False) -> None:
    """Write `content` whole or not at all: a reader sees the old file or the new one. With
    `exclusive`, a file already there (another start's) is kept instead."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.chmod(temporary, mode)
        with os.fdopen(descriptor, "wb") as file:
            file.write(content)
        if exclusive:
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        else:
            os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)
