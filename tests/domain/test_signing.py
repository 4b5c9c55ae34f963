"""Signature keys: real RSA key pairs in the spec's format, and signatures of exactly the request
line, the Date and the body."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import load_der_public_key

from emulator.domain.signing import DIGESTS, new_key_pair, sign, signed_bytes, verify

DATE = "Tue, 24 Apr 2018 05:25:37 GMT"


@pytest.fixture(scope="module")
def pair():
    return new_key_pair()


def test_the_public_key_is_base64_der_of_an_rsa_key_like_the_spec_example(pair):
    key = load_der_public_key(base64.b64decode(pair.public_key))
    assert isinstance(key, rsa.RSAPublicKey) and key.key_size == 1024
    assert pair.public_key.startswith("MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQ")
    assert pair.private_key.startswith("-----BEGIN PRIVATE KEY-----")


def test_signed_bytes_are_request_line_date_and_body_with_nothing_between():
    assert signed_bytes("POST", "/hook?a=1", DATE, b'{"x": 1}') == (
        b'POST /hook?a=1 HTTP/1.1Tue, 24 Apr 2018 05:25:37 GMT{"x": 1}'
    )


@pytest.mark.parametrize("digest", sorted(DIGESTS))
def test_a_signature_verifies_and_a_changed_byte_does_not(pair, digest):
    data = signed_bytes("POST", "/hook", DATE, b"body")
    signature = sign(pair.private_key, digest, data)

    assert verify(pair.public_key, digest, signature, data)
    assert not verify(pair.public_key, digest, signature, data[:-1] + b"Y")
    other = "SHA256" if digest != "SHA256" else "SHA512"
    assert not verify(pair.public_key, other, signature, data)


def test_each_pair_is_new(pair):
    assert new_key_pair().public_key != pair.public_key
