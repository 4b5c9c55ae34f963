"""create_app: the one place that wires store, clock, accounts, engine, services, blueprints and
error handlers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider

from emulator.api import create_v1_blueprint, create_v2_preview_blueprint
from emulator.api.report_files import report_files
from emulator.auth import Authenticator
from emulator.clock import Clock, StoredClockState
from emulator.control import control
from emulator.control.chaos_rules import chaos
from emulator.control.docs import docs
from emulator.control.events import events
from emulator.control.sender_addresses import sender_address_reviews
from emulator.control.tls import tls
from emulator.engine.delivery_http import WebhookSender
from emulator.engine.engine import Engine
from emulator.errors import PARSE_FAILURE, BadRequest, NotFound
from emulator.fixture_files import (
    load_accounts,
    load_chaos_rules,
    load_handset_scripts,
    load_keywords,
    load_lookups,
    load_number_pool,
    load_outcome_rules,
)
from emulator.instance import Emulator
from emulator.logs import log_requests
from emulator.openapi import OpenApi
from emulator.services.acceptance import AcceptancePolicy
from emulator.services.account_webhooks import WebhookService
from emulator.services.async_reports import AsyncReportService
from emulator.services.blacklist import BlacklistService
from emulator.services.chaos_rules import ChaosService
from emulator.services.dedicated_numbers import DedicatedNumberService
from emulator.services.features import FeatureService
from emulator.services.inbox import InboxService
from emulator.services.link_tracking import LinkTrackingService
from emulator.services.lookups import LookupService
from emulator.services.messages import MessageService
from emulator.services.replies import ReplyService
from emulator.services.reporting import ReportingService
from emulator.services.scheduled_reports import ScheduledReportService
from emulator.services.sender_addresses import SenderAddressService, verification_message
from emulator.services.sender_listing import SenderListing
from emulator.services.signature_keys import SignatureKeyService
from emulator.settings import Settings
from emulator.store import Store
from emulator.ui import ui
from emulator.web.error_handlers import register_error_handlers
from emulator.web.host_guard import guard_host_names
from emulator.web.requests import EXTENSION_KEY

NUL_IN_QUERY = "The query string holds a NUL character (%00), which is not accepted."


class _JSONProvider(DefaultJSONProvider):
    """Keys in the order the schemas give them; non-ASCII text as itself."""

    sort_keys = False
    ensure_ascii = False


def create_app(
    settings: Settings | None = None, *, store: Store | None = None, clock: Clock | None = None
) -> Flask:
    """A Flask app serving /v1 and /_emulator for one emulator instance."""
    settings = settings or Settings.from_env()
    app = Flask("emulator")
    app.json_provider_class = _JSONProvider
    app.json = _JSONProvider(app)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.url_map.merge_slashes = False
    app.before_request(_refuse_empty_path_segments)
    app.before_request(_refuse_nul)
    app.extensions[EXTENSION_KEY] = build_emulator(settings, store=store, clock=clock)
    guard_host_names(app)
    register_routes(app)
    register_error_handlers(app)
    log_requests(app)
    return app


def register_routes(app: Flask) -> OpenApi:
    """Every blueprint, its operations described in the OpenAPI document as it is registered."""
    described = OpenApi(app)
    api = (create_v1_blueprint(), create_v2_preview_blueprint(), report_files)
    faces = (control, docs, events, chaos, sender_address_reviews, tls, ui)
    for blueprint in (*api, *faces):
        described.register_blueprint(blueprint)
    return described


def openapi_document() -> dict[str, Any]:
    """The OpenAPI document the app serves at /_emulator/openapi.json, made without an emulator
    behind the routes."""
    return register_routes(Flask("emulator")).document()


def _refuse_empty_path_segments() -> None:
    """`//v1/messages` is not a route: a JSON 404, not a redirect built from the Host header."""
    # The server may have merged them in PATH_INFO already; the raw target shows them.
    raw_path = (request.environ.get("REQUEST_URI") or request.path).split("?", 1)[0]
    if "://" in raw_path:  # an absolute-form target: only its path counts
        raw_path = "/" + raw_path.split("://", 1)[1].partition("/")[2]
    if "//" in raw_path or "//" in request.path:
        raise NotFound()


def _refuse_nul() -> None:
    """NUL in a path or a query is refused before any query sees it, whatever the store (the
    JSON body's text is checked as it is read): PostgreSQL's text cannot hold it."""
    if "\x00" in request.path:
        raise NotFound()
    if any("\x00" in part for pair in request.args.items(multi=True) for part in pair):
        raise BadRequest(PARSE_FAILURE, [NUL_IN_QUERY])


def build_emulator(
    settings: Settings, store: Store | None = None, clock: Clock | None = None
) -> Emulator:
    """The emulator's parts, built from the settings and the fixture files; the --chaos file's
    rules are put in force."""
    accounts = load_accounts(settings.fixtures)
    outcomes = load_outcome_rules(settings.fixtures)
    keywords = load_keywords(settings.fixtures)
    startup_rules = load_chaos_rules(settings.chaos)
    store = store or Store(settings.database_url)
    # Every process on the store reads and moves the same clock.
    clock = clock or Clock(StoredClockState(store))
    features = FeatureService(accounts, store)
    engine = Engine(
        store,
        clock,
        settings.step_delays,
        settings.retry_policy,
        WebhookSender(settings.webhook_timeout_seconds),
        load_handset_scripts(settings.fixtures),
        keywords,
        workers=settings.webhook_workers,
        tick_seconds=settings.tick_seconds,
        signs_for=lambda account_id: features.features(account_id).signature_keys,
        template_limits=settings.template_limits,
    )
    chaos_rules = ChaosService(store, clock, startup_rules)
    if settings.chaos is not None:
        chaos_rules.restore_startup_rules()
    messages = MessageService(
        store,
        clock,
        features,
        AcceptancePolicy(store, outcomes, settings.step_delays),
        on_due_now=engine.wake,
    )
    pool = load_number_pool(settings.fixtures)
    reporting = ReportingService(store, clock, accounts, features, keywords)
    return Emulator(
        settings=settings,
        store=store,
        clock=clock,
        accounts=accounts,
        outcomes=outcomes,
        authenticator=Authenticator(accounts, settings.hmac_date_window_seconds),
        engine=engine,
        features=features,
        messages=messages,
        inbox=InboxService(store, clock),
        replies=ReplyService(store, clock, accounts, keywords),
        webhooks=WebhookService(store, clock, settings.template_limits),
        signature_keys=SignatureKeyService(store, clock, features),
        blacklist=BlacklistService(store, clock),
        lookups=LookupService(store, clock, load_lookups(settings.fixtures)),
        chaos=chaos_rules,
        dedicated_numbers=DedicatedNumberService(store, clock, pool),
        sender_addresses=SenderAddressService(
            store,
            clock,
            features,
            send_code=lambda account_id, number, text: messages.send(
                account_id, [verification_message(number, text)]
            ),
            review_time=timedelta(seconds=settings.sender_review_seconds),
            listing=SenderListing(pool),
        ),
        reporting=reporting,
        async_reports=AsyncReportService(store, clock, reporting),
        scheduled_reports=ScheduledReportService(store, clock, reporting),
        link_tracking=LinkTrackingService(store, clock),
    )
