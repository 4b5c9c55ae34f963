"""One blacklist: a handset's opt-out keyword puts its number there (and fires OPT_OUT_SMS), the
Number Authorisation API takes it off, and messages to a blacklisted number end rejected 302."""

from __future__ import annotations

import pytest
from message_media_messages.configuration import Configuration
from message_media_messages.message_media_messages_client import MessageMediaMessagesClient
from message_media_messages.models.message import Message
from message_media_messages.models.send_messages_request import SendMessagesRequest

from emulator.app import create_app
from emulator.settings import Settings
from emulator.web.requests import EXTENSION_KEY
from tests.support import DEMO, OTHER, basic_auth

HANDSET = "+61491570156"
BLACKLIST = "/v1/number_authorisation/mt/blacklist"


@pytest.fixture
def sdk(server):
    """The official Messages SDK, unmodified, pointed at the live server."""
    Configuration.base_uri = server.base_url
    Configuration.hmac_auth_user_name = Configuration.hmac_auth_password = None
    client = MessageMediaMessagesClient(DEMO.key, DEMO.secret)
    yield client
    Configuration.base_uri = "https://api.messagemedia.com"


def sdk_send(sdk, number: str = HANDSET) -> str:
    request = SendMessagesRequest(messages=[Message(content="Hello", destination_number=number)])
    return sdk.messages.send_messages(request).messages[0].message_id


def ended(sdk, advance, message_id: str) -> str:
    advance(10)
    return sdk.messages.get_message_status(message_id).status


@pytest.fixture
def reply(http):
    def _reply(content: str, number: str = HANDSET) -> None:
        body = {"source_number": number, "content": content}
        assert http.post("/_emulator/replies", json=body).status_code == 201

    return _reply


def blacklisted(http, headers: dict | None = None) -> list[str]:
    return http.get(BLACKLIST, headers=headers or basic_auth()).json()["numbers"]


def test_stop_blacklists_then_delete_lets_messages_through_again(
    sdk, http, advance, reply, receivers
):
    opt_outs = receivers()
    webhook = {
        "url": opt_outs.url,
        "method": "POST",
        "encoding": "JSON",
        "events": ["OPT_OUT_SMS"],
        "template": '{"number": "$sourceAddress", "text": "$moContent"}',
    }
    assert http.post("/v1/webhooks/messages", json=webhook, headers=basic_auth()).status_code == 201
    assert ended(sdk, advance, sdk_send(sdk)) == "delivered"

    reply("STOP")
    advance(0)

    assert opt_outs.payloads == [{"number": HANDSET, "text": "STOP"}]
    assert blacklisted(http) == [HANDSET]
    check = http.get(f"/v1/number_authorisation/is_authorised/{HANDSET}", headers=basic_auth())
    assert check.json()["numbers"] == [{"number": HANDSET, "authorised": False}]
    rejected = sdk_send(sdk)
    assert ended(sdk, advance, rejected) == "rejected"
    [stored] = http.get("/_emulator/messages", params={"message_id": rejected}).json()["messages"]
    assert stored["error_code"] == "302"

    assert http.delete(f"{BLACKLIST}/{HANDSET}", headers=basic_auth()).status_code == 200

    assert blacklisted(http) == []
    assert ended(sdk, advance, sdk_send(sdk)) == "delivered"


@pytest.mark.parametrize("word", ["STOP", "stopall", " Unsubscribe ", "CANCEL", "end", "Quit"])
def test_every_opt_out_keyword_blacklists_the_handset(sdk, http, advance, reply, word):
    sdk_send(sdk)
    reply(word)
    assert blacklisted(http) == [HANDSET]


@pytest.mark.parametrize("text", ["STOP please", "stop it", "Don't stop", "UNSUBSCRIBE ME"])
def test_a_keyword_among_other_words_does_nothing(sdk, http, reply, text):
    sdk_send(sdk)
    reply(text)
    assert blacklisted(http) == []


def test_start_takes_the_handset_off_the_blacklist(sdk, http, advance, reply):
    sdk_send(sdk)
    reply("STOP")
    advance(1)
    reply("start")
    assert blacklisted(http) == []
    assert ended(sdk, advance, sdk_send(sdk)) == "delivered"


def test_an_opt_out_blacklists_for_the_account_answered_only(sdk, http, advance, reply):
    sdk_send(sdk)
    reply("STOP")
    assert blacklisted(http, basic_auth(OTHER)) == []
    body = {"messages": [{"content": "Hi", "destination_number": HANDSET}]}
    [sent] = http.post("/v1/messages", json=body, headers=basic_auth(OTHER)).json()["messages"]
    advance(10)
    status = http.get(f"/v1/messages/{sent['message_id']}", headers=basic_auth(OTHER))
    assert status.json()["status"] == "delivered"


def test_a_number_added_through_the_api_is_rejected_302(sdk, http, advance):
    http.post(BLACKLIST, json={"numbers": [HANDSET]}, headers=basic_auth())
    assert ended(sdk, advance, sdk_send(sdk)) == "rejected"


def test_a_scripted_stop_blacklists_from_the_moment_it_arrives(sdk, http, advance):
    scripted = "+61400002000"  # the shipped handsets.yaml answers STOP 2 s after delivery
    sdk_send(sdk, scripted)
    advance(4)  # delivered after 4 s; the STOP is stored, due 2 s later
    assert blacklisted(http) == []
    advance(2)
    assert blacklisted(http) == [scripted]


def test_keywords_come_from_the_fixtures(tmp_path, store_db):
    (tmp_path / "keywords.yaml").write_text("opt_out: [ARRET]\nopt_in: [ENCORE]\n")
    app = create_app(Settings(db=store_db, fixtures=str(tmp_path)))
    client = app.test_client()
    try:
        body = {"messages": [{"content": "Hi", "destination_number": HANDSET}]}
        assert client.post("/v1/messages", json=body, headers=basic_auth()).status_code == 202
        for text, expected in (("STOP", []), ("arret", [HANDSET]), ("Encore", [])):
            client.post("/_emulator/replies", json={"source_number": HANDSET, "content": text})
            assert client.get(BLACKLIST, headers=basic_auth()).json["numbers"] == expected
    finally:
        app.extensions[EXTENSION_KEY].close()
