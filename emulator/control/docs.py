"""/_emulator/openapi.json and /_emulator/docs: the API description, served without a CDN."""

from __future__ import annotations

from typing import cast

from flask import jsonify
from flask.typing import ResponseReturnValue
from flask_smorest.blueprint import Blueprint
from flask_smorest.globals import current_api
from swagger_ui_bundle import swagger_ui_path

from emulator.openapi import OpenApi
from emulator.openapi.operations import OPEN, operation

docs = Blueprint(
    "docs",
    __name__,
    url_prefix="/_emulator",
    static_folder=swagger_ui_path,
    static_url_path="/docs/assets",
)

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>messagemedia-emulator API</title>
  <link rel="stylesheet" href="/_emulator/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/_emulator/docs/assets/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({url: "/_emulator/openapi.json", dom_id: "#swagger-ui"});
  </script>
</body>
</html>
"""


@docs.get("/openapi.json")
@operation("OpenApi", "This document", "Emulator", {200: ("OpenAPI 3", None)}, security=OPEN)
def openapi_document() -> ResponseReturnValue:
    return jsonify(cast(OpenApi, current_api).document())


@docs.get("/docs")
@operation("Docs", "This document, readable", "Emulator", {200: ("HTML", None)}, security=OPEN)
def docs_page() -> ResponseReturnValue:
    return PAGE, 200, {"Content-Type": "text/html; charset=utf-8"}
