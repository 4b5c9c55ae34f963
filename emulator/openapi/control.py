"""The /_emulator operations of the document (fault injection's apart), and the web inbox's
pages."""

from __future__ import annotations

from emulator.openapi.operations import (
    BAD_REQUEST,
    NOT_FOUND,
    OPEN,
    Operation,
    page_operation,
)
from emulator.schemas import common, control, events

CONTROL_OPERATIONS = [
    Operation(
        "get",
        "/_emulator/health",
        "Health",
        "Is it up, and does its store answer (a readiness probe)",
        "Emulator",
        {
            200: ("Up, and the store answers", common.StatusSchema),
            503: ("The store does not answer", common.UnavailableSchema),
        },
        security=OPEN,
    ),
    Operation(
        "post",
        "/_emulator/reset",
        "Reset",
        "Delete all messages, reports, replies, webhooks and feature changes; real time again",
        "Emulator",
        {200: ("Reset", common.StatusSchema)},
    ),
    Operation(
        "get",
        "/_emulator/messages",
        "InspectMessages",
        "Every stored message of every account, newest first",
        "Emulator",
        {200: ("Messages", control.InspectedMessagesSchema)} | BAD_REQUEST,
        query=control.MessageFilterSchema,
    ),
    Operation(
        "get",
        "/_emulator/webhooks",
        "InspectWebhooks",
        "Webhook deliveries and their attempts, newest first",
        "Emulator",
        {200: ("Webhooks", control.WebhooksSchema)} | BAD_REQUEST,
        query=control.WebhookFilterSchema,
    ),
    Operation(
        "get",
        "/_emulator/clock",
        "GetClock",
        "The emulator's time",
        "Emulator",
        {200: ("Now", control.ClockSchema)},
    ),
    Operation(
        "post",
        "/_emulator/clock/advance",
        "AdvanceClock",
        "Move time forward, processing everything that falls due, in time order",
        "Emulator",
        {200: ("The new now", control.ClockSchema)} | BAD_REQUEST,
        body=control.AdvanceClockRequestSchema,
        example={"seconds": 10},
    ),
    Operation(
        "post",
        "/_emulator/replies",
        "SimulateReply",
        "A handset answers, or writes to an account number",
        "Emulator",
        {201: ("The stored reply", control.SimulatedReplyResponseSchema)} | BAD_REQUEST,
        body=control.SimulatedReplySchema,
        # To an account number: answers even when nothing was sent to the handset yet.
        example={
            "source_number": "+61491570156",
            "destination_number": "+61491570157",
            "content": "Yes please",
        },
    ),
    Operation(
        "get",
        "/_emulator/accounts/{account_id}",
        "GetAccount",
        "An account's numbers, alpha tags, sub-accounts and features",
        "Emulator",
        {200: ("The account", control.AccountSchema)} | NOT_FOUND,
    ),
    Operation(
        "patch",
        "/_emulator/accounts/{account_id}",
        "ChangeAccountFeatures",
        "Change some of an account's features",
        "Emulator",
        {
            200: ("The account", control.AccountSchema),
        }
        | BAD_REQUEST
        | NOT_FOUND,
        body=control.AccountChangeSchema,
        example={"features": {"deduplication": True}},
    ),
    Operation(
        "get",
        "/_emulator/events",
        "ListEvents",
        "The change log after a cursor, oldest first: messages accepted, status changes, "
        "delivery reports, replies, webhook attempts, feature changes and resets",
        "Emulator",
        {200: ("Events", events.EventsSchema)} | BAD_REQUEST,
        query=events.EventFilterSchema,
    ),
    Operation(
        "get",
        "/_emulator/openapi.json",
        "OpenApi",
        "This document",
        "Emulator",
        {200: ("OpenAPI 3", None)},
        security=OPEN,
    ),
    Operation(
        "get",
        "/_emulator/docs",
        "Docs",
        "This document, readable",
        "Emulator",
        {200: ("HTML", None)},
        security=OPEN,
    ),
]

INBOX_OPERATIONS = [
    page_operation("/", "InboxHandsets", "Handsets, latest message first; ?account, ?q, ?page"),
    page_operation(
        "/handsets/{number}",
        "InboxConversation",
        "A handset's messages and replies, with timelines, segments and a composer; ?account",
        NOT_FOUND,
    ),
    page_operation(
        "/webhooks", "InboxWebhooks", "Webhook deliveries and attempts; ?message_id, ?state"
    ),
    page_operation(
        "/accounts", "InboxAccounts", "Accounts and their features, the clock, and reset"
    ),
    page_operation(
        "/chaos", "InboxChaos", "Fault injection rules in force, and the faults injected"
    ),
    Operation(
        "get",
        "/sign-in",
        "InboxSignIn",
        "The form that asks for the admin token",
        "Web inbox",
        {200: ("HTML", None), 302: ("Without --admin-token: on to the page asked for", None)},
        security=OPEN,
    ),
    Operation(
        "post",
        "/sign-in",
        "InboxSignInSubmit",
        "Check the form's `token` and keep it in an HttpOnly, SameSite=Strict cookie",
        "Web inbox",
        {
            302: ("On to the form's `next` page", None),
            403: ("A wrong token, or a form sent from another site", None),
        },
        security=OPEN,
    ),
]
