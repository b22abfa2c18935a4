"""An expression is refused when it is compiled — syntax, unknown function, arity, impossible
constants — with the 0-based character it points at and a caret under it."""

from __future__ import annotations

import json

import pytest

from scimcert import paths
from scimcert.idp.mapping import MappingError, parse
from scimcert.idp.mapping.nodes import Attribute, Call, Compare, Constant, Missing
from scimcert.idp.mapping.parser import syntax

CASES = json.loads((paths.fixtures() / "expressions" / "entra.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES["errors"], ids=[c["id"] for c in CASES["errors"]])
def test_bad_expression_is_refused_at_its_character(case):
    with pytest.raises(MappingError) as caught:
        parse(case["expression"])
    error = caught.value
    assert (case["error"] in error.message, error.position) == (True, case["position"]), (
        f"expected {case['error']!r} at {case['position']}, got {error.message!r} at "
        f"{error.position}")


def test_caret_points_at_the_character_on_its_line():
    text = 'Switch([IsSoftDeleted], ,\n  "False", "True",\n  "True", Fals)'
    with pytest.raises(MappingError) as caught:
        parse(text)
    assert caught.value.caret == '    "True", Fals)\n            ^'
    assert str(caught.value).splitlines() == [
        "bare name Fals: attributes go in square brackets ([Fals]), strings in double quotes, "
        "and a function call needs parentheses (at character 55)",
        '    "True", Fals)', "            ^"]


def test_error_names_its_row_once_placed():
    with pytest.raises(MappingError) as caught:
        parse("Swich([a])")
    placed = caught.value.at_row("User active")
    assert str(placed).startswith("row 'User active': unknown function Swich")
    assert placed.at_row("User other").row == "User active"


def test_empty_arguments_are_kept_in_place():
    root = syntax('Switch([IsSoftDeleted], , "False", "True")')
    assert isinstance(root, Call)
    assert [type(a) for a in root.args] == [Attribute, Missing, Constant, Constant]
    assert root.args[1].start == 24


def test_trailing_empty_argument_counts():
    root = syntax('Replace([mail], "@x.com", , ,"", ,)')
    assert len(root.args) == 7 and isinstance(root.args[-1], Missing)


def test_no_arguments_is_not_one_empty_argument():
    assert syntax("Now()").args == ()
    assert syntax("Now( )").args == ()


def test_comparison_is_an_expression_node():
    root = syntax('IIF([country]="USA",[country],[department])')
    condition = root.args[0]
    assert isinstance(condition, Compare)
    assert (condition.op, condition.left, condition.right) == (
        "=", Attribute(4, 13, "country"), Constant(14, 19, "USA"))


def test_string_escapes_backslash_and_quote():
    assert syntax(r'"a\"b\\c"') == Constant(0, 9, 'a"b\\c')


def test_numbers_bare_and_hexadecimal():
    assert [a.value for a in syntax("BitAnd(&HF, -3)").args] == [15, -3]


def test_white_space_and_new_lines_between_tokens():
    expression = parse('Join(\n  " ",\n  [givenName],\n  [surname]\n)')
    assert expression.attributes == ("givenName", "surname")
    assert expression.evaluate({"givenName": "Ann", "surname": "Lee"}) == "Ann Lee"


def test_spans_give_each_argument_its_text():
    text = 'Join(" ", ToLower([givenName]), [surname])'
    root = syntax(text)
    assert [text[a.start:a.end] for a in root.args] == ['" "', "ToLower([givenName])", "[surname]"]
