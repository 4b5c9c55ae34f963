"""/v1/messages: send, get status, cancel."""

from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue
from flask_smorest.blueprint import Blueprint

from emulator.api.authentication import account_id
from emulator.api.oversized import refuse_oversized
from emulator.openapi.operations import BAD_REQUEST, NOT_FOUND, v1_operation
from emulator.schemas.common import EmptySchema
from emulator.schemas.messages import (
    CancelMessageRequestSchema,
    CancelRefusedSchema,
    MessageStatusSchema,
    SendMessagesRequestSchema,
    SendMessagesResponseSchema,
    oversized_batch_problem,
)
from emulator.schemas.validation import load_or_reject
from emulator.web.requests import current_emulator, json_body, respond

messages = Blueprint("messages", __name__)

_send_request = SendMessagesRequestSchema()
_send_response = SendMessagesResponseSchema()
_cancel_request = CancelMessageRequestSchema()
_status_response = MessageStatusSchema()
TAG = "Messages"


@messages.post("/messages")
@v1_operation(
    "SendMessages",
    "Send 1 to 100 messages",
    TAG,
    {202: ("Accepted, all queued", SendMessagesResponseSchema)} | BAD_REQUEST,
    body=SendMessagesRequestSchema,
    example={
        "messages": [
            {
                "content": "Hello from the emulator",
                "destination_number": "+61491570156",
                "delivery_report": True,
                "metadata": {"order": "1234"},
            }
        ]
    },
)
def send_messages() -> ResponseReturnValue:
    refuse_oversized(oversized_batch_problem)
    body = load_or_reject(_send_request, json_body())
    sent = current_emulator().messages.send(account_id(), body["messages"])
    return respond(_send_response, {"messages": sent}, 202)


# The path parameter is named as the official spec names it, and so the document too.
@messages.get("/messages/<messageId>")
@v1_operation(
    "GetMessageStatus",
    "Get a message's status",
    TAG,
    {200: ("The message", MessageStatusSchema)} | NOT_FOUND,
)
def get_message_status(messageId: str) -> ResponseReturnValue:
    message = current_emulator().messages.get(account_id(), messageId)
    return respond(_status_response, message)


@messages.put("/messages/<messageId>")
@v1_operation(
    "CancelScheduledMessage",
    "Cancel a scheduled message",
    TAG,
    {
        200: ("Cancelled", EmptySchema),
        400: ("An invalid body, or a message that is not scheduled", CancelRefusedSchema),
    }
    | NOT_FOUND,
    body=CancelMessageRequestSchema,
    example={"status": "cancelled"},
)
def cancel_scheduled_message(messageId: str) -> ResponseReturnValue:
    load_or_reject(_cancel_request, json_body())
    current_emulator().messages.cancel(account_id(), messageId)
    return jsonify({}), 200
