"""Fixture files are checked when they are read: each mistake is one line naming the file, the
entry and the key, and nothing of a refused file is used."""

from __future__ import annotations

import json

import pytest

from emulator.fixture_files import (
    FixtureError,
    check_fixtures,
    load_accounts,
    load_handset_scripts,
    load_keywords,
    load_lookups,
    load_outcome_rules,
)
from emulator.schemas.validation import INVALID_REQUEST

NOT_A_REGEX = "Not a valid regular expression:"
LOADERS = {
    "accounts.yaml": load_accounts,
    "outcomes.yaml": load_outcome_rules,
    "handsets.yaml": load_handset_scripts,
    "keywords.yaml": load_keywords,
    "lookups.yaml": load_lookups,
}


def problems(folder, filename: str, text: str) -> list[str]:
    """The lines of the FixtureError that `filename` holding `text` raises, without its path."""
    (folder / filename).write_text(text, encoding="utf-8")
    with pytest.raises(FixtureError) as refused:
        LOADERS[filename](str(folder))
    prefix = f"{folder / filename}: "
    assert all(line.startswith(prefix) for line in refused.value.lines), refused.value.lines
    return [line.removeprefix(prefix) for line in refused.value.lines]


# Each mistake: the file, its text, and the lines it is refused with as (where, problem).
REFUSED = {
    "misspelt key": (
        "outcomes.yaml",
        'rules:\n  - destinaton: "+61400000001"\n    error_code: 411\n',
        [("rules[0].destinaton", "Unknown field.")],
    ),
    "yes for a boolean": (
        "accounts.yaml",
        "accounts:\n  - id: A\n  - id: B\n    features: {deduplication: yes}\n",
        [("accounts[1].features.deduplication", "Not a valid boolean.")],
    ),
    "quoted true for a boolean": (
        "outcomes.yaml",
        'rules:\n  - destination_prefix: "+61400000"\n    error_code_from_suffix: "true"\n',
        [("rules[0].error_code_from_suffix", "Not a valid boolean.")],
    ),
    "string for a number": (
        "handsets.yaml",
        'scripts:\n  - reply: "hi"\n    after_seconds: "5"\n',
        [("scripts[0].after_seconds", "Not a valid number.")],
    ),
    "string for a delay": (
        "outcomes.yaml",
        'rules:\n  - destination: "+61400001000"\n    delays: {queued: "30", later: 1}\n',
        [
            ("rules[0].delays.queued", "Not a valid number."),
            ("rules[0].delays.later", "Unknown field."),
        ],
    ),
    "negative seconds": (
        "handsets.yaml",
        'scripts:\n  - reply: "hi"\n    after_seconds: -1\n',
        [("scripts[0].after_seconds", "Must be greater than or equal to 0.")],
    ),
    "bad regular expression": (
        "outcomes.yaml",
        'rules:\n  - content: "(urgent"\n    error_code: 302\n',
        [("rules[0].content", f"{NOT_A_REGEX} missing ), unterminated subpattern at position 0.")],
    ),
    "bad regular expression in a script": (
        "handsets.yaml",
        'scripts:\n  - content: "[yes"\n    reply: "ok"\n',
        [("scripts[0].content", f"{NOT_A_REGEX} unterminated character set at position 0.")],
    ),
    "unknown error code": (
        "outcomes.yaml",
        'rules:\n  - destination: "+61400000001"\n    error_code: 999\n',
        [("rules[0].error_code", "Unknown error code 999.")],
    ),
    "error code that does not end a message": (
        "outcomes.yaml",
        'rules:\n  - destination: "+61400000001"\n    error_code: "200"\n',
        [("rules[0].error_code", "200 is not a final error code (it means submitted).")],
    ),
    "error code and error code from suffix": (
        "outcomes.yaml",
        'rules:\n  - destination_prefix: "+614"\n    error_code: 411\n'
        "    error_code_from_suffix: true\n",
        [("rules[0].error_code_from_suffix", "Cannot be true along with error_code.")],
    ),
    "error code from suffix without a prefix": (
        "outcomes.yaml",
        "rules:\n  - error_code_from_suffix: true\n",
        [
            (
                "rules[0].error_code_from_suffix",
                "Needs destination_prefix: the digits after it are the code.",
            )
        ],
    ),
    "prefix that is not the start of a number": (
        "outcomes.yaml",
        'rules:\n  - destination_prefix: "61400"\n    error_code: 411\n',
        [("rules[0].destination_prefix", "Must be + followed by up to 15 digits.")],
    ),
    "unknown time zone": (
        "accounts.yaml",
        "accounts:\n  - id: A\n    features: {social_sending: true, timezone: Mars/Olympus}\n",
        [("accounts[0].features.timezone", "Not a known IANA time zone.")],
    ),
    "number that is not E.164": (
        "accounts.yaml",
        'accounts:\n  - id: A\n    numbers: ["+61491570157", "0491570158"]\n',
        [
            (
                "accounts[0].numbers[1]",
                "Not a valid E.164 number: expected + followed by up to 15 digits.",
            )
        ],
    ),
    "number that cannot exist": (
        "handsets.yaml",
        'scripts:\n  - destination: "+6140"\n    reply: "hi"\n',
        [("scripts[0].destination", "Not a possible phone number.")],
    ),
    "unquoted number, read by YAML as an integer": (
        "outcomes.yaml",
        "rules:\n  - destination: +61400000001\n",
        [("rules[0].destination", 'Not a valid string: quote it, as in "+61491570157".')],
    ),
    "same account ID twice": (
        "accounts.yaml",
        "accounts:\n  - id: A\n    sub_accounts: [B]\n  - id: B\n",
        [("accounts[1].id", 'Duplicate account ID "B" (first at accounts[0].sub_accounts[0].id).')],
    ),
    "same API key twice": (
        "accounts.yaml",
        "accounts:\n  - id: A\n    api_keys: [{key: k, secret: s1}]\n"
        "  - id: B\n    api_keys: [{key: k, secret: s2}]\n",
        [
            (
                "accounts[1].api_keys[0].key",
                'Duplicate API key "k" (first at accounts[0].api_keys[0].key).',
            )
        ],
    ),
    "same number twice in one account": (
        "accounts.yaml",
        "accounts:\n  - id: A\n    sub_accounts:\n"
        '      - id: A1\n        numbers: ["+61491570160", "+61491570161", "+61491570160"]\n',
        [
            (
                "accounts[0].sub_accounts[0].numbers[2]",
                'Duplicate number "+61491570160" (first at numbers[0]).',
            )
        ],
    ),
    "missing account ID": (
        "accounts.yaml",
        "accounts:\n  - numbers: []\n",
        [("accounts[0].id", "Missing data for required field.")],
    ),
    "missing secret": (
        "accounts.yaml",
        "accounts:\n  - id: A\n    api_keys: [{key: k}]\n",
        [("accounts[0].api_keys[0].secret", "Missing data for required field.")],
    ),
    "missing reply": (
        "handsets.yaml",
        'scripts:\n  - content: "hello"\n',
        [("scripts[0].reply", "Missing data for required field.")],
    ),
    "no accounts at all": ("accounts.yaml", "", [("accounts", "Missing data for required field.")]),
    "keys a sub-account cannot have": (
        "accounts.yaml",
        "accounts:\n  - id: A\n    sub_accounts:\n      - id: A1\n        api_keys: []\n",
        [("accounts[0].sub_accounts[0].api_keys", "Unknown field.")],
    ),
    "a list where a mapping belongs": (
        "outcomes.yaml",
        "- destination_prefix: '+614'\n",
        [("Not a valid mapping type.",)],
    ),
    "same key twice in a mapping": (
        "accounts.yaml",
        "accounts:\n  - id: A\n    numbers: []\n    id: B\n"
        "    features:\n      deduplication: true\n      deduplication: false\n",
        [
            ("line 4", 'duplicate key "id" (first on line 2).'),
            ("line 7", 'duplicate key "deduplication" (first on line 6).'),
        ],
    ),
    "no opt-out keyword": (
        "keywords.yaml",
        "opt_out: []\nopt_in: [START]\n",
        [("opt_out", "Shorter than minimum length 1.")],
    ),
    "a keyword of two words": (
        "keywords.yaml",
        "opt_out: [STOP, STOP NOW]\n",
        [("opt_out[1]", "Must be one word of letters and digits.")],
    ),
    "a keyword in both lists": (
        "keywords.yaml",
        "opt_out: [STOP]\nopt_in: [Stop]\n",
        [("opt_in[0]", 'Duplicate keyword "STOP" (first at opt_out[0]).')],
    ),
    "a number for a keyword": (
        "keywords.yaml",
        "opt_out: [STOP, 1]\n",
        [("opt_out[1]", "Not a valid string.")],
    ),
    "a lookup number YAML reads as an integer": (
        "lookups.yaml",
        "numbers:\n  - number: +61255501234\n",
        [("numbers[0].number", 'Not a valid string: quote it, as in "+61491570157".')],
    ),
    "a lookup type the API does not answer": (
        "lookups.yaml",
        'numbers:\n  - number: "+61255501234"\n    type: voip\n',
        [("numbers[0].type", "Must be one of: mobile, landline.")],
    ),
    "a number not found with a carrier": (
        "lookups.yaml",
        'numbers:\n  - number: "+61400005000"\n    found: false\n    carrier: Telstra\n',
        [("numbers[0].found", "Cannot be false along with carrier.")],
    ),
    "a number pinned twice": (
        "lookups.yaml",
        'numbers:\n  - number: "+61255501234"\n  - number: "+61255501234"\n    found: false\n',
        [("numbers[1].number", 'Duplicate number "+61255501234" (first at numbers[0].number).')],
    ),
    "an empty carrier name": (
        "lookups.yaml",
        'numbers:\n  - number: "+61255501234"\n    carrier: ""\n',
        [("numbers[0].carrier", "Length must be between 1 and 100.")],
    ),
    "broken YAML": (
        "handsets.yaml",
        'scripts:\n  - reply: "hi"\n   after_seconds: 5\n',
        [("line 3, column 4", "expected <block end>, but found '<block mapping start>'.")],
    ),
}


@pytest.mark.parametrize(("filename", "text", "expected"), REFUSED.values(), ids=REFUSED.keys())
def test_each_mistake_is_one_line_naming_file_entry_and_key(tmp_path, filename, text, expected):
    assert problems(tmp_path, filename, text) == [": ".join(parts) for parts in expected]


def test_every_problem_of_every_file_is_reported_at_once(tmp_path):
    (tmp_path / "accounts.yaml").write_text("accounts:\n  - id: A\n    colour: red\n")
    (tmp_path / "outcomes.yaml").write_text("rules:\n  - error_code: 999\n  - content: '('\n")
    with pytest.raises(FixtureError) as refused:
        check_fixtures(str(tmp_path))
    assert [line.removeprefix(f"{tmp_path}/") for line in refused.value.lines] == [
        "accounts.yaml: accounts[0].colour: Unknown field.",
        "outcomes.yaml: rules[0].error_code: Unknown error code 999.",
        "outcomes.yaml: rules[1].content: Not a valid regular expression:"
        " missing ), unterminated subpattern at position 0.",
    ]


def test_a_fixtures_folder_that_does_not_exist_is_refused(tmp_path):
    missing = tmp_path / "missing"
    with pytest.raises(FixtureError) as refused:
        check_fixtures(str(missing))
    assert refused.value.lines == [f"fixtures folder {missing} does not exist"]
    (tmp_path / "file").write_text("")
    with pytest.raises(FixtureError) as refused:
        load_accounts(str(tmp_path / "file"))
    assert refused.value.lines == [f"fixtures folder {tmp_path / 'file'} is not a folder"]


def test_shipped_fixtures_load_cleanly():
    check_fixtures(None)
    directory = load_accounts(None)
    assert [account.id for account in directory.accounts] == [
        "DemoAccount",
        "DemoSubAccount1",
        "DemoSubAccount2",
        "OtherAccount",
    ]
    assert directory.account("DemoSubAccount1").numbers == directory.account("DemoAccount").numbers
    assert load_outcome_rules(None).outcome_for("+61400000411", "hi").error_code == "411"
    assert [script.reply for script in load_handset_scripts(None).scripts] == ["YES", "STOP"]
    keywords = load_keywords(None)
    assert sorted(keywords.opt_out) == ["CANCEL", "END", "QUIT", "STOP", "STOPALL", "UNSUBSCRIBE"]
    assert keywords.opt_in == {"START"}


def test_a_file_the_folder_lacks_is_the_shipped_one(tmp_path):
    (tmp_path / "outcomes.yaml").write_text("rules: []\n")
    check_fixtures(str(tmp_path))
    assert load_accounts(str(tmp_path)).api_key("demo_api_key") is not None
    assert load_outcome_rules(str(tmp_path)).outcome_for("+61400000411", "hi").status == "delivered"


def test_a_number_may_belong_to_two_accounts_and_the_first_owns_it(tmp_path):
    (tmp_path / "accounts.yaml").write_text(
        'accounts:\n  - id: A\n    numbers: ["+61491570157"]\n'
        '  - id: B\n    numbers: ["+61491570157"]\n'
    )
    assert load_accounts(str(tmp_path)).owner_of_number("+61491570157") == "A"


def test_yes_and_no_stay_text_where_text_is_expected(tmp_path):
    (tmp_path / "handsets.yaml").write_text("scripts:\n  - reply: YES\n  - reply: no\n")
    assert [script.reply for script in load_handset_scripts(str(tmp_path)).scripts] == ["YES", "no"]


def test_a_valid_rule_is_read_as_written(tmp_path):
    (tmp_path / "outcomes.yaml").write_text(
        "rules:\n"
        '  - destination_prefix: "+6140000"\n'
        '    content: "(?i)urgent"\n'
        "    error_code: 302\n"
        "    delays: {queued: 0, enroute: 0.5}\n"
    )
    [rule] = load_outcome_rules(str(tmp_path)).rules
    assert (rule.destination_prefix, rule.error_code, rule.delays) == (
        "+6140000",
        "302",
        {"queued": 0, "enroute": 0.5},
    )
    assert rule.content.search("URGENT: call")


BAD_FEATURES = [
    {"deduplication": "yes"},
    {"social_sending": 1},
    {"timezone": "Mars/Olympus"},
    {"timezone": 10},
    {"unregistered_source": "drop"},
    {"signature_keys": 1},
    {"teleport": True},
]


@pytest.mark.parametrize("features", BAD_FEATURES, ids=lambda features: next(iter(features)))
def test_patch_and_accounts_yaml_refuse_a_feature_alike(client, tmp_path, features):
    response = client.patch("/_emulator/accounts/DemoAccount", json={"features": features})
    assert response.status_code == 400
    assert response.json["message"] == INVALID_REQUEST
    [detail] = response.json["details"]
    # JSON is YAML: the file holds exactly the value the request sent.
    text = f"accounts:\n  - id: A\n    features: {json.dumps(features)}\n"
    assert problems(tmp_path, "accounts.yaml", text) == [f"accounts[0].{detail}"]
