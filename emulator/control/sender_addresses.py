"""/_emulator/sender_addresses: every account's sender address requests with the codes sent for
them, and the review of an alpha tag decided at once."""

from __future__ import annotations

from flask.typing import ResponseReturnValue
from flask_smorest.blueprint import Blueprint

from emulator.openapi.operations import BAD_REQUEST, NOT_FOUND, operation
from emulator.schemas.sender_addresses import (
    ControlSenderAddressListSchema,
    ReviewSchema,
    SenderAddressRequestItemSchema,
)
from emulator.schemas.validation import load_or_reject
from emulator.web.admin_guard import check_control_request
from emulator.web.requests import current_emulator, json_body, respond

sender_address_reviews = Blueprint(
    "sender_address_reviews", __name__, url_prefix="/_emulator/sender_addresses"
)

TAG = "Emulator"
_review = ReviewSchema()
_request_item = SenderAddressRequestItemSchema()
_listed = ControlSenderAddressListSchema()


@sender_address_reviews.before_request
def guard() -> None:
    settings = current_emulator().settings
    check_control_request(settings.admin_token, settings.served_host_names)


@sender_address_reviews.get("")
@operation(
    "ListSenderAddressRequests",
    "Every account's sender address requests, oldest first, with the code pending for each",
    TAG,
    {200: ("The requests", ControlSenderAddressListSchema)},
)
def list_sender_address_requests() -> ResponseReturnValue:
    requests = current_emulator().sender_addresses.everyone()
    return respond(_listed, {"sender_addresses": requests})


@sender_address_reviews.post("/<id>/review")
@operation(
    "ReviewSenderAddressRequest",
    "Approve or reject an alpha tag request now, whatever its review time",
    TAG,
    {200: ("The request", SenderAddressRequestItemSchema)} | BAD_REQUEST | NOT_FOUND,
    body=ReviewSchema,
    example={"verdict": "APPROVED"},
)
def review_sender_address_request(id: str) -> ResponseReturnValue:
    verdict = load_or_reject(_review, json_body())["verdict"]
    return respond(_request_item, current_emulator().sender_addresses.review(id, verdict))
