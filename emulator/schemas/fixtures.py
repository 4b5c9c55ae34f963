"""Shapes of the fixture files: accounts.yaml, outcomes.yaml, handsets.yaml, keywords.yaml and
lookups.yaml, strictly typed."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from emulator.domain.error_codes import STATUS_BY_CODE, is_final_code
from emulator.domain.lookups import NUMBER_TYPES
from emulator.schemas.control import FeatureChangesSchema
from emulator.schemas.fields import StrictBoolean, StrictNumber, StrictString, validate_e164

_NOT_EMPTY = validate.Length(min=1)


def _seconds(**kwargs: Any) -> StrictNumber:
    return StrictNumber(allow_nan=False, validate=validate.Range(min=0), **kwargs)


# Where a value sits in a file: keys and list indexes, as `("accounts", 0, "id")`.
Path = tuple[str | int, ...]


class _Entry(Schema):
    """A mapping of the fixture files; unknown keys are refused, as in a request."""

    error_messages = {"type": "Not a valid mapping type."}


class PhoneNumber(StrictString):
    """An E.164 number, which YAML reads as an integer unless it is quoted."""

    default_error_messages = {"invalid": 'Not a valid string: quote it, as in "+61491570157".'}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(validate=validate_e164, **kwargs)


class Regex(fields.Field[re.Pattern[str]]):
    """A regular expression, loaded compiled."""

    default_error_messages = {"invalid": "Not a valid string."}

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> re.Pattern[str]:
        if not isinstance(value, str):
            raise self.make_error("invalid")
        try:
            return re.compile(value)
        except re.error as error:
            raise ValidationError(f"Not a valid regular expression: {error}.") from None


class ErrorCode(fields.Field[Any]):
    """A final error code of the reference, as a number or a string (`411` or `"411"`)."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> str:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValidationError("Not a valid error code: expected a number such as 411.")
        code = str(value)
        if code not in STATUS_BY_CODE:
            raise ValidationError(f"Unknown error code {code}.")
        if not is_final_code(code):
            raise ValidationError(
                f"{code} is not a final error code (it means {STATUS_BY_CODE[code]})."
            )
        return code


class ApiKeySchema(_Entry):
    key = StrictString(required=True, validate=_NOT_EMPTY)
    secret = StrictString(required=True, validate=_NOT_EMPTY)


class SubAccountSchema(_Entry):
    """A sub-account given as a mapping; without `numbers` or `alpha_tags` it uses its parent's."""

    id = StrictString(required=True, validate=_NOT_EMPTY)
    numbers = fields.List(PhoneNumber())
    alpha_tags = fields.List(StrictString(validate=_NOT_EMPTY))
    # The body of PATCH /_emulator/accounts/{id} too, so a value is refused alike in both.
    features = fields.Nested(FeatureChangesSchema, load_default=dict)

    @validates("numbers")
    def _numbers_listed_once(self, numbers: list[str], **kwargs: Any) -> None:
        first: dict[str, int] = {}
        errors = {}
        for index, number in enumerate(numbers):
            if number in first:
                where = f"numbers[{first[number]}]"
                errors[index] = [f'Duplicate number "{number}" (first at {where}).']
            first.setdefault(number, index)
        if errors:
            raise ValidationError(errors)


class SubAccount(fields.Field[Any]):
    """A sub-account: its ID alone, or a mapping (see SubAccountSchema)."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> dict[str, Any]:
        if isinstance(value, str):
            value = {"id": value}
        elif not isinstance(value, dict):
            raise ValidationError("Not a valid sub-account: expected an ID or a mapping.")
        loaded: dict[str, Any] = SubAccountSchema().load(value)
        return loaded


class AccountSchema(SubAccountSchema):
    """An account with the keys that act for it and its sub-accounts."""

    api_keys = fields.List(fields.Nested(ApiKeySchema), load_default=list)
    sub_accounts = fields.List(SubAccount(), load_default=list)


class AccountsFileSchema(_Entry):
    """accounts.yaml. A number may belong to several accounts (the first listed owns it), but an
    account ID or an API key may appear only once in the whole file."""

    accounts = fields.List(fields.Nested(AccountSchema), required=True)

    @validates_schema
    def _ids_and_keys_listed_once(self, data: dict[str, Any], **kwargs: Any) -> None:
        ids: dict[str, Path] = {}
        keys: dict[str, Path] = {}
        errors: dict[str | int, Any] = {}
        for index, account in enumerate(data["accounts"]):
            _check_unique(account["id"], ("accounts", index, "id"), ids, "account ID", errors)
            for number, sub in enumerate(account["sub_accounts"]):
                path = ("accounts", index, "sub_accounts", number, "id")
                _check_unique(sub["id"], path, ids, "account ID", errors)
            for number, pair in enumerate(account["api_keys"]):
                path = ("accounts", index, "api_keys", number, "key")
                _check_unique(pair["key"], path, keys, "API key", errors)
        if errors:
            raise ValidationError(errors)


def _check_unique(
    value: str, path: Path, seen: dict[str, Path], what: str, errors: dict[str | int, Any]
) -> None:
    """Record `path` as where `value` first appears, or add an error at `path` if it did before."""
    if value in seen:
        node = errors
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = [f'Duplicate {what} "{value}" (first at {_dotted(seen[value])}).']
    seen.setdefault(value, path)


def _dotted(path: Path) -> str:
    """`("accounts", 0, "id")` as `accounts[0].id`."""
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path)[1:]


class DelaysSchema(_Entry):
    """Seconds a matching message spends in each step, overriding the server's settings."""

    queued = _seconds()
    enroute = _seconds()
    submitted = _seconds()


class OutcomeRuleSchema(_Entry):
    """A rule matches a destination (exact or by prefix) and optionally content; no key: any."""

    name = StrictString()
    destination = PhoneNumber()
    destination_prefix = StrictString(
        validate=validate.Regexp(r"^\+\d{0,15}$", error="Must be + followed by up to 15 digits.")
    )
    content = Regex()
    error_code = ErrorCode()
    error_code_from_suffix = StrictBoolean(load_default=False)
    delays = fields.Nested(DelaysSchema)

    @validates_schema
    def _one_source_of_code(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not data["error_code_from_suffix"]:
            return
        if "error_code" in data:
            raise ValidationError("Cannot be true along with error_code.", "error_code_from_suffix")
        if "destination_prefix" not in data:
            raise ValidationError(
                "Needs destination_prefix: the digits after it are the code.",
                "error_code_from_suffix",
            )


class OutcomesFileSchema(_Entry):
    """outcomes.yaml; no rules (or an empty `rules:`) delivers every message."""

    rules = fields.List(fields.Nested(OutcomeRuleSchema), load_default=list, allow_none=True)


class HandsetScriptSchema(_Entry):
    """A handset that replies to a delivered message matching its destination and content."""

    name = StrictString()
    destination = PhoneNumber()
    content = Regex()
    reply = StrictString(required=True, validate=validate.Length(min=1, max=5000))
    after_seconds = _seconds(load_default=0)


class HandsetsFileSchema(_Entry):
    """handsets.yaml; no scripts (or an empty `scripts:`) means no handset replies by itself."""

    scripts = fields.List(fields.Nested(HandsetScriptSchema), load_default=list, allow_none=True)


class Keyword(StrictString):
    """A word a handset sends alone: letters and digits, no spaces."""

    def __init__(self, **kwargs: Any) -> None:
        one_word = validate.Regexp(r"^\w{1,160}$", error="Must be one word of letters and digits.")
        super().__init__(validate=one_word, **kwargs)


class KeywordsFileSchema(_Entry):
    """keywords.yaml: the opt-out and opt-in words, each listed once (in any case) in all."""

    opt_out = fields.List(Keyword(), required=True, validate=_NOT_EMPTY)
    opt_in = fields.List(Keyword(), load_default=list)

    @validates_schema
    def _words_listed_once(self, data: dict[str, Any], **kwargs: Any) -> None:
        seen: dict[str, Path] = {}
        errors: dict[str | int, Any] = {}
        for key in ("opt_out", "opt_in"):
            for index, word in enumerate(data[key]):
                _check_unique(word.upper(), (key, index), seen, "keyword", errors)
        if errors:
            raise ValidationError(errors)


class PinnedNumberSchema(_Entry):
    """What a lookup of one number answers: `found: false` makes it a 404; otherwise `type` and
    `carrier` (a name, or null for no carrier known) replace the library's."""

    number = PhoneNumber(required=True)
    found = StrictBoolean(load_default=True)
    type = StrictString(validate=validate.OneOf(NUMBER_TYPES))
    carrier = StrictString(allow_none=True, validate=validate.Length(min=1, max=100))

    @validates_schema
    def _not_found_has_nothing_else(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not data["found"]:
            given = [key for key in ("type", "carrier") if key in data]
            if given:
                raise ValidationError(f"Cannot be false along with {' and '.join(given)}.", "found")


class LookupsFileSchema(_Entry):
    """lookups.yaml; no numbers (or an empty `numbers:`) answers every lookup from the library's
    data. A number is listed once."""

    numbers = fields.List(fields.Nested(PinnedNumberSchema), load_default=list, allow_none=True)

    @validates_schema
    def _numbers_listed_once(self, data: dict[str, Any], **kwargs: Any) -> None:
        seen: dict[str, Path] = {}
        errors: dict[str | int, Any] = {}
        for index, entry in enumerate(data["numbers"] or []):
            _check_unique(entry["number"], ("numbers", index, "number"), seen, "number", errors)
        if errors:
            raise ValidationError(errors)
