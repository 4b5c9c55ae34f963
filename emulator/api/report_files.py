"""/v2-preview/reporting/files: the files of asynchronous reports, at the URLs their
download-url answers give. Like a pre-signed URL, such a URL needs no credentials: its signature
and expiry time are checked instead."""

from __future__ import annotations

from flask import Response, request
from flask.typing import ResponseReturnValue
from flask_smorest.blueprint import Blueprint

from emulator.errors import NotFound
from emulator.openapi.operations import NOT_FOUND, OPEN, Answers, operation
from emulator.schemas.common import ErrorSchema
from emulator.services.async_reports import DOWNLOAD_PATH
from emulator.web.requests import current_emulator

report_files = Blueprint("report_files", __name__, url_prefix="/" + DOWNLOAD_PATH)
REFUSED: Answers = {403: ("A wrong signature, or a URL whose hour has passed", ErrorSchema)}


@report_files.get("/<report_id>/<file_name>")
@operation(
    "DownloadReportFile",
    "The report's CSV file, at the URL its download-url answer gave",
    "Messaging Reports",
    {200: ("The file, as text/csv", None)} | REFUSED | NOT_FOUND,
    security=OPEN,
)
def download_report_file(report_id: str, file_name: str) -> ResponseReturnValue:
    report = current_emulator().async_reports.download(
        report_id, request.args.get("expires", ""), request.args.get("signature", "")
    )
    if file_name != report["file_name"]:
        raise NotFound()
    return Response(
        report["file_content"],
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{report["file_name"]}"'},
    )
