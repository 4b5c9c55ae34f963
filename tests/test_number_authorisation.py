"""The Number Authorisation API over real HTTP: the blacklist's pages, adding 1 to 10 numbers,
removing one, and checking which numbers an account may send to, at every edge."""

from __future__ import annotations

import json

import pytest

from tests.support import OTHER, basic_auth, hmac_auth

BLACKLIST = "/v1/number_authorisation/mt/blacklist"
CHECK = "/v1/number_authorisation/is_authorised/"
INVALID = "Invalid request. Please check the details and try again."


def numbers(count: int, start: int = 100) -> list[str]:
    return [f"+61491570{start + index:03d}" for index in range(count)]


@pytest.fixture
def add(http):
    def _add(numbers: list, headers: dict | None = None):
        return http.post(BLACKLIST, json={"numbers": numbers}, headers=headers or basic_auth())

    return _add


def listed(http, headers: dict | None = None) -> list[str]:
    response = http.get(BLACKLIST, headers=headers or basic_auth())
    assert response.status_code == 200, response.text
    return response.json()["numbers"]


def test_an_empty_blacklist(http):
    response = http.get(BLACKLIST, headers=basic_auth())
    assert response.status_code == 200
    assert response.json() == {"uri": BLACKLIST, "numbers": []}


@pytest.mark.parametrize("count", [1, 10])
def test_adding_one_to_ten_numbers(http, add, count):
    response = add(numbers(count))
    assert response.status_code == 201
    assert response.json() == {"uri": BLACKLIST, "numbers": numbers(count)}
    assert listed(http) == numbers(count)


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"numbers": []}, "numbers: Length must be between 1 and 10."),
        ({"numbers": numbers(11)}, "numbers: Length must be between 1 and 10."),
        ({}, "numbers: Missing data for required field."),
        ({"numbers": "+61491570156"}, "numbers: Not a valid list."),
        ({"numbers": ["61491570156"]}, "numbers[0]: Not a valid E.164 number"),
        ({"numbers": [61491570156]}, "numbers[0]: Not a valid string."),
        ({"numbers": ["+61491570156", "+6149157015x"]}, "numbers[1]: Not a valid E.164 number"),
        ({"numbers": ["+0491570156"]}, "numbers[0]: Not a valid E.164 number"),
    ],
)
def test_adding_bad_numbers_is_a_400_naming_each(http, body, detail):
    response = http.post(BLACKLIST, json=body, headers=basic_auth())
    assert response.status_code == 400
    assert response.json()["message"] == INVALID
    assert any(line.startswith(detail) for line in response.json()["details"])
    assert listed(http) == []


def test_adding_numbers_already_there_is_a_200(add):
    assert add(numbers(2)).status_code == 201
    again = add(numbers(2))
    assert again.status_code == 200
    assert again.json() == {"uri": BLACKLIST, "numbers": numbers(2)}
    assert add(numbers(3)).status_code == 201


def test_a_number_given_twice_is_added_and_echoed_once(http, add):
    response = add(["+61491570156", "+61491570156"])
    assert response.status_code == 201
    assert response.json()["numbers"] == ["+61491570156"]
    assert listed(http) == ["+61491570156"]


def test_pages_of_one_hundred_with_the_token_of_the_next(http, add):
    added = numbers(250)
    for start in range(0, 250, 10):
        assert add(added[start : start + 10]).status_code == 201
    first = http.get(BLACKLIST, headers=basic_auth()).json()
    assert first["uri"] == BLACKLIST
    assert first["numbers"] == added[:100]
    token = first["pagination"]["page"]
    assert first["pagination"]["next_uri"] == f"{BLACKLIST}?token={token}"
    second = http.get(first["pagination"]["next_uri"], headers=basic_auth()).json()
    assert second["uri"] == f"{BLACKLIST}?token={token}"
    assert second["numbers"] == added[100:200]
    third = http.get(second["pagination"]["next_uri"], headers=basic_auth()).json()
    assert third["numbers"] == added[200:]
    assert "pagination" not in third


@pytest.mark.parametrize("token", ["abc", "-1", "1" * 19, ""])
def test_a_bad_token_is_a_400(http, token):
    response = http.get(BLACKLIST, params={"token": token}, headers=basic_auth())
    assert response.status_code == 400
    assert response.json()["details"] == ["token: Not a valid pagination token."]


def test_removing_a_number(http, add):
    add(["+61491570156", "+61491570157"])
    response = http.delete(f"{BLACKLIST}/+61491570156", headers=basic_auth())
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["Content-Type"].startswith("text/plain")
    assert listed(http) == ["+61491570157"]
    # The + written as %2B is the same number.
    assert http.delete(f"{BLACKLIST}/%2B61491570157", headers=basic_auth()).status_code == 200
    assert listed(http) == []


def test_removing_a_number_not_there_is_a_404(http, add):
    add(["+61491570157"])
    response = http.delete(f"{BLACKLIST}/+61491570156", headers=basic_auth())
    assert response.status_code == 404
    assert response.json() == {"message": "Resource not found"}
    http.delete(f"{BLACKLIST}/+61491570157", headers=basic_auth())
    assert http.delete(f"{BLACKLIST}/+61491570157", headers=basic_auth()).status_code == 404


@pytest.mark.parametrize("number", ["61491570156", "+61-491", "abc", "+"])
def test_removing_a_badly_written_number_is_a_400(http, number):
    response = http.delete(f"{BLACKLIST}/{number}", headers=basic_auth())
    assert response.status_code == 400
    assert response.json()["details"][0].startswith("number: Not a valid E.164 number")


def test_which_numbers_may_be_sent_to(http, add):
    add(["+61491570157"])
    response = http.get(CHECK + "+61491570156,+61491570157", headers=basic_auth())
    assert response.status_code == 200
    assert response.json() == {
        "uri": CHECK + "+61491570156,+61491570157",
        "numbers": [
            {"number": "+61491570156", "authorised": True},
            {"number": "+61491570157", "authorised": False},
        ],
    }


@pytest.mark.parametrize("count", [1, 10])
def test_checking_one_to_ten_numbers(http, count):
    answer = http.get(CHECK + ",".join(numbers(count)), headers=basic_auth()).json()
    assert [entry["number"] for entry in answer["numbers"]] == numbers(count)
    assert all(entry["authorised"] for entry in answer["numbers"])


def test_a_number_checked_twice_is_answered_once(http):
    answer = http.get(CHECK + "+61491570156,+61491570156", headers=basic_auth()).json()
    assert answer["numbers"] == [{"number": "+61491570156", "authorised": True}]


@pytest.mark.parametrize(
    ("path", "detail"),
    [
        (",".join(numbers(11)), "numbers: At most 10 numbers, not 11."),
        ("61491570156", "numbers[0]: Not a valid E.164 number"),
        ("+61491570156,,+61491570157", "numbers[1]: Not a valid E.164 number"),
        ("+61491570156, +61491570157", "numbers[1]: Not a valid E.164 number"),
    ],
)
def test_checking_badly_written_numbers_is_a_400(http, path, detail):
    response = http.get(CHECK + path, headers=basic_auth())
    assert response.status_code == 400
    assert response.json()["details"][0].startswith(detail)


def test_checking_no_number_is_a_404(http):
    response = http.get(CHECK, headers=basic_auth())
    assert response.status_code == 404
    assert response.json() == {"message": "Resource not found"}


def test_each_account_and_sub_account_has_its_own_blacklist(http, add):
    add(["+61491570156"])
    add(["+61491570157"], basic_auth(account="DemoSubAccount1"))
    assert listed(http) == ["+61491570156"]
    assert listed(http, basic_auth(account="DemoSubAccount1")) == ["+61491570157"]
    assert listed(http, basic_auth(OTHER)) == []
    answer = http.get(CHECK + "+61491570156", headers=basic_auth(OTHER)).json()
    assert answer["numbers"][0]["authorised"] is True
    foreign = http.delete(f"{BLACKLIST}/+61491570156", headers=basic_auth(OTHER))
    assert foreign.status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", BLACKLIST),
        ("POST", BLACKLIST),
        ("DELETE", f"{BLACKLIST}/+61491570156"),
        ("GET", CHECK + "+61491570156"),
    ],
)
def test_every_route_needs_credentials_and_a_known_account(http, method, path):
    body = {"numbers": ["+61491570156"]}
    for headers in ({}, basic_auth(account="OtherAccount")):
        response = http.request(method, path, json=body, headers=headers)
        assert response.status_code == 403
        assert response.json() == {"message": "Invalid authentication credentials"}


def test_hmac_authentication(http):
    body = json.dumps({"numbers": ["+61491570156"]}).encode()
    headers = hmac_auth("POST", BLACKLIST, body)
    headers["Content-Type"] = "application/json"
    assert http.post(BLACKLIST, data=body, headers=headers).status_code == 201
    check = CHECK + "+61491570156"
    answer = http.get(check, headers=hmac_auth("GET", check)).json()
    assert answer["numbers"][0]["authorised"] is False


def test_a_body_that_is_not_json(http):
    response = http.post(BLACKLIST, data="numbers=+61491570156", headers=basic_auth())
    assert response.status_code == 415
