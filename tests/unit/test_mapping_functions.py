"""Entra's expression functions compute what Microsoft's function reference documents: every
case of fixtures/expressions/entra.json, plus the functions whose output is random or clocked."""

from __future__ import annotations

import json
import random
import re
import uuid
from datetime import UTC, datetime

import pytest

from scimcert import paths
from scimcert.idp.mapping import Context, MappingError, parse
from scimcert.idp.mapping.errors import EvaluationError
from scimcert.idp.mapping.functions import SPECIALS, TABLE

CASES = json.loads((paths.fixtures() / "expressions" / "entra.json").read_text(encoding="utf-8"))
# The functions issue 9 names.
REQUIRED = ["Switch", "IIF", "Join", "Append", "Coalesce", "ToLower", "ToUpper", "Not",
            "IsPresent", "IsNullOrEmpty", "IsNull", "Replace", "Mid", "Left", "Word", "Split",
            "Item", "StripSpaces", "NormalizeDiacritics", "SingleAppRoleAssignment",
            "AppRoleAssignmentsComplex", "DateFromNum", "FormatDateTime", "ConvertToUTF8Hex",
            "CStr", "CBool", "Guid", "RandomString", "Now"]


def _context(case: dict) -> Context:
    if "now" not in case:
        return Context()
    moment = datetime.fromisoformat(case["now"].replace("Z", "+00:00"))
    return Context(now=lambda: moment)


@pytest.mark.parametrize("case", CASES["values"], ids=[c["id"] for c in CASES["values"]])
def test_expression_evaluates_as_documented(case):
    actual = parse(case["expression"]).evaluate(case["source"], _context(case))
    assert actual == case["expected"], (
        f"{case['expression']} with {case['source']}: expected {case['expected']!r}, "
        f"got {actual!r} ({case['doc']})")


def test_every_function_the_issue_names_is_in_the_table():
    assert [name for name in REQUIRED if name not in TABLE] == []


def test_every_required_function_has_a_documented_case():
    used = {name for case in CASES["values"] for name in TABLE
            if re.search(rf"\b{name}\(", case["expression"])}
    assert [name for name in REQUIRED if name not in used and name not in
            ("Guid", "RandomString")] == []


def test_guid_draws_from_the_context_random():
    expression = parse("Guid()")
    first = expression.evaluate({}, Context(random=random.Random(7)))
    again = expression.evaluate({}, Context(random=random.Random(7)))
    other = expression.evaluate({}, Context(random=random.Random(8)))
    assert first == again != other
    assert uuid.UUID(first).version == 4


def test_default_contexts_draw_the_same_values():
    expression = parse("Join(\"-\", Guid(), RandomString(8, 1, 1, 1, 1))")
    assert expression.evaluate({}, Context()) == expression.evaluate({}, Context())


@pytest.mark.parametrize("seed", range(20))
def test_random_string_holds_its_minimums_and_avoids_characters(seed):
    value = parse('RandomString(10,2,2,2,1,"?,")').evaluate({}, Context(random=random.Random(seed)))
    assert len(value) == 10
    assert sum(c.isdigit() for c in value) >= 2
    assert sum(c in SPECIALS for c in value) >= 2
    assert sum(c.isupper() for c in value) >= 2
    assert sum(c.islower() for c in value) >= 1
    assert not set("?,") & set(value)


def test_now_reads_the_context_clock():
    moment = datetime(2024, 2, 29, 0, 5, 9, tzinfo=UTC)
    assert parse("Now()").evaluate({}, Context(now=lambda: moment)) == "2/29/2024 12:05:09 AM"


def test_switch_evaluates_only_the_chosen_value():
    drawn = random.Random(3)
    context = Context(random=drawn)
    parse('Switch([a], Guid(), "x", "chosen")').evaluate({"a": "x"}, context)
    assert drawn.getstate() == random.Random(3).getstate()


@pytest.mark.parametrize(("expression", "source", "message"), [
    pytest.param('Mid([a], [start], 2)', {"a": "abc", "start": "two"},
                 "Mid start must be a number, not 'two'", id="mid-start-not-a-number"),
    pytest.param('Append([roles], "x")', {"roles": ["a", "b"]}, "multi-valued",
                 id="append-to-a-multi-valued-attribute"),
    pytest.param('FormatDateTime([d], , "yyyy-MM-dd", "yyyy")', {"d": "31/12/2020"},
                 "does not match the date format", id="date-in-another-format"),
    pytest.param('CDate([d])', {"d": "soon"}, "not a date CDate can read", id="cdate-of-words"),
])
def test_evaluation_error_points_at_the_failing_call(expression, source, message):
    with pytest.raises(EvaluationError) as caught:
        parse(f'Join(",", "a", {expression})').evaluate(source)
    assert message in caught.value.message
    assert caught.value.position == len('Join(",", "a", ')
    assert caught.value.text.startswith("Join(")


def test_an_evaluation_error_is_a_mapping_error():
    assert issubclass(EvaluationError, MappingError)
