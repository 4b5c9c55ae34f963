"""/v1/webhooks/messages: create, list, update and delete an account's webhooks."""

from __future__ import annotations

from flask import Blueprint, request

from emulator.api.authentication import account_id
from emulator.schemas.account_webhooks import (
    MAX_PAGE_SIZE,
    AccountWebhookSchema,
    CreateWebhookRequestSchema,
    UpdateWebhookRequestSchema,
    WebhookPageQuerySchema,
    WebhookPageSchema,
)
from emulator.schemas.validation import load_or_reject
from emulator.web.requests import current_emulator, json_body, respond

webhooks = Blueprint("webhooks", __name__)

_create_request = CreateWebhookRequestSchema()
_update_request = UpdateWebhookRequestSchema()
_page_query = WebhookPageQuerySchema()
_webhook = AccountWebhookSchema()
_page = WebhookPageSchema()


@webhooks.post("/webhooks/messages")
def create_webhook():
    body = load_or_reject(_create_request, json_body())
    return respond(_webhook, current_emulator().webhooks.create(account_id(), body), 201)


# The official SDK lists with a trailing slash.
@webhooks.get("/webhooks/messages")
@webhooks.get("/webhooks/messages/")
def retrieve_webhooks():
    query = load_or_reject(_page_query, request.args.to_dict())
    size = query.get("pageSize") or query.get("page_size") or MAX_PAGE_SIZE
    return respond(_page, current_emulator().webhooks.page(account_id(), query["page"], size))


@webhooks.patch("/webhooks/messages/<webhook_id>")
def update_webhook(webhook_id: str):
    changes = load_or_reject(_update_request, json_body())
    return respond(_webhook, current_emulator().webhooks.update(account_id(), webhook_id, changes))


@webhooks.delete("/webhooks/messages/<webhook_id>")
def delete_webhook(webhook_id: str):
    current_emulator().webhooks.delete(account_id(), webhook_id)
    return "", 204
