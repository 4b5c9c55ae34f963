"""`mm-emulator serve --tls`: HTTPS with the emulator's own certificate, kept beside the database
and trusted once, or with a user's own; real clients over TLS."""

from __future__ import annotations

import json
import os
import signal
import socket
import ssl
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from cryptography import x509
from cryptography.x509.oid import ExtensionOID

from emulator.tls import AUTHORITY_FILE, own_certificate
from tests.support import basic_auth, message
from tests.test_cli import assert_fails_with, mm_emulator_command, run_cli
from tests.test_dockerfile import instruction

BANNER_START = "mm-emulator "
CERTIFICATE_LINE = "HTTPS certificate to trust: "


@contextmanager
def serving(*args: str, env: dict[str, str] | None = None):
    """`mm-emulator serve` with `args` on a free port, from one process unless `args` say
    otherwise: yields its base URL and the certificate it says to trust (None over HTTP)."""
    process = subprocess.Popen(
        [*mm_emulator_command(), "serve", "--port", "0", "--workers", "1", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    try:
        certificate = None
        line = process.stdout.readline()
        if line.startswith(CERTIFICATE_LINE):
            certificate = line.removeprefix(CERTIFICATE_LINE).strip()
            line = process.stdout.readline()
        assert line.startswith(BANNER_START), line + process.stderr.read()
        yield line.split("listening on ")[1].split()[0], certificate
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0


def send(base_url: str, verify: str | bool) -> requests.Response:
    return requests.post(
        f"{base_url}/v1/messages",
        json={"messages": [message()]},
        headers=basic_auth(),
        verify=verify,
        timeout=10,
    )


def names_of(certificate_pem: bytes) -> set[str]:
    certificate = x509.load_pem_x509_certificates(certificate_pem)[0]
    names = certificate.extensions.get_extension_for_oid(
        ExtensionOID.SUBJECT_ALTERNATIVE_NAME
    ).value
    return {str(name.value) for name in names}


def test_https_with_a_certificate_kept_beside_the_database_and_trusted_once(tmp_path):
    db = tmp_path / "emulator.db"
    with serving("--tls", "--db", str(db)) as (base_url, certificate):
        assert base_url.startswith("https://127.0.0.1:")
        assert certificate == str(tmp_path / AUTHORITY_FILE)
        assert send(base_url, verify=certificate).status_code == 202
        served = requests.get(f"{base_url}/_emulator/tls/certificate", verify=certificate)
        assert served.status_code == 200
        assert served.text == Path(certificate).read_text()
        with pytest.raises(requests.exceptions.SSLError):
            send(base_url, verify=True)
    trusted = Path(certificate).read_bytes()
    # Another start, listening on another name: the same authority, trusted already.
    args = ("--tls", "--db", str(db), "--host", "127.0.0.2", "--allowed-hosts", "emulator.test")
    with serving(*args) as (base_url, again):
        assert (again, Path(again).read_bytes()) == (certificate, trusted)
        assert base_url.startswith("https://127.0.0.2:")
        assert send(base_url, verify=again).status_code == 202
        served = ssl.get_server_certificate(("127.0.0.2", int(base_url.rsplit(":", 1)[1])))
        assert names_of(served.encode()) == {
            "localhost",
            "127.0.0.1",
            "::1",
            "127.0.0.2",
            "emulator.test",
        }
        answered = requests.get(f"{base_url}/v1/messages", headers=basic_auth(), verify=again)
        assert answered.status_code == 405


def test_the_server_certificate_names_loopback_and_the_names_it_is_reached_by(tmp_path):
    files = own_certificate(tmp_path, ["emulator.internal", "[fd00::1]", "LOCALHOST"])
    assert names_of(files.certificate.read_bytes()) == {
        "localhost",
        "127.0.0.1",
        "::1",
        "emulator.internal",
        "fd00::1",
    }
    assert names_of(own_certificate(tmp_path, ["0.0.0.0"]).certificate.read_bytes()) == {
        "localhost",
        "127.0.0.1",
        "::1",
    }


def test_curl_and_the_standard_library_trust_the_served_certificate(tmp_path):
    with serving("--tls", "--db", str(tmp_path / "emulator.db")) as (base_url, certificate):
        curl = subprocess.run(
            ["curl", "-sS", "--cacert", certificate, f"{base_url}/_emulator/health"],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert curl.stdout == '{"status":"ok"}\n', curl.stderr
        context = ssl.create_default_context(cafile=certificate)
        port = int(base_url.rsplit(":", 1)[1])
        with (
            socket.create_connection(("127.0.0.1", port), timeout=10) as connection,
            context.wrap_socket(connection, server_hostname="localhost") as tls,
        ):
            assert tls.version() in ("TLSv1.2", "TLSv1.3")


def test_plain_http_to_the_https_port_is_told_to_use_https(tmp_path):
    with serving("--tls", "--db", str(tmp_path / "emulator.db")) as (base_url, _):
        plain = requests.get(base_url.replace("https://", "http://") + "/_emulator/health")
        assert plain.status_code == 400
        assert "use https://" in plain.json()["message"]


def test_your_own_certificate_and_key(tmp_path):
    own = own_certificate(tmp_path / "yours", ["localhost"])
    content = own.certificate.read_text()
    key_start, certificate_start = (
        content.index("-----BEGIN PRIVATE KEY"),
        content.index("-----BEGIN CERTIFICATE"),
    )
    key_file, certificate_file = tmp_path / "key.pem", tmp_path / "chain.pem"
    key_file.write_text(content[key_start:certificate_start])
    certificate_file.write_text(content[certificate_start:])
    args = ("--tls-cert", str(certificate_file), "--tls-key", str(key_file), "--db", ":memory:")
    with serving(*args) as (base_url, certificate):
        assert base_url.startswith("https://")
        assert certificate == str(certificate_file)
        served = requests.get(f"{base_url}/_emulator/tls/certificate", verify=certificate).text
        # The top of the chain: the authority that signed the server's certificate.
        assert served == (tmp_path / "yours" / AUTHORITY_FILE).read_text()
        assert "PRIVATE KEY" not in served
        assert send(base_url, verify=str(tmp_path / "yours" / AUTHORITY_FILE)).status_code == 202
    assert not list(tmp_path.glob("mm-emulator-*"))


def test_a_certificate_that_cannot_be_served_is_a_clear_error(tmp_path):
    missing = tmp_path / "missing.pem"
    assert_fails_with(
        run_cli("serve", "--tls-cert", str(missing), "--db", ":memory:"),
        f"TLS certificate: no such file {missing}",
    )
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate")
    result = run_cli("serve", "--tls-cert", str(garbage), "--db", ":memory:")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"cannot serve HTTPS with certificate {garbage}" in result.stderr
    assert_fails_with(
        run_cli("serve", "--tls-key", str(garbage), "--db", ":memory:"),
        "tls_key is the key of tls_cert, which is not given",
    )


def test_plain_http_is_the_default_and_has_no_certificate(tmp_path):
    with serving("--db", str(tmp_path / "emulator.db")) as (base_url, certificate):
        assert base_url.startswith("http://") and certificate is None
        answer = requests.get(f"{base_url}/_emulator/tls/certificate")
        assert answer.status_code == 404
        assert "--tls" in answer.json()["message"]
    assert not list(tmp_path.glob("mm-emulator-*"))


def test_worker_processes_serve_https_from_the_environment(tmp_path):
    args = ("--db", str(tmp_path / "emulator.db"), "--workers", "2")
    with serving(*args, env={"MM_EMULATOR_TLS": "true"}) as (base_url, certificate):
        answers = [send(base_url, verify=certificate).status_code for _ in range(10)]
        assert answers == [202] * 10


def test_the_images_health_check_speaks_https_when_the_emulator_does(tmp_path):
    _, _, exec_form = instruction("HEALTHCHECK").partition(" CMD ")
    _, *arguments = json.loads(exec_form)
    check = [sys.executable, *arguments]
    args = ("--tls", "--host", "0.0.0.0", "--db", str(tmp_path / "emulator.db"))
    with serving(*args) as (base_url, _):
        port = base_url.rsplit(":", 1)[1]
        for tls, healthy in (({"MM_EMULATOR_TLS": "1"}, True), ({}, False)):
            env = {**os.environ, "MM_EMULATOR_PORT": port, "MM_EMULATOR_TLS": "", **tls}
            result = subprocess.run(check, env=env, capture_output=True, timeout=30)
            assert (result.returncode == 0) is healthy, result.stderr
