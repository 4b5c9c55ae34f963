"""A template whose render goes beyond the limits with a real message's variables fails its
delivery at once, saying why; the emulator stays responsive and other webhooks go on."""

from __future__ import annotations

import pytest

from emulator.settings import Settings
from tests.support import basic_auth

# Harmless with the largest variables tried when it is saved (there is no `size` there), costly
# with a message whose metadata has one: 256 x 256 x 256 copies of its content.
DATA_BOMB = (
    "#set($n = $metadata.get('size').length())"
    "#foreach($a in [1..$n])#foreach($b in [1..$n])#foreach($c in [1..$n])$mtContent#end#end#end"
)
DATA_LOOP = (
    "#set($n = $metadata.get('size').length())"
    "#foreach($a in [1..$n])#foreach($b in [1..$n])#foreach($c in [1..$n])#end#end#end"
)


@pytest.fixture
def settings(store_db) -> Settings:
    return Settings(db=store_db, template_max_chars=100_000, template_max_seconds=0.1)


@pytest.mark.parametrize(
    ("template", "reason"),
    [
        (DATA_BOMB, "the rendered text is longer than 100,000 characters"),
        (DATA_LOOP, "the render took more than 0.1 s"),
    ],
)
def test_an_over_limit_render_is_a_failed_attempt_with_its_reason(
    http, receivers, send_one, advance, webhooks, template, reason
):
    costly, plain = receivers(), receivers()
    for url, body in ((costly.url, template), (plain.url, '{"id":"$mtId"}')):
        webhook = {
            "url": url,
            "method": "POST",
            "encoding": "JSON",
            "events": ["DELIVERED_DR"],
            "template": body,
        }
        response = http.post("/v1/webhooks/messages", json=webhook, headers=basic_auth())
        assert response.status_code == 201, response.text
    message_id = send_one(delivery_report=True, metadata={"size": "s" * 256}, content="x" * 5000)

    advance(5)

    hooks = {hook["url"]: hook for hook in webhooks(message_id=message_id)}
    failed = hooks[costly.url]
    assert failed["state"] == "failed"
    assert [attempt["error"] for attempt in failed["attempts"]] == [
        f"the template could not be rendered: {reason}"
    ]
    assert costly.requests == []
    assert hooks[plain.url]["state"] == "delivered"
    assert plain.payloads == [{"id": message_id}]
    # Nothing of the runaway render is kept: the listing holds less than one limit's worth.
    assert len(http.get("/_emulator/webhooks").content) < 100_000
