"""/v1/reporting/links: the short trackable links of an account's messages, summed up and one by
one."""

from __future__ import annotations

from flask import request
from flask.typing import ResponseReturnValue
from flask_smorest.blueprint import Blueprint

from emulator.api.authentication import account_id
from emulator.openapi.operations import BAD_REQUEST, NOT_FOUND, v1_operation
from emulator.schemas.link_tracking import (
    LinkDetailQuerySchema,
    LinkDetailSchema,
    LinkSummaryQuerySchema,
    LinkSummarySchema,
)
from emulator.schemas.validation import load_or_reject
from emulator.web.requests import current_emulator, respond

link_tracking = Blueprint("link_tracking", __name__)
TAG = "Short Trackable Links Reports"

_summary_query = LinkSummaryQuerySchema()
_detail_query = LinkDetailQuerySchema()
_summary = LinkSummarySchema()
_detail = LinkDetailSchema()


@link_tracking.get("/reporting/links/summary")
@v1_operation(
    "LogSummary",
    "The clicks and views of the links in the account's messages, and a page of the links",
    TAG,
    {200: ("The summary", LinkSummarySchema)} | BAD_REQUEST,
    query=LinkSummaryQuerySchema,
)
def log_summary() -> ResponseReturnValue:
    query = load_or_reject(_summary_query, request.args.to_dict())
    return respond(_summary, current_emulator().link_tracking.summary(account_id(), query))


@link_tracking.get("/reporting/links/detail")
@v1_operation(
    "LogDetail",
    "One short URL by its code, with its clicks and views",
    TAG,
    {200: ("The short URL", LinkDetailSchema)} | BAD_REQUEST | NOT_FOUND,
    query=LinkDetailQuerySchema,
)
def log_detail() -> ResponseReturnValue:
    query = load_or_reject(_detail_query, request.args.to_dict())
    return respond(_detail, current_emulator().link_tracking.detail(account_id(), query))
