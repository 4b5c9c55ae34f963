"""Render every error the app can raise as a MessageMedia-shaped JSON body."""

from __future__ import annotations

import logging

from flask import Flask, current_app, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from emulator.api.requests import current_emulator
from emulator.errors import MESSAGES_BY_STATUS, STORE_UNAVAILABLE, ApiError

log = logging.getLogger(__name__)


def register_error_handlers(app: Flask) -> None:
    """Make every error the app can raise answer with JSON, never HTML or a traceback."""

    @app.errorhandler(ApiError)
    def _api_error(error: ApiError) -> ResponseReturnValue:
        return jsonify(error.body()), error.status

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> ResponseReturnValue:
        status = error.code or 500
        body: dict[str, object] = {"message": MESSAGES_BY_STATUS.get(status, error.name)}
        if error.code == 413:
            limit = current_app.config["MAX_CONTENT_LENGTH"]
            body["details"] = [f"The body must be at most {limit} bytes."]
        response = jsonify(body)
        response.status_code = status
        allow = dict(error.get_headers()).get("Allow")
        if allow:
            response.headers["Allow"] = allow
        return response

    @app.errorhandler(DBAPIError)
    def _store_error(error: DBAPIError) -> ResponseReturnValue:
        if not current_emulator().store.outage.explains(error):
            return _unexpected(error)
        # Down, not broken: a client may try again, and the log has said why once.
        return jsonify({"message": STORE_UNAVAILABLE}), 503, {"Retry-After": "1"}

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> ResponseReturnValue:
        log.exception("unhandled error")
        return jsonify({"message": MESSAGES_BY_STATUS[500]}), 500
