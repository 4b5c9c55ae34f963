"""The /v1 operations of the document: messages, delivery reports, replies, webhooks and
signature keys."""

from __future__ import annotations

from emulator.openapi.operations import BAD_REQUEST, NOT_FOUND, Answers, v1_operation
from emulator.schemas import account_webhooks, common, inbox, messages, signature_keys

DUPLICATE_WEBHOOK: Answers = {
    409: ("A webhook with the given url and method already exists.", common.ErrorSchema)
}
FEATURE_OFF: Answers = {
    403: (
        (
            "Invalid authentication credentials, or an account without the signature_keys "
            "feature: This feature has not been enabled in your account."
        ),
        common.ErrorSchema,
    )
}
# The Signature Key API's own error bodies.
KEY_BAD_REQUEST: Answers = {400: ("Bad Request", common.BadRequestSchema)} | FEATURE_OFF
NO_SUCH_KEY: Answers = {404: ("Entity not found", common.ErrorSchema)}
WEBHOOK_EXAMPLE = {
    "url": "http://webhook.com",
    "method": "POST",
    "encoding": "JSON",
    "headers": {"Account": "DeveloperPortal7000"},
    "events": ["ENROUTE_DR", "DELIVERED_DR"],
    "template": '{"id":"$mtId","status":"$statusCode"}',
    "read_timeout": 5000,
    "retries": 3,
    "retry_delay": 30,
}

V1_OPERATIONS = [
    v1_operation(
        "post",
        "/v1/messages",
        "SendMessages",
        "Send 1 to 100 messages",
        "Messages",
        {202: ("Accepted, all queued", messages.SendMessagesResponseSchema)} | BAD_REQUEST,
        body=messages.SendMessagesRequestSchema,
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
    ),
    v1_operation(
        "get",
        "/v1/messages/{messageId}",
        "GetMessageStatus",
        "Get a message's status",
        "Messages",
        {200: ("The message", messages.MessageStatusSchema)} | NOT_FOUND,
    ),
    v1_operation(
        "put",
        "/v1/messages/{messageId}",
        "CancelScheduledMessage",
        "Cancel a scheduled message",
        "Messages",
        {
            200: ("Cancelled", common.EmptySchema),
        }
        | BAD_REQUEST
        | NOT_FOUND,
        body=messages.CancelMessageRequestSchema,
        example={"status": "cancelled"},
    ),
    v1_operation(
        "get",
        "/v1/delivery_reports",
        "CheckDeliveryReports",
        "The oldest 100 unconfirmed delivery reports",
        "Delivery Reports",
        {200: ("Unconfirmed reports", inbox.CheckDeliveryReportsResponseSchema)},
    ),
    v1_operation(
        "post",
        "/v1/delivery_reports/confirmed",
        "ConfirmDeliveryReportsAsReceived",
        "Confirm delivery reports",
        "Delivery Reports",
        {202: ("Confirmed", common.EmptySchema)} | BAD_REQUEST,
        body=inbox.ConfirmDeliveryReportsRequestSchema,
        example={"delivery_report_ids": ["011dcead-6988-4ad6-a1c7-6b6c68ea628d"]},
    ),
    v1_operation(
        "get",
        "/v1/replies",
        "CheckReplies",
        "The oldest 100 unconfirmed replies",
        "Replies",
        {200: ("Unconfirmed replies", inbox.CheckRepliesResponseSchema)},
    ),
    v1_operation(
        "post",
        "/v1/replies/confirmed",
        "ConfirmRepliesAsReceived",
        "Confirm replies",
        "Replies",
        {202: ("Confirmed", common.EmptySchema)} | BAD_REQUEST,
        body=inbox.ConfirmRepliesRequestSchema,
        example={"reply_ids": ["3487b3fa-6586-4979-a233-2d1b095c7718"]},
    ),
    v1_operation(
        "post",
        "/v1/webhooks/messages",
        "CreateWebhook",
        "Create a webhook for some of the account's events",
        "Webhooks Management",
        {201: ("The webhook", account_webhooks.AccountWebhookSchema)}
        | BAD_REQUEST
        | DUPLICATE_WEBHOOK,
        body=account_webhooks.CreateWebhookRequestSchema,
        example=WEBHOOK_EXAMPLE,
    ),
    v1_operation(
        "get",
        "/v1/webhooks/messages",
        "RetrieveWebhook",
        "A page of the account's webhooks, oldest first",
        "Webhooks Management",
        {200: ("A page", account_webhooks.WebhookPageSchema)} | BAD_REQUEST,
        query=account_webhooks.WebhookPageQuerySchema,
    ),
    v1_operation(
        "get",
        "/v1/webhooks/messages/",
        "RetrieveWebhookWithSlash",
        "The same, as the official SDK asks for it",
        "Webhooks Management",
        {200: ("A page", account_webhooks.WebhookPageSchema)} | BAD_REQUEST,
        query=account_webhooks.WebhookPageQuerySchema,
    ),
    v1_operation(
        "patch",
        "/v1/webhooks/messages/{webhookId}",
        "UpdateWebhook",
        "Change some of a webhook's fields; null ones keep their value",
        "Webhooks Management",
        {200: ("The webhook", account_webhooks.AccountWebhookSchema)}
        | BAD_REQUEST
        | NOT_FOUND
        | DUPLICATE_WEBHOOK,
        body=account_webhooks.UpdateWebhookRequestSchema,
        example={"method": "PUT", "events": ["FAILED_DR"]},
    ),
    v1_operation(
        "delete",
        "/v1/webhooks/messages/{webhookId}",
        "DeleteWebhook",
        "Delete a webhook",
        "Webhooks Management",
        {204: ("Deleted", None)} | NOT_FOUND,
    ),
    v1_operation(
        "post",
        "/v1/iam/signature_keys",
        "CreateSignatureKey",
        "Create a key pair, not enabled; the answer holds its public key",
        "Signature Key Management",
        {201: ("The key", signature_keys.CreatedSignatureKeySchema)} | KEY_BAD_REQUEST,
        body=signature_keys.CreateSignatureKeyRequestSchema,
        example={"digest": "SHA224", "cipher": "RSA"},
    ),
    v1_operation(
        "get",
        "/v1/iam/signature_keys",
        "GetSignatureKeyList",
        "A page of the account's keys, newest first",
        "Signature Key Management",
        {200: ("The keys", signature_keys.SignatureKeySchema(many=True))} | KEY_BAD_REQUEST,
        query=signature_keys.SignatureKeyPageQuerySchema,
    ),
    v1_operation(
        "get",
        "/v1/iam/signature_keys/{key_id}",
        "GetSignatureKeyDetail",
        "A key, without its public key",
        "Signature Key Management",
        {200: ("The key", signature_keys.SignatureKeySchema)} | KEY_BAD_REQUEST | NO_SUCH_KEY,
    ),
    v1_operation(
        "delete",
        "/v1/iam/signature_keys/{key_id}",
        "DeleteSignatureKey",
        "Delete a key",
        "Signature Key Management",
        {200: ("Deleted", None)} | KEY_BAD_REQUEST | NO_SUCH_KEY,
    ),
    v1_operation(
        "patch",
        "/v1/iam/signature_keys/enabled",
        "EnableSignatureKey",
        "Enable a key, the one that signs callbacks; any other is disabled",
        "Signature Key Management",
        {200: ("The key", signature_keys.SignatureKeySchema)} | KEY_BAD_REQUEST | NO_SUCH_KEY,
        body=signature_keys.EnableSignatureKeyRequestSchema,
        example={"key_id": "7ca628a8-08b0-4e42-aeb8-960b37049c31"},
    ),
    v1_operation(
        "get",
        "/v1/iam/signature_keys/enabled",
        "GetEnabledSignatureKey",
        "The enabled key",
        "Signature Key Management",
        {
            200: ("The key", signature_keys.SignatureKeySchema),
            404: ("Currently no key is enabled", common.ErrorSchema),
        }
        | FEATURE_OFF,
    ),
    v1_operation(
        "delete",
        "/v1/iam/signature_keys/enabled",
        # The official operation ID, full stop included.
        "DisableTheCurrentEnabledSignatureKey.",
        "Disable the enabled key, if there is one",
        "Signature Key Management",
        {204: ("No key is enabled now", None)} | FEATURE_OFF,
    ),
]
