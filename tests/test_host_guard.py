"""DNS rebinding: an emulator listening on loopback serves no route to a request whose Host is
another site's name (the API with the public demo key included), token or not; one listening
on the network serves the API whatever name it is reached by."""

from __future__ import annotations

import pytest

from emulator.app import create_app, openapi_document
from emulator.settings import Settings
from emulator.web.host_guard import listens_on_loopback
from emulator.web.requests import EXTENSION_KEY
from tests.support import basic_auth, hmac_auth, list_messages, message

TOKEN = "s3cret-token"
FOREIGN_HOSTS = [
    "rebind.example",
    "rebind.example:8080",
    "127.0.0.1.nip.io",
    "localhost.rebind.example",
    "LOCALHOST.example:8443",
    "[::2]:8080",
    "10.0.0.1",
    "",
]
OUR_HOSTS = ["localhost", "localhost:8080", "LocalHost:1", "127.0.0.1", "127.0.0.1:9", "[::1]:80"]
# (method, path, body) of every face: the API, the control plane, its feed, the inbox, the docs.
ROUTES = [
    ("GET", "/v1/delivery_reports", None),
    ("POST", "/v1/messages", {"messages": [message()]}),
    ("GET", "/v1/iam/signature_keys", None),
    ("GET", "/_emulator/health", None),
    ("GET", "/_emulator/clock", None),
    ("POST", "/_emulator/reset", None),
    ("GET", "/_emulator/events", None),
    ("GET", "/_emulator/chaos", None),
    ("GET", "/", None),
    ("GET", "/webhooks", None),
    ("GET", "/numbers", None),
    ("GET", "/reports", None),
    (
        "POST",
        "/numbers/fa13b94b-4d17-4b1b-a1a4-865a817c401b/assignment",
        {"account": "DemoAccount"},
    ),
    ("GET", "/sign-in", None),
    ("GET", "/v1/no-such-route", None),
]


def _app(tmp_path_factory, **settings):
    app = create_app(Settings(db=str(tmp_path_factory.mktemp("store") / "e.db"), **settings))
    yield app
    app.extensions[EXTENSION_KEY].close()


@pytest.fixture(scope="module")
def on_loopback(tmp_path_factory):
    yield from _app(tmp_path_factory, allowed_hosts="emulator.test")


@pytest.fixture(scope="module")
def on_loopback_with_a_token(tmp_path_factory):
    yield from _app(tmp_path_factory, admin_token=TOKEN)


@pytest.fixture(scope="module")
def on_the_network(tmp_path_factory):
    yield from _app(tmp_path_factory, host="0.0.0.0", admin_token=TOKEN)


def _call(app, method: str, path: str, body: object, host: str, headers: dict | None = None):
    headers = {"Host": host, **basic_auth(), **(headers or {})}
    return app.test_client().open(path, method=method, json=body, headers=headers)


@pytest.mark.parametrize("host", FOREIGN_HOSTS)
@pytest.mark.parametrize(("method", "path", "body"), ROUTES, ids=[r[1] for r in ROUTES])
def test_a_foreign_host_reaches_no_route_on_loopback(on_loopback, method, path, body, host):
    refused = _call(on_loopback, method, path, body, host)
    assert refused.status_code == 403, refused.get_data(as_text=True)
    assert refused.is_json
    assert f"host {host.lower()!r} is not served" in refused.json["message"].lower()
    assert list_messages(on_loopback.extensions[EXTENSION_KEY].store) == []


@pytest.mark.parametrize("host", FOREIGN_HOSTS[:3])
def test_neither_a_token_nor_hmac_credentials_let_a_foreign_host_in(on_loopback_with_a_token, host):
    token = {"Authorization": f"Bearer {TOKEN}"}
    for path in ("/_emulator/clock", "/"):
        refused = _call(on_loopback_with_a_token, "GET", path, None, host, token)
        assert refused.status_code == 403
    signed = hmac_auth("GET", "/v1/delivery_reports")
    refused = _call(on_loopback_with_a_token, "GET", "/v1/delivery_reports", None, host, signed)
    assert refused.status_code == 403
    assert "is not served" in refused.json["message"]


@pytest.mark.parametrize("host", [*OUR_HOSTS, "emulator.test", "Emulator.Test:8080"])
def test_this_machines_names_and_the_allowed_hosts_are_served(on_loopback, host):
    assert _call(on_loopback, "GET", "/v1/delivery_reports", None, host).status_code == 200
    assert _call(on_loopback, "GET", "/_emulator/clock", None, host).status_code == 200
    assert _call(on_loopback, "GET", "/", None, host).status_code == 200


@pytest.mark.parametrize("host", ["api.example", "10.0.0.5:8080", "emulator.internal"])
def test_on_the_network_the_api_answers_whatever_its_name(on_the_network, host):
    assert _call(on_the_network, "GET", "/v1/delivery_reports", None, host).status_code == 200
    # The control plane asks for its token there instead.
    assert _call(on_the_network, "GET", "/_emulator/clock", None, host).status_code == 403
    token = {"Authorization": f"Bearer {TOKEN}"}
    assert _call(on_the_network, "GET", "/_emulator/clock", None, host, token).status_code == 200


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.5", False),
        ("emulator.internal", False),
    ],
)
def test_which_addresses_are_loopback(host, expected):
    assert listens_on_loopback(host) is expected


def test_a_foreign_host_is_refused_by_a_real_server(http):
    refused = http.get(
        "/v1/delivery_reports", headers={**basic_auth(), "Host": "rebind.example:8080"}
    )
    assert refused.status_code == 403
    assert "rebind.example" in refused.json()["message"]


def test_every_operation_declares_the_refusal():
    for path, operations in openapi_document()["paths"].items():
        for method, operation in operations.items():
            if method != "parameters":
                assert "403" in operation["responses"], (method, path)
