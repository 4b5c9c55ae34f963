"""/_emulator/openapi.json and /_emulator/docs: the API description, served without a CDN."""

from __future__ import annotations

from functools import cache

from flask import Blueprint, jsonify
from swagger_ui_bundle import swagger_ui_path

from emulator.openapi import build_openapi

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


@cache
def _document() -> dict:
    return build_openapi()


@docs.get("/openapi.json")
def openapi_document():
    return jsonify(_document())


@docs.get("/docs")
def docs_page():
    return PAGE, 200, {"Content-Type": "text/html; charset=utf-8"}
