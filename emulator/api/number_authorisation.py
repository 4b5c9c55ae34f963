"""/v1/number_authorisation: list, add to and remove from the account's blacklist, and check
which numbers the account may send to."""

from __future__ import annotations

from flask import request
from flask.typing import ResponseReturnValue
from flask_smorest.blueprint import Blueprint

from emulator.api.authentication import account_id
from emulator.openapi.operations import BAD_REQUEST, NOT_FOUND, TEXT, v1_operation
from emulator.schemas.number_authorisation import (
    AddNumbersRequestSchema,
    AddNumbersResponseSchema,
    AuthorisationsSchema,
    BlacklistPageSchema,
    BlacklistQuerySchema,
    number_or_reject,
    numbers_or_reject,
)
from emulator.schemas.validation import load_or_reject
from emulator.web.requests import current_emulator, json_body, respond

number_authorisation = Blueprint("number_authorisation", __name__)

_query = BlacklistQuerySchema()
_page = BlacklistPageSchema()
_add_request = AddNumbersRequestSchema()
_added = AddNumbersResponseSchema()
_authorisations = AuthorisationsSchema()
TAG = "Number Authorisation"


@number_authorisation.get("/number_authorisation/mt/blacklist")
@v1_operation(
    "ListAllBlockedNumbers",
    "Up to 100 numbers of the blacklist, oldest first, and the token of the next page",
    TAG,
    {200: ("A page", BlacklistPageSchema)} | BAD_REQUEST,
    query=BlacklistQuerySchema,
)
def list_all_blocked_numbers() -> ResponseReturnValue:
    query = load_or_reject(_query, request.args.to_dict())
    token = int(query["token"]) if "token" in query else None
    return respond(_page, current_emulator().blacklist.page(account_id(), token))


@number_authorisation.post("/number_authorisation/mt/blacklist")
@v1_operation(
    "AddOneOrMoreNumbersToYourBacklist",
    "Add 1 to 10 numbers to the blacklist",
    TAG,
    {
        200: ("Every number was on the blacklist already", AddNumbersResponseSchema),
        201: ("Added", AddNumbersResponseSchema),
    }
    | BAD_REQUEST,
    body=AddNumbersRequestSchema,
    example={"numbers": ["+61491570156", "+61491570157"]},
)
def add_numbers_to_the_blacklist() -> ResponseReturnValue:
    body = load_or_reject(_add_request, json_body())
    answer, added = current_emulator().blacklist.add(account_id(), body["numbers"])
    # The spec: 200 when every number was on the blacklist already.
    return respond(_added, answer, 201 if added else 200)


@number_authorisation.delete("/number_authorisation/mt/blacklist/<number>")
@v1_operation(
    "RemoveANumberFromTheBlacklist",
    "Remove a number from the blacklist",
    TAG,
    {200: ("Removed; no body", TEXT)} | BAD_REQUEST | NOT_FOUND,
)
def remove_a_number_from_the_blacklist(number: str) -> ResponseReturnValue:
    current_emulator().blacklist.remove(account_id(), number_or_reject(number))
    return "", 200, {"Content-Type": "text/plain"}


@number_authorisation.get("/number_authorisation/is_authorised/<numbers>")
@v1_operation(
    "CheckIfOneOrSeveralNumbersAreCurrentlyBlacklisted",
    "For 1 to 10 comma-separated numbers, whether the account may send to each",
    TAG,
    {200: ("Each number, once", AuthorisationsSchema)} | BAD_REQUEST,
)
def check_if_numbers_are_blacklisted(numbers: str) -> ResponseReturnValue:
    service = current_emulator().blacklist
    return respond(_authorisations, service.authorised(account_id(), numbers_or_reject(numbers)))
