"""/v1/lookups/phone: the Lookups API, on the Messages API's port, authentication and errors."""

from __future__ import annotations

from flask import request
from flask.typing import ResponseReturnValue
from flask_smorest.blueprint import Blueprint

from emulator.api.authentication import account_id
from emulator.domain.lookups import NOT_FOUND
from emulator.openapi.operations import BAD_REQUEST, v1_operation
from emulator.schemas.common import ErrorSchema
from emulator.schemas.lookups import LookupQuerySchema, LookupSchema
from emulator.schemas.validation import load_or_reject
from emulator.web.requests import current_emulator, respond

lookups = Blueprint("lookups", __name__)

_query = LookupQuerySchema()
_lookup = LookupSchema()


# The path parameter is named as the Lookups API's documentation names it; clients send the
# number URL-encoded (`%2B61...`), which the router decodes.
@lookups.get("/lookups/phone/<phone_number>")
@v1_operation(
    "LookupAPhoneNumber",
    "The country of a number and, as the options ask, its type and carrier",
    "Lookups",
    {200: ("The number", LookupSchema)} | BAD_REQUEST | {404: (NOT_FOUND, ErrorSchema)},
    query=LookupQuerySchema,
)
def lookup_a_phone_number(phone_number: str) -> ResponseReturnValue:
    query = load_or_reject(_query, {"options": request.args.getlist("options")})
    answer = current_emulator().lookups.look_up(account_id(), phone_number, query["options"])
    return respond(_lookup, answer)
