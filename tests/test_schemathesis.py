"""Generated requests against a live server: never a 5xx, and every answer as documented.

Two documents drive the requests: the excerpt of the official spec in tests/spec/ (the in-scope
/v1 operations, as the demo account) and the emulator's own document, the one the server serves
at /_emulator/openapi.json (every operation, the control plane included). The examples are few
and derived from a fixed seed, so a run is short and the same every time.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass

import pytest
import requests
import schemathesis
from schemathesis import Config, checks

from emulator.app import create_app, openapi_document
from emulator.server import EmulatorServer
from emulator.settings import Settings
from emulator.web.requests import EXTENSION_KEY
from tests.spec import read_spec
from tests.spec.extract_excerpt import EXCERPT
from tests.support import DEMO

SEED = 20240416
MAX_EXAMPLES = 25
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
)


def _config() -> Config:
    return Config.from_dict(
        {
            "seed": SEED,
            # Only the time a request takes varies between runs and machines.
            "suppress-health-check": ["too_slow"],
            # No example database: a run replays nothing from an earlier one.
            "generation": {
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "database": "none",
            },
            "checks": {"enabled": False} | {name: {"enabled": True} for name in CHECKS},
            "auth": {"basic": {"username": DEMO.key, "password": DEMO.secret}},
        }
    )


def _loopback_only(getaddrinfo):
    """`getaddrinfo` that resolves only this machine's loopback names and addresses."""

    def resolve(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else str(host)
        try:
            address = ipaddress.ip_address(name.strip("[]"))
            # The unspecified address is what a server listens on, never a host to reach.
            loopback = address.is_loopback or address.is_unspecified
        except ValueError:
            loopback = name == "localhost"
        if not loopback:
            raise socket.gaierror(socket.EAI_NONAME, f"{name} is not resolved in this test")
        return getaddrinfo(host, *args, **kwargs)

    return resolve


@dataclass(frozen=True)
class Live:
    """The module's server, and the session whose kept connections carry the cases to it."""

    server: EmulatorServer
    session: requests.Session


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """One server on a SQLite file for the module; its webhooks stay on this machine."""
    settings = Settings(db=str(tmp_path_factory.mktemp("schemathesis") / "emulator.db"))
    with pytest.MonkeyPatch.context() as patch:
        # Generated callback URLs name hosts anywhere (the spec's examples name real domains):
        # webhooks to them fail at once, as if no such host existed, and nothing leaves.
        patch.setattr(socket, "getaddrinfo", _loopback_only(socket.getaddrinfo))
        app = create_app(settings)
        server = EmulatorServer(app).start()
        served = requests.get(f"{server.base_url}/_emulator/openapi.json", timeout=10)
        assert served.json() == openapi_document()
        with requests.Session() as session:
            yield Live(server, session)
        server.stop()
        app.extensions[EXTENSION_KEY].close()


official = schemathesis.openapi.from_path(EXCERPT, config=_config())
# Loaded here, so that each operation is a test of its own; `live` checks that the server
# serves this very document at /_emulator/openapi.json.
own = schemathesis.openapi.from_dict(openapi_document(), config=_config())


@dataclass(frozen=True)
class Choice:
    """Answers in which the emulator deliberately departs from the official spec, as the manual
    in docs/ documents: `check` does not apply to a `status` answer of the named operations."""

    check: str
    status: int
    operations: frozenset[str]


_SPEC = read_spec(EXCERPT)


def _not_listing(status: int, with_body: bool = False) -> frozenset[str]:
    """The official operations (those taking a body, if asked) whose answers omit `status`."""
    return frozenset(
        operation["operationId"]
        for item in _SPEC["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict)
        and str(status) not in operation.get("responses", {})
        and ("requestBody" in operation or not with_body)
    )


# The dedicated numbers and sender address operations.
NUMBERING = frozenset(
    operation["operationId"]
    for path, item in _SPEC["paths"].items()
    if path.startswith("/v1/messaging/numbers/")
    for operation in item.values()
    if isinstance(operation, dict)
)

DOCUMENTED_CHOICES = (
    # "Content types" among the manual's choices: a body that is not application/json is a 415.
    Choice(
        "status_code_conformance",
        415,
        _not_listing(415, with_body=True),
    ),
    # "Credentials" in the manual: every /v1 request needs Basic or HMAC authentication, and
    # bad credentials are a 403, whether or not the spec lists one for the operation.
    Choice("status_code_conformance", 403, _not_listing(403)),
    # "Signed callbacks" in the manual: a malformed key_id in the path is a 400 `key_id property
    # value is invalid`, as the spec's examples have it for the other operations on a key.
    Choice("status_code_conformance", 400, frozenset({"DeleteSignatureKey"})),
    # "Number Authorisation" in the manual: numbers must be in international format and there
    # are 1 to 10 of them, as the spec says in words, so others are a 400 the spec does not list;
    # adding numbers that are all on the blacklist already is the 200 its description promises.
    Choice(
        "status_code_conformance",
        400,
        frozenset(
            {
                "ListAllBlockedNumbers",
                "AddOneOrMoreNumbersToYourBacklist",
                "RemoveANumberFromTheBlacklist",
                "CheckIfOneOrSeveralNumbersAreCurrentlyBlacklisted",
            }
        ),
    ),
    Choice("status_code_conformance", 200, frozenset({"AddOneOrMoreNumbersToYourBacklist"})),
    # "Dedicated numbers and sender addresses" in the manual's choices: bad filters, bodies and
    # IDs are 400s and 404s where the spec lists none, as everywhere else; a number taken is a
    # 409; PATCH .../assignment answers 200 with the body the spec gives its 204.
    Choice("status_code_conformance", 400, _not_listing(400) & NUMBERING),
    Choice("status_code_conformance", 404, _not_listing(404) & NUMBERING),
    Choice("status_code_conformance", 409, frozenset({"CreateAssignment"})),
    Choice("status_code_conformance", 200, frozenset({"UpdateAssignment"})),
    # Where the spec's schema contradicts its own examples (a dedicated number described as
    # the blacklist's Number; sender addresses listed as alpha tags only, read singly as own
    # numbers only; every request's status as an alpha tag's), the answer follows the examples;
    # tests/numbering/test_numbering_spec.py checks it against the schemas they fit.
    Choice(
        "response_schema_conformance",
        200,
        frozenset(
            {
                "GetNumberById",
                "GetAssignedNumbers",
                "GetAllApprovedSenderAddresses",
                "GetSenderAddressById",
                "GetStatusOfSenderAddressRequest",
                "updateSenderAddressUsingPATCH",
            }
        ),
    ),
    # The manual's list of endpoints: a confirmation answers 202 with the JSON body `{}` where
    # the spec says text/plain, for the reason its table of differences gives for
    # CancelScheduledMessage: clients that parse every body as JSON (the Node SDK does).
    Choice(
        "content_type_conformance",
        202,
        frozenset({"ConfirmDeliveryReportsAsReceived", "ConfirmRepliesAsReceived"}),
    ),
)


def _call_and_validate(case, live: Live, choices: tuple[Choice, ...] = ()) -> None:
    base_url = live.server.base_url
    response = case.call(base_url=base_url, session=live.session)
    # Each case starts without the cookies an earlier answer set, as a new client would.
    live.session.cookies.clear()
    if case.operation.path.startswith("/_emulator/chaos"):
        # Generated fault injection rules would fail the requests of the cases after this one.
        requests.delete(f"{base_url}/_emulator/chaos", timeout=10)
    operation_id = case.operation.definition.raw.get("operationId")
    excused = [
        getattr(checks, choice.check)
        for choice in choices
        if choice.status == response.status_code and operation_id in choice.operations
    ]
    case.validate_response(response, excluded_checks=excused)


@official.parametrize()
def test_the_official_spec_holds_for_the_in_scope_operations(case, live):
    _call_and_validate(case, live, DOCUMENTED_CHOICES)


@own.parametrize()
def test_the_emulators_own_document_holds_for_every_operation(case, live):
    _call_and_validate(case, live)
