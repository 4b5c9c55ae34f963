"""A webhook whose template is known to cost too much is refused when it is saved: a 400 naming
`template`, at create and at update."""

from __future__ import annotations

import pytest

from emulator.settings import Settings
from tests.support import basic_auth

AUTH = basic_auth()
WEBHOOK = {
    "url": "https://example.com/hooks/mm",
    "method": "POST",
    "encoding": "JSON",
    "events": ["DELIVERED_DR"],
    "template": '{"id":"$mtId"}',
}
COSTLY = {
    "the 69-character bomb": '#set($s="xx")#foreach($i in [1..40])#set($s="$s$s")#end$s',
    "the content copied in nested loops": (
        "#foreach($a in [1..100])#foreach($b in [1..100])$mtContent#end#end"
    ),
    "a loop that never writes": "#foreach($a in [1..100000000])#end",
    "a multiplied string": '#set($s = "x" * 2000000000)$s',
    "a method that pads": "$mtContent.zfill(2000000000)",
    "Python's internals": "$esc.json.__globals__",
}


@pytest.fixture
def settings(store_db) -> Settings:
    return Settings(db=store_db, template_max_chars=100_000, template_max_seconds=0.1)


@pytest.mark.parametrize("template", COSTLY.values(), ids=COSTLY.keys())
def test_create_refuses_a_costly_template_naming_it(client, template):
    response = client.post(
        "/v1/webhooks/messages", json={**WEBHOOK, "template": template}, headers=AUTH
    )
    assert response.status_code == 400, response.json
    assert response.json["message"] == "Invalid request. Please check the details and try again."
    [detail] = response.json["details"]
    assert detail.startswith("template: ")
    assert client.get("/v1/webhooks/messages", headers=AUTH).json["pageData"] == []


@pytest.mark.parametrize("template", COSTLY.values(), ids=COSTLY.keys())
def test_update_refuses_a_costly_template_and_keeps_the_one_saved(client, template):
    created = client.post("/v1/webhooks/messages", json=WEBHOOK, headers=AUTH).json
    path = f"/v1/webhooks/messages/{created['id']}"
    response = client.patch(path, json={"template": template}, headers=AUTH)
    assert response.status_code == 400
    assert response.json["details"][0].startswith("template: ")
    assert client.get(path, headers=AUTH).json["template"] == WEBHOOK["template"]


def test_the_limits_are_settings(client):
    """100 copies of a 5,000-character content fit in 1 MB, not in the 100,000 set here."""
    template = "#foreach($a in [1..100])$mtContent#end"
    response = client.post(
        "/v1/webhooks/messages", json={**WEBHOOK, "template": template}, headers=AUTH
    )
    assert response.status_code == 400
    assert response.json["details"] == [
        "template: the rendered text is longer than 100,000 characters"
    ]
