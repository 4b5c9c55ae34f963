"""Read the YAML fixture files (a user's folder first, the shipped file otherwise) into the
domain's accounts, outcome rules and handset scripts."""

from __future__ import annotations

import re
from datetime import timedelta
from importlib import resources
from pathlib import Path

import yaml

from emulator.domain.accounts import Account, AccountDirectory, ApiKey, Features
from emulator.domain.error_codes import is_final_code
from emulator.domain.handsets import HandsetScript, HandsetScripts
from emulator.domain.outcomes import OutcomeRule, OutcomeRules

SHIPPED = "emulator.default_fixtures"
ACCOUNTS_FILE = "accounts.yaml"
OUTCOMES_FILE = "outcomes.yaml"
HANDSETS_FILE = "handsets.yaml"


def load_fixture(directory: str | None, filename: str) -> dict:
    """`directory/filename` when it exists, else the shipped file of that name; parsed YAML."""
    path = Path(directory) / filename if directory else None
    if path is not None and path.exists():
        text = path.read_text(encoding="utf-8")
    else:
        text = resources.files(SHIPPED).joinpath(filename).read_text(encoding="utf-8")
    return yaml.safe_load(text) or {}


def load_accounts(directory: str | None) -> AccountDirectory:
    return accounts_from_data(load_fixture(directory, ACCOUNTS_FILE))


def load_outcome_rules(directory: str | None) -> OutcomeRules:
    return outcome_rules_from_data(load_fixture(directory, OUTCOMES_FILE))


def load_handset_scripts(directory: str | None) -> HandsetScripts:
    return handset_scripts_from_data(load_fixture(directory, HANDSETS_FILE))


def accounts_from_data(data: dict) -> AccountDirectory:
    """The directory of the parsed accounts document."""
    accounts: list[Account] = []
    api_keys: list[ApiKey] = []
    for entry in data.get("accounts", []):
        parent = _account(entry)
        subs = [_sub_account(sub, parent) for sub in entry.get("sub_accounts", [])]
        parent = Account(
            parent.id,
            sub_account_ids=tuple(sub.id for sub in subs),
            numbers=parent.numbers,
            alpha_tags=parent.alpha_tags,
            features=parent.features,
        )
        accounts.extend([parent, *subs])
        api_keys.extend(
            ApiKey(str(pair["key"]), str(pair["secret"]), parent.id)
            for pair in entry.get("api_keys", [])
        )
    return AccountDirectory(accounts, api_keys)


def _account(entry: dict, parent: Account | None = None) -> Account:
    inherited = parent or Account("")
    return Account(
        str(entry["id"]),
        parent_id=parent.id if parent else None,
        numbers=tuple(str(n) for n in entry.get("numbers", inherited.numbers)),
        alpha_tags=tuple(str(t) for t in entry.get("alpha_tags", inherited.alpha_tags)),
        features=Features().changed(dict(entry.get("features") or {})),
    )


def _sub_account(entry: str | dict, parent: Account) -> Account:
    """A sub-account is an ID, or a mapping like an account's; numbers default to the parent's."""
    return _account({"id": entry} if isinstance(entry, str) else entry, parent)


def outcome_rules_from_data(data: dict) -> OutcomeRules:
    rules = []
    for index, entry in enumerate(data.get("rules", [])):
        code = entry.get("error_code")
        if code is not None and not is_final_code(str(code)):
            raise ValueError(f"outcome rule {index}: {code} is not a final error code")
        rules.append(
            OutcomeRule(
                name=str(entry.get("name", f"rule {index}")),
                destination=entry.get("destination"),
                destination_prefix=entry.get("destination_prefix"),
                content=re.compile(entry["content"]) if entry.get("content") else None,
                error_code=str(code) if code is not None else None,
                error_code_from_suffix=bool(entry.get("error_code_from_suffix", False)),
                delays=entry.get("delays"),
            )
        )
    return OutcomeRules(rules)


def handset_scripts_from_data(data: dict) -> HandsetScripts:
    return HandsetScripts(
        [
            HandsetScript(
                name=str(entry.get("name", f"script {index}")),
                reply=str(entry["reply"]),
                after=timedelta(seconds=float(entry.get("after_seconds", 0))),
                destination=entry.get("destination"),
                content=re.compile(entry["content"]) if entry.get("content") else None,
            )
            for index, entry in enumerate(data.get("scripts", []))
        ]
    )
