"""/v1/webhooks/messages: create, list, read, update and delete an account's webhooks."""

from __future__ import annotations

from flask import request
from flask.typing import ResponseReturnValue
from flask_smorest.blueprint import Blueprint

from emulator.api.authentication import account_id
from emulator.openapi.operations import BAD_REQUEST, NOT_FOUND, Answers, v1_operation
from emulator.schemas.account_webhooks import (
    MAX_PAGE_SIZE,
    AccountWebhookSchema,
    CreateWebhookRequestSchema,
    UpdateWebhookRequestSchema,
    WebhookPageQuerySchema,
    WebhookPageSchema,
)
from emulator.schemas.common import ErrorSchema
from emulator.schemas.validation import load_or_reject
from emulator.web.requests import current_emulator, json_body, respond

webhooks = Blueprint("webhooks", __name__)

_create_request = CreateWebhookRequestSchema()
_update_request = UpdateWebhookRequestSchema()
_page_query = WebhookPageQuerySchema()
_webhook = AccountWebhookSchema()
_page = WebhookPageSchema()
TAG = "Webhooks Management"
DUPLICATE_WEBHOOK: Answers = {
    409: ("A webhook with the given url and method already exists.", ErrorSchema)
}


@webhooks.post("/webhooks/messages")
@v1_operation(
    "CreateWebhook",
    "Create a webhook for some of the account's events",
    TAG,
    {201: ("The webhook", AccountWebhookSchema)} | BAD_REQUEST | DUPLICATE_WEBHOOK,
    body=CreateWebhookRequestSchema,
    example={
        "url": "http://webhook.com",
        "method": "POST",
        "encoding": "JSON",
        "headers": {"Account": "DeveloperPortal7000"},
        "events": ["ENROUTE_DR", "DELIVERED_DR"],
        "template": '{"id":"$mtId","status":"$statusCode"}',
        "read_timeout": 5000,
        "retries": 3,
        "retry_delay": 30,
    },
)
def create_webhook() -> ResponseReturnValue:
    body = load_or_reject(_create_request, json_body())
    return respond(_webhook, current_emulator().webhooks.create(account_id(), body), 201)


# The official SDK lists with a trailing slash: the same handler, an operation of its own.
@webhooks.get("/webhooks/messages/")
@v1_operation(
    "RetrieveWebhookWithSlash",
    "The same, as the official SDK asks for it",
    TAG,
    {200: ("A page", WebhookPageSchema)} | BAD_REQUEST,
    query=WebhookPageQuerySchema,
)
@webhooks.get("/webhooks/messages")
@v1_operation(
    "RetrieveWebhook",
    "A page of the account's webhooks, oldest first",
    TAG,
    {200: ("A page", WebhookPageSchema)} | BAD_REQUEST,
    query=WebhookPageQuerySchema,
)
def retrieve_webhooks() -> ResponseReturnValue:
    query = load_or_reject(_page_query, request.args.to_dict())
    size = query.get("pageSize") or query.get("page_size") or MAX_PAGE_SIZE
    return respond(_page, current_emulator().webhooks.page(account_id(), query["page"], size))


# The path parameter is named as the official spec names it, and so the document too.
@webhooks.get("/webhooks/messages/<webhookId>")
@v1_operation(
    "RetrieveWebhookById",
    "One of the account's webhooks, in the shape the list and create answer with",
    TAG,
    {200: ("The webhook", AccountWebhookSchema)} | NOT_FOUND,
)
def retrieve_webhook(webhookId: str) -> ResponseReturnValue:
    return respond(_webhook, current_emulator().webhooks.get(account_id(), webhookId))


@webhooks.patch("/webhooks/messages/<webhookId>")
@v1_operation(
    "UpdateWebhook",
    "Change some of a webhook's fields; null ones keep their value",
    TAG,
    {200: ("The webhook", AccountWebhookSchema)} | BAD_REQUEST | NOT_FOUND | DUPLICATE_WEBHOOK,
    body=UpdateWebhookRequestSchema,
    example={"method": "PUT", "events": ["FAILED_DR"]},
)
def update_webhook(webhookId: str) -> ResponseReturnValue:
    changes = load_or_reject(_update_request, json_body())
    return respond(_webhook, current_emulator().webhooks.update(account_id(), webhookId, changes))


@webhooks.delete("/webhooks/messages/<webhookId>")
@v1_operation("DeleteWebhook", "Delete a webhook", TAG, {204: ("Deleted", None)} | NOT_FOUND)
def delete_webhook(webhookId: str) -> ResponseReturnValue:
    current_emulator().webhooks.delete(account_id(), webhookId)
    return "", 204
