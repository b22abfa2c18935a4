"""The filter and PATCH path grammars of RFC 7644 §3.4.2.2 and §3.5.2, and their error reports."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scimcert.harness import cases
from scimcert.scim.errors import INVALID_FILTER, INVALID_PATH, ScimError
from scimcert.scim.filter import parse, parse_path
from scimcert.scim.filter.ast import And, Compare, Not, Or, PatchPath, Present, ValuePath
from scimcert.scim.filter.lexer import MAX_LENGTH
from scimcert.scim.filter.parser import MAX_DEPTH
from scimcert.scim.schema import AttrPath
from scimcert.scim.tolerance import Tolerances
from scimcert.scim.urns import ENTERPRISE_URN

INVALID = cases.load("filters/invalid.json")
PATHS = cases.load("filters/paths.json")["cases"]
PARSE_ERRORS = [c for c in INVALID["filters"] if c["stage"] == "parse"]
# The reference bridge parses with every IdP tolerance on; the error positions are its own.
REFERENCE = Tolerances.all()
VALIDATE_ERRORS = [c for c in INVALID["filters"] if c["stage"] == "validate"]


def _present(name: str) -> Present:
    return Present(AttrPath(name))


@pytest.mark.parametrize("case", cases.params(PARSE_ERRORS, marked=False))
def test_malformed_filter_is_invalid_filter_at_its_position(case):
    with pytest.raises(ScimError) as raised:
        parse(case["filter"], REFERENCE)
    error = raised.value
    assert (error.status, error.scim_type) == (400, INVALID_FILTER)
    assert case["expected"] in error.detail
    assert f"at position {case['position']} " in error.detail, error.detail


@pytest.mark.parametrize("case", cases.params(VALIDATE_ERRORS, marked=False))
def test_semantically_invalid_filter_still_parses(case):
    parse(case["filter"])


@pytest.mark.parametrize("case", cases.params(INVALID["paths"], marked=False))
def test_malformed_path_is_invalid_path_at_its_position(case):
    with pytest.raises(ScimError) as raised:
        parse_path(case["path"])
    error = raised.value
    assert (error.status, error.scim_type) == (400, INVALID_PATH)
    assert case["expected"] in error.detail
    assert f"at position {case['position']} " in error.detail, error.detail


@pytest.mark.parametrize("case", cases.params(PATHS, marked=False))
def test_patch_path_parses_into_its_parts(case):
    expected = PatchPath(
        AttrPath.parse(case["attr"]),
        parse(case["filter"]) if case["filter"] is not None else None,
        case["sub"],
    )
    assert parse_path(case["path"]) == expected


def test_error_detail_names_expectation_and_position():
    with pytest.raises(ScimError) as raised:
        parse('userName xx "a"')
    expected = "expected a comparison operator at position 9 in 'userName xx \"a\"'"
    assert raised.value.detail == expected


def test_and_binds_tighter_than_or():
    a, b, c = _present("a"), _present("b"), _present("c")
    assert parse("a pr or b pr and c pr") == Or(a, And(b, c))
    assert parse("a pr and b pr or c pr") == Or(And(a, b), c)


def test_and_and_or_associate_to_the_left():
    a, b, c = _present("a"), _present("b"), _present("c")
    assert parse("a pr and b pr and c pr") == And(And(a, b), c)
    assert parse("a pr or b pr or c pr") == Or(Or(a, b), c)


def test_not_applies_to_its_group_only():
    a, b = _present("a"), _present("b")
    assert parse("not (a pr) and b pr") == And(Not(a), b)


def test_keywords_are_case_insensitive():
    assert parse("a PR AND NOT (b Eq TRUE)") == And(
        _present("a"), Not(Compare(AttrPath("b"), "eq", True))
    )


def test_not_followed_by_operator_is_an_attribute_name():
    assert parse("not pr") == _present("not")
    assert parse('not eq "x"') == Compare(AttrPath("not"), "eq", "x")


def test_value_path_with_sub_attribute_is_an_element_condition():
    assert parse('emails[type eq "work"].value eq "x@y"', REFERENCE) == ValuePath(
        AttrPath("emails"),
        And(Compare(AttrPath("type"), "eq", "work"), Compare(AttrPath("value"), "eq", "x@y")),
    )


def test_urn_qualified_names_split_at_the_last_colon():
    node = parse(f"{ENTERPRISE_URN}:manager.value pr")
    assert node == Present(AttrPath("manager", "value", ENTERPRISE_URN))


def test_ref_is_an_attribute_name():
    assert parse('members[$ref co "/Users/"]') == ValuePath(
        AttrPath("members"), Compare(AttrPath("$ref"), "co", "/Users/")
    )
    assert parse("members.$ref pr") == Present(AttrPath("members", "$ref"))


@pytest.mark.parametrize(
    ("literal", "value"),
    [
        pytest.param("true", True, id="true"),
        pytest.param("false", False, id="false"),
        pytest.param("null", None, id="null"),
        pytest.param("42", 42, id="integer"),
        pytest.param("-7", -7, id="negative-integer"),
        pytest.param("2.5", 2.5, id="decimal"),
        pytest.param("1e3", 1000.0, id="exponent"),
        pytest.param('"a\\"b\\\\c\\u00e9"', 'a"b\\cé', id="string-escapes"),
        pytest.param('"\\ud83d\\ude00"', "\U0001f600", id="surrogate-pair"),
    ],
)
def test_json_literals_parse_to_python_values(literal, value):
    node = parse(f"x eq {literal}")
    assert isinstance(node, Compare)
    assert (type(node.value), node.value) == (type(value), value)


def test_true_and_one_are_different_values():
    assert parse("x eq true") != parse("x eq 1")
    assert parse("x eq 1") != parse("x eq 1.0")


def test_overlong_filter_is_invalid():
    with pytest.raises(ScimError, match=f"expected at most {MAX_LENGTH} characters"):
        parse("userName pr or " * (MAX_LENGTH // 15) + "userName pr")


def test_long_and_chain_is_capped_without_recursion_error():
    text = " and ".join(["a pr"] * (MAX_DEPTH + 5))
    with pytest.raises(ScimError, match="levels of nested operators"):
        parse(text)


def test_chain_at_the_depth_cap_parses():
    node = parse(" or ".join(["a pr"] * MAX_DEPTH))
    assert isinstance(node, Or)


def test_deeply_nested_not_is_capped():
    text = "not (" * (MAX_DEPTH + 1) + "a pr" + ")" * (MAX_DEPTH + 1)
    with pytest.raises(ScimError) as raised:
        parse(text)
    assert raised.value.scim_type == INVALID_FILTER


FILTER_WORDS = st.sampled_from([
    "userName", "emails", "name.givenName", f"{ENTERPRISE_URN}:manager", "$ref", "eq", "ne", "co",
    "pr", "gt", "and", "or", "not", "(", ")", "[", "]", ".value", '"x"', '"a\\"b"', "1", "-2.5e3",
    "true", "null", "\"", "\\", "-", ".", "", " ",
])


@given(st.text())
def test_parser_only_raises_scim_errors_on_any_text(text):
    try:
        parse(text)
    except ScimError as exc:
        assert (exc.status, exc.scim_type) == (400, INVALID_FILTER)


@given(st.lists(FILTER_WORDS, max_size=12).map(" ".join))
def test_parser_only_raises_scim_errors_on_filter_like_text(text):
    try:
        parse(text)
    except ScimError as exc:
        assert (exc.status, exc.scim_type) == (400, INVALID_FILTER)


@given(st.one_of(st.text(), st.lists(FILTER_WORDS, max_size=8).map("".join)))
def test_path_parser_only_raises_invalid_path(text):
    try:
        parse_path(text)
    except ScimError as exc:
        assert (exc.status, exc.scim_type) == (400, INVALID_PATH)
