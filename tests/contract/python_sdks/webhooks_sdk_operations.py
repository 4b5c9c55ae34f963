"""Every operation of the official Webhooks SDK against a live emulator, run in the SDKs' own
environment; what each returned or raised is written as JSON to the file MM_RESULT names (the SDK
logs to stdout).

Environment: MM_BASE_URL, MM_KEY, MM_SECRET, MM_OTHER_KEY, MM_OTHER_SECRET, MM_RECEIVER_URL.
"""

from __future__ import annotations

import json
import os

from message_media_webhooks.configuration import Configuration
from message_media_webhooks.message_media_webhooks_client import MessageMediaWebhooksClient
from message_media_webhooks.models.create_webhook_request import CreateWebhookRequest
from message_media_webhooks.models.update_webhook_request import UpdateWebhookRequest

UNKNOWN_ID = "a7f11bb0-f299-4861-a5ca-9b29d04bc5ad"


def outcome(call) -> dict:
    """What a call returned, or the class, status and body of the exception it raised."""
    try:
        return {"returned": call()}
    except Exception as error:  # the SDK raises its own exception classes
        return {
            "raised": type(error).__name__,
            "code": getattr(error, "response_code", None),
            "body": json.loads(error.context.response.raw_body or "null"),
        }


def main() -> None:
    env = os.environ
    Configuration.base_uri = env["MM_BASE_URL"]
    webhooks = MessageMediaWebhooksClient(env["MM_KEY"], env["MM_SECRET"]).webhooks
    template = '{"id":"$mtId","status":"$statusCode"}'
    request = CreateWebhookRequest(
        url="https://webhook.example.com/mm",
        method="POST",
        encoding="JSON",
        headers={"Account": "DeveloperPortal7000"},
        events=["ENROUTE_DR", "DELIVERED_DR"],
        template=template,
    )
    seen: dict = {"created": outcome(lambda: webhooks.create_webhook(request))}
    webhook_id = seen["created"]["returned"]["id"]
    seen["duplicate"] = outcome(lambda: webhooks.create_webhook(request))
    invalid = CreateWebhookRequest(
        url="webhook.com", method="POST", encoding="JSON", events=["ENROUTE_DR"], template=template
    )
    seen["invalid"] = outcome(lambda: webhooks.create_webhook(invalid))
    seen["listed"] = outcome(lambda: webhooks.retrieve_webhook())
    seen["paged"] = outcome(lambda: webhooks.retrieve_webhook(page=0, page_size=1))
    seen["bad_page"] = outcome(lambda: webhooks.retrieve_webhook(page=-1))
    changes = UpdateWebhookRequest(method="PUT", events=["FAILED_DR"])
    seen["updated"] = outcome(lambda: webhooks.update_webhook(webhook_id, changes))
    seen["update_unknown"] = outcome(lambda: webhooks.update_webhook(UNKNOWN_ID, changes))
    seen["deleted"] = outcome(lambda: webhooks.delete_webhook(webhook_id))
    seen["delete_unknown"] = outcome(lambda: webhooks.delete_webhook(UNKNOWN_ID))
    firing = CreateWebhookRequest(
        url=env["MM_RECEIVER_URL"],
        method="POST",
        encoding="JSON",
        events=["DELIVERED_DR"],
        template='{"message": "$mtId", "status": "$status"}',
    )
    seen["firing"] = outcome(lambda: webhooks.create_webhook(firing))
    MessageMediaWebhooksClient(env["MM_OTHER_KEY"], env["MM_OTHER_SECRET"])
    seen["other_account"] = outcome(lambda: webhooks.retrieve_webhook())
    with open(env["MM_RESULT"], "w", encoding="utf-8") as result:
        json.dump(seen, result)


if __name__ == "__main__":
    main()
