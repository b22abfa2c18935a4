"""The orders of fixtures/suites/sort.json are the ones RFC 7644 §3.4.2.3 allows for its users.

RFC 7644 names no collation, so the data keeps to values whose order every reading agrees on:
ASCII letters that differ at their first letter after the run prefix. Then a case-insensitive
attribute has exactly one order, and a case-exact one two: code point order and the Unicode
Collation Algorithm's root order (letters first, case only breaking ties).
"""

from itertools import pairwise

import pytest

from scimcert.harness import cases

DATA = cases.load("suites/sort.json")
RUN = "t1-srt-"
CASES = cases.params(DATA["cases"], marked=False)


def value(key: str, path: str):
    found = DATA["users"][key]
    for step in path.split("."):
        found = found.get(step) if isinstance(found, dict) else None
    return found.replace("{run}", RUN).replace("{domain}", "example.com") if found else None


def ordered(keys, path, sort_key, descending):
    return sorted(keys, key=lambda k: sort_key(value(k, path)), reverse=descending)


def code_point(text: str) -> str:
    return text


def folded(text: str) -> str:
    return text.casefold()


def root_collation(text: str) -> tuple[str, str]:
    # At equal letters the UCA root order puts lower case first.
    return text.casefold(), text.swapcase()


@pytest.mark.parametrize("case", CASES)
def test_missing_lists_the_users_without_a_value(case):
    absent = [key for key in DATA["users"] if value(key, case["sortBy"]) is None]
    assert sorted(case["missing"]) == absent


@pytest.mark.parametrize("case", CASES)
def test_values_differ_at_an_ascii_letter(case):
    values = sorted(folded(value(k, case["sortBy"])) for k in case["order"])
    for before, after in pairwise(values):
        at = next(i for i, (a, b) in enumerate(zip(before, after, strict=False)) if a != b)
        assert before[at].isascii() and before[at].isalpha(), (before, after)
        assert after[at].isascii() and after[at].isalpha(), (before, after)


@pytest.mark.parametrize("case", CASES)
def test_orders_are_those_of_the_collations_the_rfc_allows(case):
    present = [key for key in DATA["users"] if key not in case["missing"]]
    descending = case.get("sortOrder") == "descending"
    accepted = [case["order"], *(a["order"] for a in case.get("alsoAccepted", ()))]
    if case["caseExact"]["value"]:
        expected = [ordered(present, case["sortBy"], code_point, descending),
                    ordered(present, case["sortBy"], root_collation, descending)]
    else:
        expected = [ordered(present, case["sortBy"], folded, descending)]
    assert accepted == expected


def test_paging_order_is_the_sorted_order():
    paging = DATA["paging"]
    expected = ordered(list(DATA["users"]), paging["sortBy"], folded,
                       paging["sortOrder"] == "descending")
    assert paging["order"] == expected
