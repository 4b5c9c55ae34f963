"""/v1/messages: send, get status, cancel."""

from __future__ import annotations

from flask import Blueprint, jsonify

from emulator.api.authentication import account_id
from emulator.schemas.messages import (
    CancelMessageRequestSchema,
    MessageStatusSchema,
    SendMessagesRequestSchema,
    SendMessagesResponseSchema,
)
from emulator.schemas.validation import load_or_reject
from emulator.web.requests import current_emulator, json_body, respond

messages = Blueprint("messages", __name__)

_send_request = SendMessagesRequestSchema()
_send_response = SendMessagesResponseSchema()
_cancel_request = CancelMessageRequestSchema()
_status_response = MessageStatusSchema()


@messages.post("/messages")
def send_messages():
    body = load_or_reject(_send_request, json_body())
    sent = current_emulator().messages.send(account_id(), body["messages"])
    return respond(_send_response, {"messages": sent}, 202)


@messages.get("/messages/<message_id>")
def get_message_status(message_id: str):
    message = current_emulator().messages.get(account_id(), message_id)
    return respond(_status_response, message)


@messages.put("/messages/<message_id>")
def cancel_scheduled_message(message_id: str):
    load_or_reject(_cancel_request, json_body())
    current_emulator().messages.cancel(account_id(), message_id)
    return jsonify({}), 200
