"""The emulator's own OpenAPI 3 document, made from the blueprints: each handler declares its
operation beside it (emulator.openapi.operations), and flask-smorest reads the declarations of
the blueprints registered through `OpenApi` when the document is first asked for."""

from __future__ import annotations

import threading
from typing import Any

from apispec import APISpec, BasePlugin
from flask import Flask
from flask_smorest import Api
from flask_smorest.blueprint import Blueprint

from emulator import __version__
from emulator.openapi.operations import CONTROL
from emulator.schemas import common

# Errors an operation answers by the kind it is rather than by what it does.
TOO_LARGE = (413, "The body is larger than --max-body-bytes")
NOT_JSON = (415, "The body is not application/json")
REFUSED = (
    403,
    "A missing or wrong admin token, a Host not served without a token, "
    "or a change sent from another site",
)
# Any route of an emulator listening on loopback (DNS rebinding protection).
FOREIGN_HOST = (403, "A Host this emulator does not serve (it listens on loopback)")
# Any route that reads the store, while the store does not answer (with Retry-After).
STORE_DOWN = (503, "The store does not answer; try again")
# The routes that never read the store.
STORELESS_PATHS = frozenset({"/_emulator/openapi.json", "/_emulator/docs", "/sign-in"})
# Path parameters as the docs page fills them in: the demo account, and IDs that are well
# formed (an unknown one answers 404).
PATH_EXAMPLES = {
    "messageId": "0b5e2a44-9d7e-4c2f-8a0e-7f1d2c3b4a59",
    "account_id": "DemoAccount",
    "webhookId": "a7f11bb0-f299-4861-a5ca-9b29d04bc5ad",
    "key_id": "7ca628a8-08b0-4e42-aeb8-960b37049c31",
    "number": "+61491570156",
    "phone_number": "+61491570156",
    "numbers": "+61491570156,+61491570157",
    "rule_id": "5d1f8a3e-2b7c-4e0a-9f61-3c8d2e7b1a40",
    # Numbers of the shipped dedicated number pool (fixtures/dedicated_numbers.yaml).
    "id": "c2ad2b2d-1cfc-4872-96b0-e4b79e50f40a",
    "numberId": "fa13b94b-4d17-4b1b-a1a4-865a817c401b",
    "reportId": "51f0097f-90b2-4a59-ad88-a0fd93abaa82",
    "report_id": "51f0097f-90b2-4a59-ad88-a0fd93abaa82",
    "file_name": "report-51f0097f-90b2-4a59-ad88-a0fd93abaa82.csv",
    "scheduled_id": "e6fb8282-c7c3-4367-8590-6c77ddb11c3e",
}
_ERROR = "Error"


class OpenApi(Api):
    """flask-smorest's Api as a describer only: what a client sees stays the app's own. It
    registers no error handler (emulator.web.error_handlers answers every error in the
    MessageMedia shape), adds no default error answer to the operations, and names no tag after a
    blueprint (each operation names its own). It describes the operations when the document is
    first asked for: described at registration, they were most of an app's start-up."""

    # None is flask-smorest's documented way to leave the default answer out.
    DEFAULT_ERROR_RESPONSE_NAME = None  # type: ignore[assignment]
    # The error body flask-smorest describes, registered as the "Error" schema when it starts.
    ERROR_SCHEMA = common.ErrorSchema  # type: ignore[assignment]

    def __init__(self, app: Flask) -> None:
        super().__init__(  # type: ignore[no-untyped-call]
            app,
            spec_kwargs={
                "title": "messagemedia-emulator",
                "version": __version__,
                "openapi_version": "3.0.3",
                "info": {"description": "A local emulator of the MessageMedia Messages API."},
                "extra_plugins": [_PathExamples(), _AnswersByKind()],
            },
        )
        spec: APISpec = self.spec
        spec.components.security_scheme("basic_auth", {"type": "http", "scheme": "basic"})
        spec.components.security_scheme(
            "hmac_auth", {"type": "apiKey", "in": "header", "name": "Authorization"}
        )
        spec.components.security_scheme("admin_token", {"type": "http", "scheme": "bearer"})
        self._undescribed: list[tuple[Blueprint, str, list[dict[str, Any]] | None]] = []
        self._describing = threading.Lock()

    def register_blueprint(
        self,
        blp: Blueprint,
        *,
        parameters: list[dict[str, Any]] | None = None,
        **options: Any,
    ) -> None:
        """Register the blueprint in the app; its operations join the document when it is made."""
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        self._undescribed.append((blp, name, parameters))

    def document(self) -> dict[str, Any]:
        """The OpenAPI 3 document of every operation registered, as a dict."""
        with self._describing:
            while self._undescribed:
                blp, name, parameters = self._undescribed.pop(0)
                blp.register_views_in_doc(
                    self, self._app, self.spec, name=name, parameters=parameters
                )
            document: dict[str, Any] = self.spec.to_dict()
        return document

    def _register_error_handlers(self) -> None:
        """None: the app's own handlers answer every error."""

    def _register_pagination_header(self) -> None:
        """None: no operation pages the flask-smorest way, so its header's schema stays out."""


class _PathExamples(BasePlugin):
    """Gives each path parameter the example the docs page fills in."""

    def path_helper(
        self,
        path: str | None = None,
        operations: dict[str, Any] | None = None,
        parameters: list[dict[str, Any]] | None = None,
        **kwargs: Any,
    ) -> None:
        for parameter in parameters or []:
            if parameter.get("in") == "path":
                parameter.setdefault("example", PATH_EXAMPLES[parameter["name"]])


class _AnswersByKind(BasePlugin):
    """Adds the errors an operation answers by the kind it is: every /v1 request and every body
    is read, so may be too large; a body, and any change to the guarded control plane, must be
    JSON; the guarded control plane refuses a request it does not serve; an emulator on
    loopback refuses a Host it does not serve on every route; and a route that reads the store
    is unavailable while the store does not answer."""

    def operation_helper(
        self,
        path: str | None = None,
        operations: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        for method, described in (operations or {}).items():
            answers: dict[int, str] = {}
            takes_body = "requestBody" in described
            guarded = described.get("security") == CONTROL
            if (path or "").startswith("/v1/") or takes_body:
                answers[TOO_LARGE[0]] = TOO_LARGE[1]
            if takes_body or (guarded and method != "get"):
                answers[NOT_JSON[0]] = NOT_JSON[1]
            if guarded:
                answers[REFUSED[0]] = REFUSED[1]
            responses = described.setdefault("responses", {})
            if str(FOREIGN_HOST[0]) not in responses:
                answers.setdefault(FOREIGN_HOST[0], FOREIGN_HOST[1])
            if str(STORE_DOWN[0]) not in responses and path not in STORELESS_PATHS:
                answers[STORE_DOWN[0]] = STORE_DOWN[1]
            for status, description in answers.items():
                responses[str(status)] = _error_answer(description)
            described["responses"] = dict(sorted(responses.items()))


def _error_answer(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ERROR}}}
