"""Signature keys and signed callbacks ("Enterprise Webhooks"): RSA key pairs, and the PKCS#1 v1.5
signature of the request line, the Date header and the body that every callback of an account
with an enabled key carries."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

DIGESTS: dict[str, type[hashes.HashAlgorithm]] = {
    "SHA224": hashes.SHA224,
    "SHA256": hashes.SHA256,
    "SHA512": hashes.SHA512,
}
CIPHERS = ("RSA",)
# The size of the public key in the spec's example (`MIGfMA0G...`, 162 bytes of DER).
KEY_BITS = 1024

SIGNATURE_HEADER = "X-Messagemedia-Signature"
DIGEST_TYPE_HEADER = "X-Messagemedia-Digest-Type"
CIPHER_TYPE_HEADER = "X-Messagemedia-Cipher-Type"
KEY_ID_HEADER = "X-Messagemedia-Key-Id"


@dataclass(frozen=True)
class KeyPair:
    """`public_key` as the API shows it: base64 of the DER SubjectPublicKeyInfo; `private_key` as
    PKCS#8 PEM, kept in the store and never shown."""

    public_key: str
    private_key: str


def new_key_pair() -> KeyPair:
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    public_der = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return KeyPair(base64.b64encode(public_der).decode(), private_pem.decode())


def signed_bytes(method: str, target: str, date: str, body: bytes) -> bytes:
    """What is signed: `POST /path?query HTTP/1.1`, then the Date header's value, then the raw
    body, with nothing between them."""
    return f"{method} {target} HTTP/1.1{date}".encode() + body


def sign(private_key_pem: str, digest: str, data: bytes) -> str:
    """The base64 RSA PKCS#1 v1.5 signature of `data` with the `digest` hash."""
    signature = _private_key(private_key_pem).sign(data, padding.PKCS1v15(), DIGESTS[digest]())
    return base64.b64encode(signature).decode()


def verify(public_key: str, digest: str, signature: str, data: bytes) -> bool:
    """Whether `signature` (base64) signs `data` for the public key as the API returned it."""
    key = serialization.load_der_public_key(base64.b64decode(public_key))
    if not isinstance(key, rsa.RSAPublicKey) or digest not in DIGESTS:
        return False
    try:
        key.verify(base64.b64decode(signature), data, padding.PKCS1v15(), DIGESTS[digest]())
    except (InvalidSignature, ValueError):
        return False
    return True


@lru_cache(maxsize=64)
def _private_key(pem: str) -> rsa.RSAPrivateKey:
    # Loading checks the key, which costs more than signing: each key is loaded once.
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key
