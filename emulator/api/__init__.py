"""The /v1 and /v2-preview HTTP layer: thin blueprints that parse, call a service and render."""

from __future__ import annotations

from flask_smorest.blueprint import Blueprint

from emulator.api.account_webhooks import webhooks
from emulator.api.authentication import authenticate_request
from emulator.api.dedicated_numbers import dedicated_numbers
from emulator.api.delivery_reports import delivery_reports
from emulator.api.link_tracking import link_tracking
from emulator.api.lookups import lookups
from emulator.api.messages import messages
from emulator.api.number_authorisation import number_authorisation
from emulator.api.replies import replies
from emulator.api.reporting import reporting
from emulator.api.request_chaos import inject_faults
from emulator.api.scheduled_reports import scheduled_reports
from emulator.api.sender_addresses import sender_addresses
from emulator.api.signature_keys import signature_keys


def create_v1_blueprint() -> Blueprint:
    """Every /v1 route, each authenticated, then given the chaos rules' faults, before it runs."""
    v1 = Blueprint("v1", __name__, url_prefix="/v1")
    v1.before_request(authenticate_request)
    v1.before_request(inject_faults)
    children = (
        messages,
        delivery_reports,
        replies,
        webhooks,
        signature_keys,
        number_authorisation,
        lookups,
        dedicated_numbers,
        sender_addresses,
        link_tracking,
    )
    for child in children:
        v1.register_blueprint(child)
    return v1


def create_v2_preview_blueprint() -> Blueprint:
    """Every /v2-preview route (the Reporting API), authenticated and given the chaos rules'
    faults as /v1's are."""
    v2_preview = Blueprint("v2_preview", __name__, url_prefix="/v2-preview")
    v2_preview.before_request(authenticate_request)
    v2_preview.before_request(inject_faults)
    for child in (reporting, scheduled_reports):
        v2_preview.register_blueprint(child)
    return v2_preview
