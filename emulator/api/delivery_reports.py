"""/v1/delivery_reports: check and confirm."""

from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue
from flask_smorest.blueprint import Blueprint

from emulator.api.authentication import account_id
from emulator.api.oversized import refuse_oversized
from emulator.openapi.operations import BAD_REQUEST, v1_operation
from emulator.schemas.common import EmptySchema
from emulator.schemas.inbox import (
    CheckDeliveryReportsResponseSchema,
    ConfirmDeliveryReportsRequestSchema,
    oversized_confirmation_problem,
)
from emulator.schemas.validation import load_or_reject
from emulator.web.requests import current_emulator, json_body, respond

delivery_reports = Blueprint("delivery_reports", __name__)

_check_response = CheckDeliveryReportsResponseSchema()
_confirm_request = ConfirmDeliveryReportsRequestSchema()
TAG = "Delivery Reports"


@delivery_reports.get("/delivery_reports")
@v1_operation(
    "CheckDeliveryReports",
    "The oldest 100 unconfirmed delivery reports",
    TAG,
    {200: ("Unconfirmed reports", CheckDeliveryReportsResponseSchema)},
)
def check_delivery_reports() -> ResponseReturnValue:
    reports = current_emulator().inbox.delivery_reports(account_id())
    return respond(_check_response, {"delivery_reports": reports})


@delivery_reports.post("/delivery_reports/confirmed")
@v1_operation(
    "ConfirmDeliveryReportsAsReceived",
    "Confirm delivery reports",
    TAG,
    {202: ("Confirmed", EmptySchema)} | BAD_REQUEST,
    body=ConfirmDeliveryReportsRequestSchema,
    example={"delivery_report_ids": ["011dcead-6988-4ad6-a1c7-6b6c68ea628d"]},
)
def confirm_delivery_reports() -> ResponseReturnValue:
    refuse_oversized(lambda body: oversized_confirmation_problem(body, "delivery_report_ids"))
    body = load_or_reject(_confirm_request, json_body())
    current_emulator().inbox.confirm_delivery_reports(account_id(), body["delivery_report_ids"])
    return jsonify({}), 202
