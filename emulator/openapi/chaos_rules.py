"""The fault injection operations of the document: /_emulator/chaos."""

from __future__ import annotations

from emulator.openapi.operations import BAD_REQUEST, NOT_FOUND, Operation
from emulator.schemas import chaos_rules

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

CHAOS_OPERATIONS = [
    Operation(
        "get",
        "/_emulator/chaos",
        "ListChaosRules",
        "The rules in force, in the order they are tried, with their counters",
        TAG,
        {200: ("The rules", chaos_rules.ChaosRuleViewsSchema)},
    ),
    Operation(
        "put",
        "/_emulator/chaos",
        "ReplaceChaosRules",
        "Put these rules in place of all others, with fresh counters",
        TAG,
        {200: ("The rules", chaos_rules.ChaosRuleViewsSchema)} | BAD_REQUEST,
        body=chaos_rules.ChaosRulesSchema,
        example=RULES_EXAMPLE,
    ),
    Operation(
        "post",
        "/_emulator/chaos",
        "AddChaosRules",
        "Add rules after those in force",
        TAG,
        {201: ("The rules added, with their IDs", chaos_rules.ChaosRuleViewsSchema)} | BAD_REQUEST,
        body=chaos_rules.ChaosRulesSchema,
        example=RULES_EXAMPLE,
    ),
    Operation(
        "delete",
        "/_emulator/chaos",
        "ClearChaosRules",
        "Remove every rule",
        TAG,
        {200: ("No rules", chaos_rules.ChaosRuleViewsSchema)},
    ),
    Operation(
        "delete",
        "/_emulator/chaos/{rule_id}",
        "RemoveChaosRule",
        "Remove one rule",
        TAG,
        {204: ("Removed", None)} | NOT_FOUND,
    ),
]
