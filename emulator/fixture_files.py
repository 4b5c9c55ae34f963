"""Read the YAML fixture files (a user's folder first, the shipped file otherwise) and a --chaos
file, check them against their schemas, and build the domain's accounts, outcome rules, handset
scripts, keywords, pinned lookups, dedicated number pool and fault injection rules."""

from __future__ import annotations

import functools
import re
from collections.abc import Hashable
from datetime import timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from marshmallow import Schema, ValidationError

from emulator.domain.accounts import Account, AccountDirectory, ApiKey, Features
from emulator.domain.dedicated_numbers import DedicatedNumber, NumberPool, pool_number_id
from emulator.domain.handsets import HandsetScript, HandsetScripts
from emulator.domain.keywords import Keywords
from emulator.domain.lookups import LookupDirectory, PinnedNumber
from emulator.domain.outcomes import OutcomeRule, OutcomeRules
from emulator.schemas.chaos_rules import ChaosRulesSchema
from emulator.schemas.fixtures import (
    AccountsFileSchema,
    HandsetsFileSchema,
    KeywordsFileSchema,
    LookupsFileSchema,
    OutcomesFileSchema,
)
from emulator.schemas.number_pool import NumberPoolFileSchema
from emulator.schemas.validation import flatten_errors

SHIPPED = "emulator.default_fixtures"
ACCOUNTS_FILE = "accounts.yaml"
OUTCOMES_FILE = "outcomes.yaml"
HANDSETS_FILE = "handsets.yaml"
KEYWORDS_FILE = "keywords.yaml"
LOOKUPS_FILE = "lookups.yaml"
NUMBER_POOL_FILE = "dedicated_numbers.yaml"

_BOOL_TAG = "tag:yaml.org,2002:bool"
_MERGE_TAG = "tag:yaml.org,2002:merge"

_accounts_file = AccountsFileSchema()
_outcomes_file = OutcomesFileSchema()
_handsets_file = HandsetsFileSchema()
_keywords_file = KeywordsFileSchema()
_lookups_file = LookupsFileSchema()
_number_pool_file = NumberPoolFileSchema()
_chaos_file = ChaosRulesSchema()


class FixtureError(ValueError):
    """Fixtures that cannot be used: one line per problem, naming the file, entry and key."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


class FixtureLoader(yaml.SafeLoader):
    """A SafeLoader that notes every key given twice in a mapping (PyYAML keeps the last one
    silently) and, as YAML 1.2 does, reads only true and false as booleans: `yes`, `no`, `on` and
    `off` stay text, so a boolean written `yes` is refused rather than read as true."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicate_keys: list[str] = []

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        first_lines: dict[Hashable, int] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE_TAG:
                continue
            key = self.construct_object(key_node)
            line = key_node.start_mark.line + 1
            if key in first_lines:
                self.duplicate_keys.append(
                    f'line {line}: duplicate key "{key}" (first on line {first_lines[key]}).'
                )
            first_lines.setdefault(key, line)
        return super().construct_mapping(node, deep)


FixtureLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != _BOOL_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
FixtureLoader.add_implicit_resolver(
    _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def read_fixture(directory: str | None, filename: str) -> tuple[str, Any]:
    """The name to report and the parsed YAML of `directory/filename`, or of the shipped file of
    that name when there is no directory or it lacks the file."""
    path = _fixtures_folder(directory) / filename if directory is not None else None
    if path is not None and path.exists():
        return str(path), parse_yaml(_text_of(path), str(path))
    return filename, _shipped(filename)


@functools.cache
def _shipped(filename: str) -> Any:
    """The parsed shipped file, read once per process: every app reads the fixtures as it starts,
    and what reads them (schemas loading into new objects) never changes them."""
    text = resources.files(SHIPPED).joinpath(filename).read_text(encoding="utf-8")
    return parse_yaml(text, filename)


def _text_of(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise FixtureError([f"{path}: not UTF-8 text."]) from None
    except OSError as error:
        raise FixtureError([f"{path}: cannot be read: {error.strerror}."]) from None


def _fixtures_folder(directory: str) -> Path:
    folder = Path(directory)
    if not folder.exists():
        raise FixtureError([f"fixtures folder {directory} does not exist"])
    if not folder.is_dir():
        raise FixtureError([f"fixtures folder {directory} is not a folder"])
    return folder


def parse_yaml(text: str, source: str) -> Any:
    """The document in `text`; FixtureError naming `source` and the line for broken YAML or a
    key given twice in a mapping."""
    loader = FixtureLoader(text)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = error.problem or error.context
        raise FixtureError([f"{source}: {where}{problem}."]) from None
    except yaml.YAMLError as error:
        raise FixtureError([f"{source}: {' '.join(str(error).split())}"]) from None
    finally:
        loader.dispose()
    if loader.duplicate_keys:
        raise FixtureError([f"{source}: {problem}" for problem in loader.duplicate_keys])
    return data


def check_fixtures(directory: str | None, chaos: str | None = None) -> None:
    """Read and check every fixture file and the --chaos file: FixtureError with the problems of
    every one."""
    if directory is not None:
        _fixtures_folder(directory)
    lines = []
    loads = (
        load_accounts,
        load_outcome_rules,
        load_handset_scripts,
        load_keywords,
        load_lookups,
        load_number_pool,
    )
    for load in loads:
        try:
            load(directory)
        except FixtureError as error:
            lines.extend(error.lines)
    try:
        load_chaos_rules(chaos)
    except FixtureError as error:
        lines.extend(error.lines)
    if lines:
        raise FixtureError(lines)


def load_accounts(directory: str | None) -> AccountDirectory:
    source, data = read_fixture(directory, ACCOUNTS_FILE)
    return accounts_from_data(data, source)


def load_outcome_rules(directory: str | None) -> OutcomeRules:
    source, data = read_fixture(directory, OUTCOMES_FILE)
    return outcome_rules_from_data(data, source)


def load_handset_scripts(directory: str | None) -> HandsetScripts:
    source, data = read_fixture(directory, HANDSETS_FILE)
    return handset_scripts_from_data(data, source)


def load_keywords(directory: str | None) -> Keywords:
    source, data = read_fixture(directory, KEYWORDS_FILE)
    document = _validated(_keywords_file, data, source)
    return Keywords.of(document["opt_out"], document["opt_in"])


def load_lookups(directory: str | None) -> LookupDirectory:
    source, data = read_fixture(directory, LOOKUPS_FILE)
    return lookups_from_data(data, source)


def load_number_pool(directory: str | None) -> NumberPool:
    source, data = read_fixture(directory, NUMBER_POOL_FILE)
    return number_pool_from_data(data, source)


def load_chaos_rules(path: str | None) -> list[dict[str, Any]]:
    """The fault injection rules of a --chaos file, validated; none without a file."""
    if path is None:
        return []
    file = Path(path)
    if not file.is_file():
        raise FixtureError([f"chaos file {path} does not exist"])
    document = _validated(_chaos_file, parse_yaml(_text_of(file), path), path)
    rules: list[dict[str, Any]] = document["rules"]
    return rules


def _validated(schema: Schema, data: Any, source: str) -> dict[str, Any]:
    """`data` loaded through `schema`, or FixtureError with one line per problem."""
    try:
        document: dict[str, Any] = schema.load({} if data is None else data)
        return document
    except ValidationError as error:
        lines = flatten_errors(error.messages)
        raise FixtureError([f"{source}: {line}" for line in lines]) from None


def accounts_from_data(data: Any, source: str = ACCOUNTS_FILE) -> AccountDirectory:
    """The directory of the parsed accounts document."""
    document = _validated(_accounts_file, data, source)
    accounts: list[Account] = []
    api_keys: list[ApiKey] = []
    for entry in document["accounts"]:
        subs = entry["sub_accounts"]
        parent = _account(entry, sub_account_ids=tuple(sub["id"] for sub in subs))
        accounts.append(parent)
        accounts.extend(_account(sub, parent) for sub in subs)
        api_keys.extend(ApiKey(key["key"], key["secret"], parent.id) for key in entry["api_keys"])
    return AccountDirectory(accounts, api_keys)


def _account(
    entry: dict[str, Any], parent: Account | None = None, sub_account_ids: tuple[str, ...] = ()
) -> Account:
    """An account; a sub-account without numbers or alpha tags of its own uses its parent's."""
    inherited = parent or Account("")
    return Account(
        entry["id"],
        parent_id=parent.id if parent else None,
        sub_account_ids=sub_account_ids,
        numbers=tuple(entry.get("numbers", inherited.numbers)),
        alpha_tags=tuple(entry.get("alpha_tags", inherited.alpha_tags)),
        features=Features().changed(entry["features"]),
    )


def outcome_rules_from_data(data: Any, source: str = OUTCOMES_FILE) -> OutcomeRules:
    """The rules of the parsed outcomes document, in their order."""
    document = _validated(_outcomes_file, data, source)
    return OutcomeRules(
        [
            OutcomeRule(
                name=entry.get("name", f"rule {index}"),
                destination=entry.get("destination"),
                destination_prefix=entry.get("destination_prefix"),
                content=entry.get("content"),
                error_code=entry.get("error_code"),
                error_code_from_suffix=entry["error_code_from_suffix"],
                delays=entry.get("delays"),
            )
            for index, entry in enumerate(document["rules"] or [])
        ]
    )


def handset_scripts_from_data(data: Any, source: str = HANDSETS_FILE) -> HandsetScripts:
    """The scripts of the parsed handsets document, in their order."""
    document = _validated(_handsets_file, data, source)
    return HandsetScripts(
        [
            HandsetScript(
                name=entry.get("name", f"script {index}"),
                reply=entry["reply"],
                after=timedelta(seconds=entry["after_seconds"]),
                destination=entry.get("destination"),
                content=entry.get("content"),
            )
            for index, entry in enumerate(document["scripts"] or [])
        ]
    )


def lookups_from_data(data: Any, source: str = LOOKUPS_FILE) -> LookupDirectory:
    """The lookup directory of the parsed lookups document: its pinned numbers."""
    document = _validated(_lookups_file, data, source)
    return LookupDirectory(
        PinnedNumber(
            number=entry["number"],
            found=entry["found"],
            type=entry.get("type"),
            carrier_pinned="carrier" in entry,
            carrier_name=entry.get("carrier"),
        )
        for entry in document["numbers"] or []
    )


def number_pool_from_data(data: Any, source: str = NUMBER_POOL_FILE) -> NumberPool:
    """The dedicated number pool of the parsed dedicated_numbers.yaml, in its order."""
    document = _validated(_number_pool_file, data, source)
    return NumberPool(
        DedicatedNumber(
            id=pool_number_id(entry["phone_number"]),
            phone_number=entry["phone_number"],
            country=entry["country"],
            type=entry["type"],
            classification=entry["classification"],
            capabilities=tuple(dict.fromkeys(entry["capabilities"])),
            available_after=entry["available_after"],
        )
        for entry in document["numbers"] or []
    )
