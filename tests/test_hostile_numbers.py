"""Numbers and dates a client chooses, whatever they hold, answer 4xx with the usual body, never
500: every integer of a query is ASCII digits within bounds both stores take, every date is
range-checked, and the clock stops short of the end of time."""

from __future__ import annotations

from datetime import timedelta

import pytest

from emulator.app import create_app, openapi_document
from emulator.clock import LAST_MOMENT
from emulator.schemas.fields import LARGEST_STORED_INTEGER
from emulator.settings import Settings
from emulator.timestamps import format_timestamp
from emulator.web.requests import EXTENSION_KEY
from tests.support import basic_auth, hmac_auth, message

AUTH = basic_auth()
TOKEN = "s3cret-token"


def _app_on_sqlite(tmp_path_factory, **settings):
    app = create_app(Settings(db=str(tmp_path_factory.mktemp("store") / "e.db"), **settings))
    yield app
    app.extensions[EXTENSION_KEY].close()


@pytest.fixture(scope="module")
def refusing_client(tmp_path_factory):
    """One app for the module's requests that are refused before they reach a store."""
    yield from (app.test_client() for app in _app_on_sqlite(tmp_path_factory))


@pytest.fixture(scope="module")
def guarded_client(tmp_path_factory):
    """One app with an admin token, for the sign-in page."""
    yield from (app.test_client() for app in _app_on_sqlite(tmp_path_factory, admin_token=TOKEN))


def _integer_query_parameters() -> list[tuple[str, str, dict]]:
    """(path, name, schema) of every integer query parameter of a GET the document declares."""
    found = []
    for path, operations in openapi_document()["paths"].items():
        for parameter in operations.get("get", {}).get("parameters", []):
            if parameter["in"] == "query" and parameter["schema"].get("type") == "integer":
                found.append((path, parameter["name"], parameter["schema"]))
    return found


INTEGER_PARAMETERS = _integer_query_parameters()
IDS = [f"{path}?{name}" for path, name, _ in INTEGER_PARAMETERS]
EMPTY_IS_NO_FILTER = "/v1/messaging/numbers/"
NOT_INTEGERS = ["²", "①", "٣", "１", " 1", "1 ", "1\n", "1_0", "+1", "1e3", "0x10", "1.0", "", "-"]


def _get(client, path: str, name: str, value: object):
    headers = AUTH if path.startswith(("/v1/", "/v2-preview/")) else {}
    return client.get(path, query_string={name: str(value)}, headers=headers)


def _refused(response, status: int = 400) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    body = response.json
    assert body["message"]
    return body


def test_the_document_declares_integer_query_parameters_of_every_kind_of_list():
    paths = {path for path, _, _ in INTEGER_PARAMETERS}
    assert {
        "/v1/iam/signature_keys",
        "/v1/webhooks/messages",
        "/_emulator/events",
        "/_emulator/messages",
        "/_emulator/webhooks",
        "/",
        "/webhooks",
    } <= paths


@pytest.mark.parametrize(("path", "name", "schema"), INTEGER_PARAMETERS, ids=IDS)
def test_every_integer_query_parameter_is_bounded_within_what_a_store_takes(path, name, schema):
    assert 0 <= schema["minimum"] <= schema["maximum"] <= LARGEST_STORED_INTEGER


@pytest.mark.parametrize("raw", NOT_INTEGERS)
@pytest.mark.parametrize(("path", "name", "schema"), INTEGER_PARAMETERS, ids=IDS)
def test_an_integer_query_parameter_of_other_characters_is_400(
    refusing_client, path, name, schema, raw
):
    if raw == "" and path.startswith(EMPTY_IS_NO_FILTER):
        # These lists take a parameter given empty as one left out (docs/choices.md).
        assert _get(refusing_client, path, name, raw).status_code == 200
        return
    body = _refused(_get(refusing_client, path, name, raw))
    assert any(name in detail for detail in body["details"]), body


@pytest.mark.parametrize(("path", "name", "schema"), INTEGER_PARAMETERS, ids=IDS)
def test_an_integer_query_parameter_out_of_bounds_is_400(refusing_client, path, name, schema):
    for value in (schema["maximum"] + 1, 2**31, 2**63, 10**40, schema["minimum"] - 1):
        _refused(_get(refusing_client, path, name, value))


@pytest.mark.parametrize(("path", "name", "schema"), INTEGER_PARAMETERS, ids=IDS)
def test_integer_query_parameters_at_their_bounds_are_answered_by_either_store(
    client, store_db, path, name, schema
):
    for value in (schema["minimum"], schema["maximum"]):
        response = _get(client, path, name, value)
        assert response.status_code == 200, response.get_data(as_text=True)


@pytest.mark.parametrize("token", ["²", "٣", "1\n", str(LARGEST_STORED_INTEGER + 1), "9" * 19])
def test_a_blacklist_token_of_other_characters_or_too_large_is_400(refusing_client, token):
    body = _refused(_get(refusing_client, "/v1/number_authorisation/mt/blacklist", "token", token))
    assert body["details"] == ["token: Not a valid pagination token."]


def test_the_largest_blacklist_token_is_answered_by_either_store(client, store_db):
    blacklist = "/v1/number_authorisation/mt/blacklist"
    response = _get(client, blacklist, "token", LARGEST_STORED_INTEGER)
    assert response.status_code == 200, response.get_data(as_text=True)


@pytest.mark.parametrize(
    "date",
    [
        "Fri, 01 Jan 99999999999999999999 00:00:00 GMT",
        "Fri, 01 Jan 2020 99999999999999999999:00:00 GMT",
        "Fri, 01 Jan 2020 00:00:00 +99999999999999999999",
        "Fri, 01 Jan 2020 00:00:00 +9999",
        "Fri, 31 Dec 9999 23:59:59 -2359",
        "Mon, 01 Jan 0001 00:00:00 +2359",
        "Fri, 31 Dec 9999 23:59:59 GMT",
        "Fri, 32 Jan 2020 00:00:00 GMT",
        "²",
    ],
)
def test_an_hmac_date_out_of_any_range_is_403(refusing_client, date):
    headers = hmac_auth("GET", "/v1/delivery_reports", date=date)
    _refused(refusing_client.get("/v1/delivery_reports", headers=headers), 403)


class TestTheEndOfTime:
    """The clock stops at LAST_MOMENT: an advance past it is a 400, and everything still answers
    at the last moment."""

    def test_an_advance_past_the_last_moment_is_400_and_leaves_the_clock(self, client, emulator):
        emulator.clock.advance_to(LAST_MOMENT - timedelta(days=10))
        before = client.get("/_emulator/clock").json["now"]
        for seconds in (11 * 86400, 400 * 86400):
            body = _refused(client.post("/_emulator/clock/advance", json={"seconds": seconds}))
            assert body["details"] == [
                f"seconds: The clock does not go past {format_timestamp(LAST_MOMENT)}."
            ]
        assert client.get("/_emulator/clock").json["now"] >= before
        assert client.get("/_emulator/clock").json["now"] < format_timestamp(LAST_MOMENT)

    def test_at_the_last_moment_messages_are_sent_read_and_listed(self, client, emulator):
        emulator.clock.advance_to(LAST_MOMENT)
        advanced = client.post("/_emulator/clock/advance", json={"seconds": 0})
        assert advanced.json["now"] == format_timestamp(LAST_MOMENT)
        _refused(client.post("/_emulator/clock/advance", json={"seconds": 0.001}))
        sent = client.post("/v1/messages", json={"messages": [message()]}, headers=AUTH)
        assert sent.status_code == 202, sent.json
        message_id = sent.json["messages"][0]["message_id"]
        assert client.get(f"/v1/messages/{message_id}", headers=AUTH).status_code == 200
        assert client.get("/_emulator/messages").status_code == 200
        assert client.get("/").status_code == 200

    def test_the_clock_itself_stops_at_the_last_moment(self, emulator):
        emulator.clock.advance_to(LAST_MOMENT + timedelta(days=300))
        assert emulator.clock.now() == LAST_MOMENT
        assert emulator.clock.advance(400 * 86400) == LAST_MOMENT
        assert not emulator.clock.can_advance(1)


SIGN_IN_TARGETS = ["/x\r\nSet-Cookie: a=b", "/\n", "\r\n", "/a\x1b[31m", "//[x", "/x\t", "/\x7f"]


@pytest.mark.parametrize("target", [*SIGN_IN_TARGETS, "/webhooks\x00"])
def test_signing_in_with_a_next_of_control_characters_goes_home(guarded_client, target):
    signed_in = guarded_client.post("/sign-in", data={"token": TOKEN, "next": target})
    assert signed_in.status_code == 302
    assert signed_in.headers["Location"] == "/"


@pytest.mark.parametrize("target", SIGN_IN_TARGETS)
def test_the_sign_in_form_with_a_next_of_control_characters_is_shown(guarded_client, target):
    assert guarded_client.get("/sign-in", query_string={"next": target}).status_code == 200


@pytest.mark.parametrize("target", SIGN_IN_TARGETS)
def test_sign_in_without_a_token_goes_home(refusing_client, target):
    response = refusing_client.get("/sign-in", query_string={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
