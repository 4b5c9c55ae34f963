"""/v1/delivery_reports: check and confirm."""

from __future__ import annotations

from flask import Blueprint, jsonify

from emulator.api.authentication import account_id
from emulator.schemas.inbox import (
    CheckDeliveryReportsResponseSchema,
    ConfirmDeliveryReportsRequestSchema,
)
from emulator.schemas.validation import load_or_reject
from emulator.web.requests import current_emulator, json_body, respond

delivery_reports = Blueprint("delivery_reports", __name__)

_check_response = CheckDeliveryReportsResponseSchema()
_confirm_request = ConfirmDeliveryReportsRequestSchema()


@delivery_reports.get("/delivery_reports")
def check_delivery_reports():
    reports = current_emulator().inbox.delivery_reports(account_id())
    return respond(_check_response, {"delivery_reports": reports})


@delivery_reports.post("/delivery_reports/confirmed")
def confirm_delivery_reports():
    body = load_or_reject(_confirm_request, json_body())
    current_emulator().inbox.confirm_delivery_reports(account_id(), body["delivery_report_ids"])
    return jsonify({}), 202
