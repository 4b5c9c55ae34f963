"""/v1/messaging/numbers/sender_address: request an alpha tag or an own number, verify an own
number with the code sent to it, and list, read, relabel, delete and verify again the account's
sender addresses."""

from __future__ import annotations

from flask import request
from flask.typing import ResponseReturnValue
from flask_smorest.blueprint import Blueprint

from emulator.api.authentication import account_id
from emulator.openapi.operations import BAD_REQUEST, NOT_FOUND, v1_operation
from emulator.schemas.common import ErrorSchema
from emulator.schemas.sender_addresses import (
    DeleteQuerySchema,
    LabelSchema,
    SenderAddressesQuerySchema,
    SenderAddressListSchema,
    SenderAddressRequestItemSchema,
    SenderAddressRequestSchema,
    SenderAddressSchema,
    VerificationCodeSchema,
)
from emulator.schemas.validation import load_or_reject
from emulator.web.requests import current_emulator, json_body, respond

sender_addresses = Blueprint("sender_addresses", __name__)

TAG = "Source Address"
PREFIX = "/messaging/numbers/sender_address"
CONFLICT = {409: ("The account, or for a number any account, holds it already", ErrorSchema)}

_request = SenderAddressRequestSchema()
_request_item = SenderAddressRequestItemSchema()
_code = VerificationCodeSchema()
_label = LabelSchema()
_delete_query = DeleteQuerySchema()
_list_query = SenderAddressesQuerySchema()
_address = SenderAddressSchema()
_addresses = SenderAddressListSchema()


@sender_addresses.post(f"{PREFIX}/requests")
@v1_operation(
    "requestSenderAddressUsingPOST",
    "Request an alpha tag (reviewed on the emulator's clock) or an own number (a code is sent"
    " to it by SMS)",
    TAG,
    {201: ("The request", SenderAddressRequestItemSchema)} | BAD_REQUEST | CONFLICT,
    body=SenderAddressRequestSchema,
    example={
        "sender_address": "EXAMPLE",
        "sender_address_type": "ALPHANUMERIC",
        "usage_type": "ALPHANUMERIC",
        "destination_countries": ["AU"],
        "reason": "The name of our company",
        "label": "label",
    },
)
def request_sender_address() -> ResponseReturnValue:
    body = load_or_reject(_request, json_body())
    answer = current_emulator().sender_addresses.request(account_id(), body)
    return respond(_request_item, answer, 201)


@sender_addresses.post(f"{PREFIX}/requests/<id>/verify")
@v1_operation(
    "SubmittingVerificationCodePost",
    "Verify an own number with the six-digit code sent to it",
    TAG,
    {201: ("Verified", SenderAddressRequestItemSchema)} | BAD_REQUEST | NOT_FOUND,
    body=VerificationCodeSchema,
    example={"verification_code": "123456"},
)
def submit_verification_code(id: str) -> ResponseReturnValue:
    code = load_or_reject(_code, json_body())["verification_code"]
    answer = current_emulator().sender_addresses.verify(account_id(), id, code)
    return respond(_request_item, answer, 201)


@sender_addresses.get(f"{PREFIX}/requests/<id>")
@v1_operation(
    "GetStatusOfSenderAddressRequest",
    "A request and its status",
    TAG,
    {200: ("The request", SenderAddressRequestItemSchema)} | NOT_FOUND,
)
def get_sender_address_request(id: str) -> ResponseReturnValue:
    return respond(_request_item, current_emulator().sender_addresses.status(account_id(), id))


@sender_addresses.post(f"{PREFIX}/addresses/<id>/reverify")
@v1_operation(
    "reVerifySenderAddressUsingPOST",
    "Send a new code to a verified own number, to verify it for another 12 months",
    TAG,
    {200: ("The request, PENDING", SenderAddressRequestItemSchema)} | BAD_REQUEST | NOT_FOUND,
)
def reverify_sender_address(id: str) -> ResponseReturnValue:
    answer = current_emulator().sender_addresses.reverify(account_id(), id)
    return respond(_request_item, answer)


# The spec's path ends in a slash; the n8n node calls it without one, which is served alike.
@sender_addresses.get(f"{PREFIX}/addresses/", strict_slashes=False)
@v1_operation(
    "GetAllApprovedSenderAddresses",
    "A page of the sender addresses the account may send from",
    TAG,
    {200: ("A page of addresses", SenderAddressListSchema)} | BAD_REQUEST,
    query=SenderAddressesQuerySchema,
)
def get_all_approved_sender_addresses() -> ResponseReturnValue:
    given = {name: value for name, value in request.args.items() if value != ""}
    query = load_or_reject(_list_query, given)
    if "page_token" in query:
        query.setdefault("token", query.pop("page_token"))
    answer = current_emulator().sender_addresses.listed(account_id(), query)
    return respond(_addresses, answer)


@sender_addresses.get(f"{PREFIX}/addresses/<id>")
@v1_operation(
    "GetSenderAddressById",
    "One sender address the account may send from",
    TAG,
    {200: ("The address", SenderAddressSchema)} | NOT_FOUND,
)
def get_sender_address(id: str) -> ResponseReturnValue:
    return respond(_address, current_emulator().sender_addresses.address(account_id(), id))


@sender_addresses.patch(f"{PREFIX}/addresses/<id>")
@v1_operation(
    "updateSenderAddressUsingPATCH",
    "Change the label of a sender address",
    TAG,
    {200: ("The address", SenderAddressSchema)} | BAD_REQUEST | NOT_FOUND,
    body=LabelSchema,
    example={"label": "ExampleLabel"},
)
def update_sender_address(id: str) -> ResponseReturnValue:
    label = load_or_reject(_label, json_body())["label"]
    answer = current_emulator().sender_addresses.relabel(account_id(), id, label)
    return respond(_address, answer)


@sender_addresses.delete(f"{PREFIX}/addresses/<id>")
@v1_operation(
    "deleteSenderAddressUsingDELETE",
    "Remove a sender address (or a request): it is no longer a valid source",
    TAG,
    {202: ("Removed", None)} | BAD_REQUEST | NOT_FOUND,
    query=DeleteQuerySchema,
)
def delete_sender_address(id: str) -> ResponseReturnValue:
    load_or_reject(_delete_query, request.args.to_dict())
    current_emulator().sender_addresses.delete(account_id(), id)
    return "", 202
