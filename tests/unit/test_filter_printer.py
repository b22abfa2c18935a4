"""The printer gives canonical text that parses back to the same tree."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scimcert.harness import cases
from scimcert.scim.filter import parse, to_string
from scimcert.scim.filter.ast import COMPARE_OPS, And, Compare, Not, Or, Present, ValuePath
from scimcert.scim.schema import AttrPath
from scimcert.scim.tolerance import Tolerances
from scimcert.scim.urns import ENTERPRISE_URN, USER_URN

CANONICAL = cases.load("filters/canonical.json")["cases"]


@pytest.mark.parametrize("case", cases.params(CANONICAL, marked=False))
def test_printer_gives_canonical_text(case):
    assert to_string(parse(case["filter"], Tolerances.all())) == case["canonical"]


@pytest.mark.parametrize("case", cases.params(CANONICAL, marked=False))
def test_canonical_text_is_a_fixed_point(case):
    assert to_string(parse(case["canonical"])) == case["canonical"]


def test_printer_rejects_non_finite_numbers():
    with pytest.raises(ValueError, match="no literal"):
        to_string(Compare(AttrPath("x"), "eq", float("nan")))


NAMES = st.one_of(
    st.from_regex(r"\$?[A-Za-z][A-Za-z0-9_-]{0,6}", fullmatch=True),
    st.sampled_from(["not", "and", "or", "pr", "eq", "true", "null", "$ref", "userName"]),
)
PATHS = st.builds(
    AttrPath,
    NAMES,
    st.none() | NAMES,
    st.sampled_from([None, USER_URN, ENTERPRISE_URN, "urn:x:y"]),
)
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(),
)
LEAVES = st.one_of(
    st.builds(Compare, PATHS, st.sampled_from(COMPARE_OPS), VALUES), st.builds(Present, PATHS)
)


def _logical(children):
    return st.one_of(
        st.builds(And, children, children), st.builds(Or, children, children),
        st.builds(Not, children),
    )


# RFC 7644 Figure 1: a valFilter holds no valuePath, so value paths do not nest.
INNER = st.recursive(LEAVES, _logical, max_leaves=8)
TREES = st.recursive(
    st.one_of(LEAVES, st.builds(ValuePath, PATHS, INNER)), _logical, max_leaves=12
)


@given(TREES)
def test_parse_inverts_print(node):
    assert parse(to_string(node)) == node


@given(TREES)
def test_printing_a_parsed_print_is_stable(node):
    text = to_string(node)
    assert to_string(parse(text)) == text
