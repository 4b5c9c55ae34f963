"""/_emulator/chaos: the fault injection rules in force, listed, added, replaced and removed."""

from __future__ import annotations

from flask.typing import ResponseReturnValue
from flask_smorest.blueprint import Blueprint

from emulator.openapi.operations import BAD_REQUEST, NOT_FOUND, operation
from emulator.schemas.chaos_rules import (
    ChaosRuleChangeSchema,
    ChaosRulesSchema,
    ChaosRuleViewSchema,
    ChaosRuleViewsSchema,
)
from emulator.schemas.validation import load_or_reject
from emulator.web.admin_guard import check_control_request
from emulator.web.requests import current_emulator, json_body, respond

chaos = Blueprint("chaos", __name__, url_prefix="/_emulator")

_rules_request = ChaosRulesSchema()
_rules = ChaosRuleViewsSchema()
_rule = ChaosRuleViewSchema()
_rule_change = ChaosRuleChangeSchema()
TAG = "Fault injection"
RULES_EXAMPLE = {
    "rules": [
        {
            "name": "slow status reads",
            "method": "GET",
            "path": "/v1/messages/*",
            "fault": {"latency_seconds": [0.1, 0.3]},
        }
    ]
}


@chaos.before_request
def guard() -> None:
    settings = current_emulator().settings
    check_control_request(settings.admin_token, settings.served_host_names)


@chaos.get("/chaos")
@operation(
    "ListChaosRules",
    "The rules in force, in the order they are tried, with their counters",
    TAG,
    {200: ("The rules", ChaosRuleViewsSchema)},
)
def list_chaos_rules() -> ResponseReturnValue:
    return respond(_rules, {"rules": current_emulator().chaos.rules()})


@chaos.put("/chaos")
@operation(
    "ReplaceChaosRules",
    "Put these rules in place of all others, with fresh counters",
    TAG,
    {200: ("The rules", ChaosRuleViewsSchema)} | BAD_REQUEST,
    body=ChaosRulesSchema,
    example=RULES_EXAMPLE,
)
def replace_chaos_rules() -> ResponseReturnValue:
    body = load_or_reject(_rules_request, json_body())
    return respond(_rules, {"rules": current_emulator().chaos.replace(body["rules"])})


@chaos.post("/chaos")
@operation(
    "AddChaosRules",
    "Add rules after those in force",
    TAG,
    {201: ("The rules added, with their IDs", ChaosRuleViewsSchema)} | BAD_REQUEST,
    body=ChaosRulesSchema,
    example=RULES_EXAMPLE,
)
def add_chaos_rules() -> ResponseReturnValue:
    body = load_or_reject(_rules_request, json_body())
    return respond(_rules, {"rules": current_emulator().chaos.add(body["rules"])}, 201)


@chaos.delete("/chaos")
@operation("ClearChaosRules", "Remove every rule", TAG, {200: ("No rules", ChaosRuleViewsSchema)})
def clear_chaos_rules() -> ResponseReturnValue:
    current_emulator().chaos.clear()
    return respond(_rules, {"rules": []})


@chaos.patch("/chaos/<rule_id>")
@operation(
    "SwitchChaosRule",
    "Switch a rule off (it keeps its place and counters but matches nothing) or on again",
    TAG,
    {200: ("The rule", ChaosRuleViewSchema)} | BAD_REQUEST | NOT_FOUND,
    body=ChaosRuleChangeSchema,
    example={"enabled": False},
)
def switch_chaos_rule(rule_id: str) -> ResponseReturnValue:
    body = load_or_reject(_rule_change, json_body())
    return respond(_rule, current_emulator().chaos.switch(rule_id, body["enabled"]))


@chaos.delete("/chaos/<rule_id>")
@operation("RemoveChaosRule", "Remove one rule", TAG, {204: ("Removed", None)} | NOT_FOUND)
def remove_chaos_rule(rule_id: str) -> ResponseReturnValue:
    current_emulator().chaos.remove(rule_id)
    return "", 204
