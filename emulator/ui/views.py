"""The pages of the web inbox: handsets, a conversation, webhooks, numbers and sender addresses,
reports, accounts and time, and fault injection.

The pages only read; what they change goes through JSON routes, the control plane's and the
inbox's own (emulator.ui.actions), called from the page's script (same origin, JSON only, so
another site cannot forge them).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask.views import MethodView
from flask_smorest.blueprint import Blueprint
from werkzeug.wrappers import Response

from emulator.domain.statuses import WEBHOOK_DELIVERED, WEBHOOK_FAILED, WEBHOOK_PENDING
from emulator.errors import BadRequest
from emulator.openapi.operations import BAD_REQUEST, NOT_FOUND, OPEN, operation, page_operation
from emulator.schemas.inbox_pages import (
    InboxPageQuerySchema,
    NumbersPageQuerySchema,
    ReportsPageQuerySchema,
)
from emulator.schemas.validation import INVALID_REQUEST, load_or_reject
from emulator.services.conversations import ConversationService
from emulator.services.inbox_numbers import InboxNumbers
from emulator.services.inbox_reports import InboxReports
from emulator.store.events import last_event_seq
from emulator.timestamps import format_timestamp
from emulator.ui import access, charts
from emulator.web.admin_guard import SAFE_METHODS, check_control_request
from emulator.web.requests import current_emulator

ui = Blueprint(
    "ui",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/ui/static",
)
WEBHOOK_STATES = (WEBHOOK_DELIVERED, WEBHOOK_PENDING, WEBHOOK_FAILED)
# What the Webhooks page calls each state: a pending delivery waits for its next attempt.
WEBHOOK_STATE_LABELS = {
    WEBHOOK_DELIVERED: "delivered",
    WEBHOOK_PENDING: "retrying",
    WEBHOOK_FAILED: "failed",
}
ADVANCE_STEPS = (("1 s", 1), ("10 s", 10), ("1 min", 60), ("1 h", 3600), ("1 day", 86400))
# The API's docs guard themselves: where they are is no secret.
_OPEN_ENDPOINTS = ("ui.static", "ui.sign_in", "ui.api_docs", "ui.api_document")
# Read by the page's script: a JSON 403 when refused, never a redirect to sign in.
_JSON_ENDPOINTS = ("ui.changes",)


@ui.before_request
def guard() -> ResponseReturnValue | None:
    if request.endpoint in _OPEN_ENDPOINTS:
        return None
    if request.method not in SAFE_METHODS or request.endpoint in _JSON_ENDPOINTS:
        # What a page changes is JSON from the page's script: a JSON 403, never a redirect.
        settings = current_emulator().settings
        check_control_request(settings.admin_token, settings.served_host_names)
        return None
    return access.guard_page()


@ui.after_request
def page_headers(response: Response) -> Response:
    response.headers.update(access.PAGE_HEADERS)
    if request.endpoint != "ui.static":
        response.headers["Cache-Control"] = "no-store"
    return response


@ui.route("/sign-in", endpoint="sign_in")
class SignIn(MethodView):
    """The sign-in page: its form, and what the form sends."""

    @operation(
        "InboxSignIn",
        "The form that asks for the admin token",
        "Web inbox",
        {200: ("HTML", None), 302: ("Without --admin-token: on to the page asked for", None)},
        security=OPEN,
    )
    def get(self) -> ResponseReturnValue:
        return access.sign_in_page()

    @operation(
        "InboxSignInSubmit",
        "Check the form's `token` and keep it in an HttpOnly, SameSite=Strict cookie",
        "Web inbox",
        {
            302: ("On to the form's `next` page", None),
            403: ("A wrong token, or a form sent from another site", None),
        },
        security=OPEN,
    )
    def post(self) -> ResponseReturnValue:
        return access.sign_in_page()


@ui.get("/")
@page_operation(
    "InboxHandsets",
    "Handsets, latest message first; ?account, ?q, ?page",
    BAD_REQUEST,
    query=InboxPageQuerySchema,
)
def handsets() -> ResponseReturnValue:
    cursor, service = _cursor_and_service()
    account = request.args.get("account", "")
    search = request.args.get("q", "").strip()
    page = service.handsets(account, search, _page_number())
    return _render(
        "handsets.html",
        cursor,
        page=page,
        totals=service.handset_totals(account),
        account=account,
        search=search,
        choices=service.account_choices(),
    )


@ui.get("/handsets/<number>")
@page_operation(
    "InboxConversation",
    "A handset's messages and replies, with timelines, segments and a composer; ?account",
    NOT_FOUND,
)
def conversation(number: str) -> ResponseReturnValue:
    cursor, service = _cursor_and_service()
    account = request.args.get("account", "")
    shown = service.conversation(number, account)
    senders = service.senders()
    return _render(
        "conversation.html",
        cursor,
        conversation=shown,
        account=account,
        choices=service.account_choices(),
        senders=senders,
        sender=service.default_sender(account, shown, senders),
        number=number,
    )


@ui.get("/webhooks")
@page_operation(
    "InboxWebhooks",
    "Webhook deliveries and attempts; ?message_id, ?state, ?page",
    BAD_REQUEST,
    query=InboxPageQuerySchema,
)
def webhooks() -> ResponseReturnValue:
    message_id = request.args.get("message_id", "").strip()
    state = request.args.get("state", "")
    state = state if state in WEBHOOK_STATES else ""
    cursor, service = _cursor_and_service()
    page = service.webhooks(message_id, state, _page_number())
    return _render(
        "webhooks.html",
        cursor,
        page=page,
        counts=service.webhook_counts(message_id),
        message_id=message_id,
        state=state,
        states=WEBHOOK_STATE_LABELS,
    )


@ui.get("/numbers")
@page_operation(
    "InboxNumbers",
    "An account's dedicated numbers, the pool it may take them from, and its sender addresses"
    " with their state; ?account, ?matching",
    BAD_REQUEST,
    query=NumbersPageQuerySchema,
)
def numbers() -> ResponseReturnValue:
    cursor = _last_event_seq()
    query = load_or_reject(_numbers_query, request.args.to_dict())
    emulator = current_emulator()
    service = InboxNumbers(emulator.accounts, emulator.dedicated_numbers, emulator.sender_addresses)
    account = service.account(query.get("account"))
    pool, more = service.pool(query["matching"])
    return _render(
        "numbers.html",
        cursor,
        account=account,
        choices=service.choices(),
        assigned=service.assigned(account.id),
        pool=pool,
        more_in_pool=more,
        matching=query["matching"],
        senders=service.senders(account),
    )


@ui.get("/reports")
@page_operation(
    "InboxReports",
    "An account's messages per status and per day over a window, as the insights API counts"
    " them; ?account, ?from, ?to",
    {400: ("The page, saying what is wrong with the window", None)},
    query=ReportsPageQuerySchema,
)
def reports() -> ResponseReturnValue:
    cursor, conversations = _cursor_and_service()
    choices = conversations.account_choices()
    try:
        query = load_or_reject(_reports_query, request.args.to_dict())
        account = query.get("account") or choices[0].id
        if account not in {choice.id for choice in choices}:
            raise BadRequest(INVALID_REQUEST, [f"account: {account} is not an account."])
    except BadRequest as refused:
        shown = _render("reports.html", cursor, choices=choices, problems=refused.details)
        return shown, 400
    service = InboxReports(current_emulator().reporting, current_emulator().clock)
    window = service.window(account, query.get("first"), query.get("last"))
    by_status = service.insights(window, ["STATUS"])
    by_day = service.insights(window, ["DAY"])
    return _render(
        "reports.html",
        cursor,
        choices=choices,
        account=account,
        window=window,
        by_status=by_status,
        by_day=by_day,
        status_bars=charts.status_bars(by_status["summaries"]),
        day_chart=charts.day_chart(by_day["summaries"], window.days),
        api_body=service.request(window, ["DAY"]),
    )


@ui.get("/accounts")
@page_operation("InboxAccounts", "Accounts and their features, the clock, and reset")
def accounts() -> ResponseReturnValue:
    cursor, service = _cursor_and_service()
    return _render("accounts.html", cursor, accounts=service.accounts(), steps=ADVANCE_STEPS)


@ui.get("/chaos")
@page_operation("InboxChaos", "Fault injection rules in force, and the faults injected")
def chaos() -> ResponseReturnValue:
    cursor = _last_event_seq()
    service = current_emulator().chaos
    accounts = [account.id for account in current_emulator().accounts.accounts]
    return _render(
        "chaos.html",
        cursor,
        rules=service.rules(),
        faults=service.latest_faults(),
        accounts=accounts,
    )


@ui.get("/docs")
@operation(
    "InboxApiDocs",
    "To the API's docs page",
    "Web inbox",
    {302: ("To /_emulator/docs", None)},
    security=OPEN,
)
def api_docs() -> ResponseReturnValue:
    return redirect(url_for("docs.docs_page"))


@ui.get("/openapi.json")
@operation(
    "InboxApiDocument",
    "To the API's OpenAPI document",
    "Web inbox",
    {302: ("To /_emulator/openapi.json", None)},
    security=OPEN,
)
def api_document() -> ResponseReturnValue:
    return redirect(url_for("docs.openapi_document"))


@ui.app_template_filter("iso")
def iso(moment: datetime | None) -> str:
    return format_timestamp(moment) or ""


@ui.app_template_filter("short_time")
def short_time(moment: datetime, now: datetime) -> str:
    """`10:32:05` today, `26 Nov 10:32` this year, `26 Nov 2025 10:32` otherwise (UTC)."""
    if moment.date() == now.date():
        return moment.strftime("%H:%M:%S")
    if moment.year == now.year:
        return moment.strftime("%d %b %H:%M")
    return moment.strftime("%d %b %Y %H:%M")


@ui.app_template_filter("codepoint")
def codepoint(char: str) -> str:
    """`U+2019` for a character."""
    return f"U+{ord(char):04X}"


def _cursor_and_service() -> tuple[int, ConversationService]:
    """The change log's position, read before the page's data so that no change made while
    the page is drawn is missed by its live updates, and the service that reads the data."""
    emulator = current_emulator()
    service = ConversationService(
        emulator.store, emulator.clock, emulator.accounts, emulator.features
    )
    return _last_event_seq(), service


def _last_event_seq() -> int:
    with current_emulator().store.reading() as tx:
        return last_event_seq(tx)


def _render(template: str, cursor: int, **context: Any) -> str:
    return render_template(
        template,
        page_name=(request.endpoint or "").removeprefix("ui."),
        cursor=cursor,
        refresh_ms=round(current_emulator().settings.inbox_refresh_seconds * 1000),
        times_utc=current_emulator().settings.inbox_times_utc,
        now=current_emulator().clock.now(),
        **context,
    )


def _page_number() -> int:
    """The page asked for; 400 for a page that is not a number from 1 to LARGEST_INBOX_PAGE."""
    page: int = load_or_reject(_page_query, request.args.to_dict())["page"]
    return page


_page_query = InboxPageQuerySchema()
_numbers_query = NumbersPageQuerySchema()
_reports_query = ReportsPageQuerySchema()
