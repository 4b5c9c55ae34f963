"""/_emulator/chaos: the fault injection rules in force, listed, added, replaced and removed."""

from __future__ import annotations

from flask import Blueprint

from emulator.schemas.chaos_rules import ChaosRulesSchema, ChaosRuleViewsSchema
from emulator.schemas.validation import load_or_reject
from emulator.web.admin_guard import check_control_request
from emulator.web.requests import current_emulator, json_body, respond

chaos = Blueprint("chaos", __name__, url_prefix="/_emulator")

_rules_request = ChaosRulesSchema()
_rules = ChaosRuleViewsSchema()


@chaos.before_request
def guard() -> None:
    settings = current_emulator().settings
    check_control_request(settings.admin_token, settings.served_host_names)


@chaos.get("/chaos")
def list_chaos_rules():
    """Every rule in force, in the order they are tried, with their counters."""
    return respond(_rules, {"rules": current_emulator().chaos.rules()})


@chaos.put("/chaos")
def replace_chaos_rules():
    body = load_or_reject(_rules_request, json_body())
    return respond(_rules, {"rules": current_emulator().chaos.replace(body["rules"])})


@chaos.post("/chaos")
def add_chaos_rules():
    body = load_or_reject(_rules_request, json_body())
    return respond(_rules, {"rules": current_emulator().chaos.add(body["rules"])}, 201)


@chaos.delete("/chaos")
def clear_chaos_rules():
    current_emulator().chaos.clear()
    return respond(_rules, {"rules": []})


@chaos.delete("/chaos/<rule_id>")
def remove_chaos_rule(rule_id: str):
    current_emulator().chaos.remove(rule_id)
    return "", 204
