"""create_app: the one place that wires store, clock, accounts, blueprints and error handlers."""

from __future__ import annotations

from flask import Flask

from emulator.api import create_v1_blueprint
from emulator.api.error_handlers import register_error_handlers
from emulator.api.requests import EXTENSION_KEY
from emulator.clock import Clock
from emulator.control import control
from emulator.control.docs import docs
from emulator.core import Emulator
from emulator.logs import log_requests
from emulator.settings import Settings
from emulator.store import Store


def create_app(
    settings: Settings | None = None, *, store: Store | None = None, clock: Clock | None = None
) -> Flask:
    """A Flask app serving /v1 and /_emulator for one emulator instance."""
    settings = settings or Settings.from_env()
    app = Flask("emulator")
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    app.extensions[EXTENSION_KEY] = Emulator.build(settings, store=store, clock=clock)
    app.register_blueprint(create_v1_blueprint())
    app.register_blueprint(control)
    app.register_blueprint(docs)
    register_error_handlers(app)
    log_requests(app)
    return app
