"""/v1/number_authorisation: list, add to and remove from the account's blacklist, and check
which numbers the account may send to."""

from __future__ import annotations

from flask import Blueprint, request

from emulator.api.authentication import account_id
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


@number_authorisation.get("/number_authorisation/mt/blacklist")
def list_all_blocked_numbers():
    query = load_or_reject(_query, request.args.to_dict())
    token = int(query["token"]) if "token" in query else None
    return respond(_page, current_emulator().blacklist.page(account_id(), token))


@number_authorisation.post("/number_authorisation/mt/blacklist")
def add_numbers_to_the_blacklist():
    body = load_or_reject(_add_request, json_body())
    answer, added = current_emulator().blacklist.add(account_id(), body["numbers"])
    # The spec: 200 when every number was on the blacklist already.
    return respond(_added, answer, 201 if added else 200)


@number_authorisation.delete("/number_authorisation/mt/blacklist/<number>")
def remove_a_number_from_the_blacklist(number: str):
    current_emulator().blacklist.remove(account_id(), number_or_reject(number))
    return "", 200, {"Content-Type": "text/plain"}


@number_authorisation.get("/number_authorisation/is_authorised/<numbers>")
def check_if_numbers_are_blacklisted(numbers: str):
    service = current_emulator().blacklist
    return respond(_authorisations, service.authorised(account_id(), numbers_or_reject(numbers)))
