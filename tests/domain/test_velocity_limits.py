"""A template's render is bounded in size and time, and memory stays flat, whatever the template
does: doubling strings, nested loops, recursion, Python's own methods or internals."""

from __future__ import annotations

import time
import tracemalloc

import pytest

from emulator.domain.velocity import (
    RenderLimits,
    TemplateProblem,
    TemplateTooCostly,
    render,
    template_problem,
)
from tests.domain.test_velocity import DR_TEMPLATE, MO_TEMPLATE

LIMITS = RenderLimits(max_chars=64 * 1024, max_seconds=0.1)
# What a stopped render may allocate: far below what any of these would without a bound.
FLAT_BYTES = 8 * 1024 * 1024
VARIABLES = {"mtId": "id", "mtContent": "Hello", "metadata": {"n": "12345678"}}

SIZE = "longer than 65,536 characters"
TIME = "the render took more than 0.1 s"
BOMBS = {
    # The attack's own: 69 characters that made 168 MB.
    "doubling in #foreach": ('#set($s="xx")#foreach($i in [1..40])#set($s="$s$s")#end$s', SIZE),
    "doubling in #set alone": ('#set($a="$mtContent")' + '#set($a="$a$a")' * 30 + "$a", SIZE),
    "nested loops writing": (
        "#foreach($a in [1..1000])#foreach($b in [1..1000])#foreach($c in [1..1000])"
        "xxxxxxxxxxxxxxxx#end#end#end",
        None,
    ),
    "a loop writing nothing": ("#foreach($a in [1..100000000])#end", TIME),
    "a loop inside a string": ('#set($x = "#foreach($a in [1..100000000])#end")$x', TIME),
    "a string multiplied": ('#set($s = "x" * 2000000000)$s', SIZE),
    "a list multiplied": ("#set($l = [1] * 2000000000)$l.size()", SIZE),
    "a computed multiplier": ('#set($n = 50000 * 50000)#set($s = "ab" * $n)$s', SIZE),
    "a growing number": ("#set($n=2)#foreach($i in [1..40])#set($n=$n*$n)#end$n", "bits"),
    "a padding method": ("$mtContent.zfill(2000000000)", "the method zfill is not available"),
    "a replacing method": ('$mtContent.replace("", $mtContent)', "the method replace"),
    "a joining method": ('$mtContent.join(["a", "b"])', "the method join is not available"),
    "a dict made from keys": ("#set($d = {})$d.fromkeys([1..100000000])", "the method fromkeys"),
    "a growing list": ("#set($l=[])#foreach($i in [1..100000000])#set($x=$l.add($i))#end", TIME),
    "recursion through a macro": ("#macro(m $s)#m($s)#end#m('a')", None),
    "Python's internals": ("$esc.json.__globals__", "names starting with _"),
    "internals behind an index": ("#set($l=[1])$l[$esc.__class__]", "names starting with _"),
}


@pytest.mark.parametrize(("template", "reason"), BOMBS.values(), ids=BOMBS.keys())
def test_a_costly_template_is_stopped_within_its_limits(template, reason):
    began = time.thread_time()
    tracemalloc.start()
    try:
        with pytest.raises(TemplateProblem) as raised:
            render(template, VARIABLES, LIMITS)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    took = time.thread_time() - began
    if reason is not None:
        assert isinstance(raised.value, TemplateTooCostly)
        assert reason in str(raised.value)
    assert peak < FLAT_BYTES
    assert took < LIMITS.max_seconds + 0.5


def test_the_output_bound_counts_the_variables_given():
    """A template may copy what it is given (an attachment of some MB) beyond its own limit."""
    large = "x" * (LIMITS.max_chars * 3)
    assert render("$mtContent", {"mtContent": large}, LIMITS) == large
    with pytest.raises(TemplateTooCostly, match=SIZE):
        render("$mtContent$mtContent", {"mtContent": large}, LIMITS)


def test_a_stopped_render_leaves_the_thread_untraced_and_the_next_render_fine():
    with pytest.raises(TemplateTooCostly):
        render("#foreach($a in [1..100000000])#end", VARIABLES, LIMITS)
    assert render('{"id":"$mtId"}', VARIABLES, LIMITS) == '{"id":"id"}'


@pytest.mark.parametrize(
    "template",
    [
        DR_TEMPLATE,
        MO_TEMPLATE,
        "$mtContent.upper() $mtContent.length() $mtContent.startsWith('He')",
        "#foreach($k in $metadata.keySet())$k=$metadata.get($k)#end",
        "#set($n = 6 * 7)$n #foreach($i in [1..3])$i#end",
        "$mtContent.toUpperCase()",  # no such method: left as written, as Velocity does
        "$metadata.n",
    ],
)
def test_ordinary_templates_render_as_before(template):
    render(template, VARIABLES, LIMITS)


@pytest.mark.parametrize(
    "template", ["$esc.__class__", "$mtContent._x", "$metadata.get('a')._b", "${x}.__dict__"]
)
def test_a_name_starting_with_an_underscore_is_refused_when_saved(template):
    problem = template_problem(template)
    assert problem is not None and problem.startswith("names starting with _")
