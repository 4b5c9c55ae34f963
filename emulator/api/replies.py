"""/v1/replies: check and confirm."""

from __future__ import annotations

from flask import Blueprint, jsonify

from emulator.api.authentication import account_id
from emulator.schemas.inbox import CheckRepliesResponseSchema, ConfirmRepliesRequestSchema
from emulator.schemas.validation import load_or_reject
from emulator.web.requests import current_emulator, json_body, respond

replies = Blueprint("replies", __name__)

_check_response = CheckRepliesResponseSchema()
_confirm_request = ConfirmRepliesRequestSchema()


@replies.get("/replies")
def check_replies():
    return respond(_check_response, {"replies": current_emulator().inbox.replies(account_id())})


@replies.post("/replies/confirmed")
def confirm_replies():
    body = load_or_reject(_confirm_request, json_body())
    current_emulator().inbox.confirm_replies(account_id(), body["reply_ids"])
    return jsonify({}), 202
