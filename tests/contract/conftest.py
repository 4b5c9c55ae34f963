"""The official Python SDK, unpatched, pointed at a live emulator."""

from __future__ import annotations

import pytest
from message_media_messages.configuration import Configuration
from message_media_messages.message_media_messages_client import MessageMediaMessagesClient

from tests.support import DEMO


@pytest.fixture(params=["basic", "hmac"])
def sdk(request, server):
    """An SDK client using Basic or HMAC keys; the SDK keeps its settings on a global class."""
    saved = {name: getattr(Configuration, name) for name in vars(Configuration) if name[0] != "_"}
    for name in ("basic_auth_user_name", "basic_auth_password"):
        setattr(Configuration, name, None)
    for name in ("hmac_auth_user_name", "hmac_auth_password"):
        setattr(Configuration, name, None)
    Configuration.base_uri = server.base_url
    client = MessageMediaMessagesClient(
        auth_user_name=DEMO.key,
        auth_password=DEMO.secret,
        use_hmac_authentication=request.param == "hmac",
    )
    yield client
    for name, value in saved.items():
        setattr(Configuration, name, value)
