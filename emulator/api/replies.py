"""/v1/replies: check and confirm."""

from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue
from flask_smorest.blueprint import Blueprint

from emulator.api.authentication import account_id
from emulator.api.oversized import refuse_oversized
from emulator.openapi.operations import BAD_REQUEST, v1_operation
from emulator.schemas.common import EmptySchema
from emulator.schemas.inbox import (
    CheckRepliesResponseSchema,
    ConfirmRepliesRequestSchema,
    oversized_confirmation_problem,
)
from emulator.schemas.validation import load_or_reject
from emulator.web.requests import current_emulator, json_body, respond

replies = Blueprint("replies", __name__)

_check_response = CheckRepliesResponseSchema()
_confirm_request = ConfirmRepliesRequestSchema()
TAG = "Replies"


@replies.get("/replies")
@v1_operation(
    "CheckReplies",
    "The oldest 100 unconfirmed replies",
    TAG,
    {200: ("Unconfirmed replies", CheckRepliesResponseSchema)},
)
def check_replies() -> ResponseReturnValue:
    return respond(_check_response, {"replies": current_emulator().inbox.replies(account_id())})


@replies.post("/replies/confirmed")
@v1_operation(
    "ConfirmRepliesAsReceived",
    "Confirm replies",
    TAG,
    {202: ("Confirmed", EmptySchema)} | BAD_REQUEST,
    body=ConfirmRepliesRequestSchema,
    example={"reply_ids": ["3487b3fa-6586-4979-a233-2d1b095c7718"]},
)
def confirm_replies() -> ResponseReturnValue:
    refuse_oversized(lambda body: oversized_confirmation_problem(body, "reply_ids"))
    body = load_or_reject(_confirm_request, json_body())
    current_emulator().inbox.confirm_replies(account_id(), body["reply_ids"])
    return jsonify({}), 202
