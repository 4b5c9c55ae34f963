"""Fault injection path patterns: `*` within a segment, `**` across segments, everything else
literal; and matching in time linear in the path, whatever pattern a client sends."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.domain.chaos_rules import path_matches

MESSAGE = "/v1/messages/0b5e2a44-9d7e-4c2f-8a0e-7f1d2c3b4a59"


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("/v1/messages/*", MESSAGE, True),
        ("/v1/messages/*", "/v1/messages", False),
        ("/v1/messages/*", f"{MESSAGE}/x", False),
        ("/v1/**", MESSAGE, True),
        ("/v1/**", "/v1/", True),
        ("/v1/**", "/v2/messages", False),
        ("/v1/*/x", "/v1/a/x", True),
        ("/v1/*/x", "/v1/a/b/x", False),
        ("/v1/**/x", "/v1/a/b/x", True),
        ("/**", "/", True),
        ("/v1/messages", "/v1/messages", True),
        ("/v1/messages", "/v1/messages/", False),
        # What a regex would read as syntax is literal.
        ("/v1/a.b", "/v1/axb", False),
        ("/v1/a+(b)[c]|{2}^$\\", "/v1/a+(b)[c]|{2}^$\\", True),
        ("/v1/(a|b)", "/v1/a", False),
        # Any text: non-ASCII, newlines, invalid UTF-16 in a pattern.
        ("/v1/é/*", "/v1/é/ü", True),
        ("/v1/*", "/v1/ü", True),
        ("/v1/**", "/v1/a\nb", True),
        ("/v1/*", "/v1/a\nb", True),
        ("/v1/\udfff", "/v1/x", False),
    ],
)
def test_patterns_match_as_documented(pattern, path, expected):
    assert path_matches(pattern, path) is expected


def _backtracking(pattern: str, path: str) -> bool:
    """The reference: the same translation, run by Python's own (backtracking) engine."""
    parts = re.split(r"(\*\*|\*)", pattern)
    wildcards = {"**": ".*", "*": "[^/]*"}
    translated = "".join(wildcards.get(part, re.escape(part)) for part in parts)
    return re.fullmatch(translated, path, re.DOTALL) is not None


ALPHABET = st.sampled_from(["/", "a", "b", "é", "*", ".", "\n"])


@settings(max_examples=300, deadline=None)
@given(st.text(ALPHABET, max_size=12), st.text(ALPHABET.filter(lambda c: c != "*"), max_size=12))
def test_matching_agrees_with_a_backtracking_engine_on_short_inputs(pattern, path):
    assert path_matches(pattern, path) is _backtracking(pattern, path)


PATHOLOGICAL = [
    "/" + "**a" * 40 + "b",
    "/" + "*a" * 40 + "b",
    "/" + "**" * 240 + "b",
    "/" + "*" * 499,
    "/" + "**a*" * 30 + "/b",
    "/**/" * 100 + "b",
]
LONG_PATHS = ["/" + "a" * 100_000, "/a" * 50_000, "/" + "a/" * 30_000 + "c"]
# Each match takes milliseconds; a backtracking engine takes longer than the age of the universe.
BOUND_SECONDS = 1.0
CHILD_DEADLINE_SECONDS = 30


def test_pathological_patterns_on_long_paths_take_milliseconds():
    # In a child process: a backtracking engine holds the interpreter for good, and the child
    # can be killed at the deadline, failing the test instead of hanging it.
    script = textwrap.dedent(
        """
        import json, sys, time
        from emulator.domain.chaos_rules import path_matches
        patterns, paths = json.load(sys.stdin)
        for pattern in patterns:
            for path in paths:
                start = time.perf_counter()
                matched = path_matches(pattern, path)
                print(json.dumps([pattern[:20], len(path), matched, time.perf_counter() - start]))
                sys.stdout.flush()
        """
    )
    try:
        finished = subprocess.run(
            [sys.executable, "-c", script],
            input=json.dumps([PATHOLOGICAL, LONG_PATHS]),
            capture_output=True,
            text=True,
            timeout=CHILD_DEADLINE_SECONDS,
            check=True,
        )
    except subprocess.TimeoutExpired as expired:
        pytest.fail(f"matching did not finish in {CHILD_DEADLINE_SECONDS} s: {expired.stdout!r}")
    timings = [json.loads(line) for line in finished.stdout.splitlines()]
    assert len(timings) == len(PATHOLOGICAL) * len(LONG_PATHS)
    slow = [timing for timing in timings if timing[3] > BOUND_SECONDS]
    assert not slow
