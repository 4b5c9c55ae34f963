"""/_emulator/chaos and the --chaos file: rules listed with their counters, added, replaced and
removed, refused with one detail per problem, and the file's rules back after every reset."""

from __future__ import annotations

import pytest

from emulator.app import create_app
from emulator.fixture_files import FixtureError, load_chaos_rules
from emulator.settings import Settings
from emulator.web.requests import EXTENSION_KEY
from tests.support import basic_auth

SLOW = {"name": "slow", "path": "/v1/replies", "fault": {"latency_seconds": 0.01}}
FAILING = {"name": "failing", "method": "post", "fault": {"status": 503}, "times": 2}


def test_rules_are_added_listed_and_removed(client):
    assert client.get("/_emulator/chaos").json == {"rules": []}
    added = client.post("/_emulator/chaos", json={"rules": [SLOW, FAILING]})
    assert added.status_code == 201
    slow, failing = added.json["rules"]
    assert failing == {
        "id": failing["id"],
        "name": "failing",
        "side": "api",
        "method": "POST",
        "path": None,
        "account": None,
        "fault": {"status": 503},
        "times": 2,
        "probability": None,
        "seed": 0,
        "enabled": True,
        "remaining": 2,
        "matched": 0,
        "fired": 0,
    }
    assert client.get("/_emulator/chaos").json["rules"] == [slow, failing]

    assert client.delete(f"/_emulator/chaos/{slow['id']}").status_code == 204
    assert [rule["name"] for rule in client.get("/_emulator/chaos").json["rules"]] == ["failing"]
    assert client.delete(f"/_emulator/chaos/{slow['id']}").status_code == 404
    assert client.delete("/_emulator/chaos").json == {"rules": []}
    assert client.get("/_emulator/chaos").json == {"rules": []}


def test_put_replaces_every_rule_with_fresh_counters(client):
    client.post("/_emulator/chaos", json={"rules": [FAILING]})
    client.post("/v1/messages", json={"messages": []}, headers=basic_auth())
    [counted] = client.get("/_emulator/chaos").json["rules"]
    assert (counted["matched"], counted["remaining"]) == (1, 1)
    replaced = client.put("/_emulator/chaos", json={"rules": [FAILING, SLOW]})
    assert replaced.status_code == 200
    assert [(r["name"], r["matched"], r["remaining"]) for r in replaced.json["rules"]] == [
        ("failing", 0, 2),
        ("slow", 0, None),
    ]


@pytest.mark.parametrize(
    ("rule", "details"),
    [
        ({}, ["rules[0].fault: Missing data for required field."]),
        (
            {"fault": {"status": 200}},
            ["rules[0].fault.status: Must be one of: 429, 500, 502, 503, 504."],
        ),
        (
            {"fault": {"status": 503, "latency_seconds": 1}},
            [
                "rules[0].fault: Give exactly one of: status, latency_seconds, drop, rate_limit,"
                " duplicate, reorder, delay_seconds."
            ],
        ),
        ({"fault": {"drop": False}}, ["rules[0].fault.drop: Must be true, or left out."]),
        (
            {"fault": {"latency_seconds": [1, 0.5]}},
            ["rules[0].fault.latency_seconds: The range's low end must not be above its high end."],
        ),
        (
            {"fault": {"latency_seconds": 601}},
            ["rules[0].fault.latency_seconds: Seconds must be from 0 to 600."],
        ),
        (
            {"fault": {"rate_limit": 0}},
            [
                "rules[0].fault.rate_limit: Must be greater than or equal to 1 and less than or"
                " equal to 100000."
            ],
        ),
        ({"fault": {"rate_limit": "5"}}, ["rules[0].fault.rate_limit: Not a valid integer."]),
        ({"fault": {"drop": True}, "retry_after": 3}, ["rules[0].retry_after: Unknown field."]),
        (
            {"fault": {"drop": True, "retry_after": 3}},
            ["rules[0].fault.retry_after: Only with status."],
        ),
        (
            {"fault": {"duplicate": True}},
            ["rules[0].fault: duplicate is a fault of side webhook, not api."],
        ),
        (
            {"side": "webhook", "fault": {"status": 503}},
            ["rules[0].fault: status is a fault of side api, not webhook."],
        ),
        (
            {"side": "both", "fault": {"drop": True}},
            ["rules[0].side: Must be one of: api, webhook."],
        ),
        (
            {"path": "v1/messages", "fault": {"drop": True}},
            ["rules[0].path: Must start with / (at most 500 long)."],
        ),
        (
            {"probability": 1.5, "fault": {"drop": True}},
            [
                "rules[0].probability: Must be greater than or equal to 0 and less than or equal"
                " to 1."
            ],
        ),
        ({"times": True, "fault": {"drop": True}}, ["rules[0].times: Not a valid integer."]),
    ],
)
def test_a_bad_rule_is_a_400_naming_rule_and_key(client, rule, details):
    for method in ("post", "put"):
        response = getattr(client, method)("/_emulator/chaos", json={"rules": [rule]})
        assert response.status_code == 400
        assert response.json["details"] == details
    assert client.get("/_emulator/chaos").json == {"rules": []}


def test_at_most_a_hundred_rules_at_once(client):
    response = client.put("/_emulator/chaos", json={"rules": [SLOW] * 101})
    assert response.json["details"] == ["rules: Longer than maximum length 100."]


def test_the_chaos_file_rules_are_in_force_from_the_start_and_after_each_reset(tmp_path):
    chaos = tmp_path / "chaos.yaml"
    chaos.write_text("rules:\n  - name: from the file\n    fault: {status: 503}\n    times: 1\n")
    app = create_app(Settings(db=str(tmp_path / "emulator.db"), chaos=str(chaos)))
    client = app.test_client()
    try:
        assert client.get("/v1/replies", headers=basic_auth()).status_code == 503
        assert client.get("/v1/replies", headers=basic_auth()).status_code == 200
        client.post("/_emulator/chaos", json={"rules": [FAILING]})
        client.post("/_emulator/reset", json={})
        [rule] = client.get("/_emulator/chaos").json["rules"]
        assert (rule["name"], rule["remaining"]) == ("from the file", 1)
        assert client.get("/v1/replies", headers=basic_auth()).status_code == 503
    finally:
        app.extensions[EXTENSION_KEY].close()


def test_a_chaos_file_is_refused_with_one_line_per_problem(tmp_path):
    chaos = tmp_path / "chaos.yaml"
    chaos.write_text("rules:\n  - fault: {rate_limit: -1}\n    colour: red\n")
    with pytest.raises(FixtureError) as refused:
        load_chaos_rules(str(chaos))
    assert refused.value.lines == [
        f"{chaos}: rules[0].fault.rate_limit: Must be greater than or equal to 1 and less than or"
        " equal to 100000.",
        f"{chaos}: rules[0].colour: Unknown field.",
    ]


def test_the_control_plane_guard_covers_chaos(tmp_path):
    app = create_app(Settings(db=str(tmp_path / "emulator.db"), admin_token="secret"))
    client = app.test_client()
    try:
        assert client.get("/_emulator/chaos").status_code == 403
        assert client.delete("/_emulator/chaos").status_code == 403
        allowed = client.get("/_emulator/chaos", headers={"Authorization": "Bearer secret"})
        assert allowed.status_code == 200
    finally:
        app.extensions[EXTENSION_KEY].close()
