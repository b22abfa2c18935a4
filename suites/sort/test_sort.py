"""Sorting (RFC 7644 §3.4.2.3), only when ServiceProviderConfig advertises sort.

RFC 7644 names no collation: a case-insensitive attribute sorts "using case-insensitive Unicode
alphabetic sort order with no specific locale implied", so the data's values differ at their
first letter and any order non-decreasing after case folding is the one expected; a case-exact
attribute may sort by code point or by the Unicode Collation Algorithm's root order, so
sort.json lists both (`alsoAccepted`).
"""

import pytest

from scimcert.harness.checks import expect
from scimcert.harness.outcome import not_applicable

pytestmark = [pytest.mark.feature("sort"), pytest.mark.writes]


def sort_params(case):
    params = {"sortBy": case["sortBy"]}
    if "sortOrder" in case:
        params["sortOrder"] = case["sortOrder"]
    return params


def skip_unless_as_assumed(registry, sort_users, case):
    """The expected order assumes the attribute's caseExact and the values as sent; not
    applicable when the target declares otherwise or stored other values."""
    rule = case.get("caseExact")
    if rule is None:
        return
    attr = registry.attribute(sort_users.rtype, rule["attribute"])
    if attr is None:
        not_applicable(f"the target does not declare {rule['attribute']}")
    if attr.case_exact != rule["value"]:
        not_applicable(f"the target declares {rule['attribute']} caseExact={attr.case_exact}; "
                       f"the expected order assumes {rule['value']}")
    altered = sort_users.altered(case["sortBy"], attr.case_exact)
    if altered:
        not_applicable(altered)


def test_sort_orders_by_the_attribute(sort_case, sorted_keys, registry, sort_users):
    skip_unless_as_assumed(registry, sort_users, sort_case)
    keys = sorted_keys(**sort_params(sort_case))
    present = [key for key in keys if key not in sort_case["missing"]]
    accepted = [sort_case["order"], *(a["order"] for a in sort_case.get("alsoAccepted", ()))]
    expect(present in accepted, f"order of users for {sort_params(sort_case)}",
           expected=accepted[0] if len(accepted) == 1 else {"one of": accepted},
           actual=present)


@pytest.mark.requirement("rfc7644/3.4.2.3/missing-values")
def test_missing_values_sort_last_ascending_first_descending(missing_case, sorted_keys,
                                                             registry, sort_users):
    skip_unless_as_assumed(registry, sort_users, missing_case)
    keys = sorted_keys(**sort_params(missing_case))
    width = len(missing_case["missing"])
    ends = keys[-width:] if missing_case["missingAt"] == "last" else keys[:width]
    expect(sorted(ends) == sorted(missing_case["missing"]),
           f"users without {missing_case['sortBy']} at the {missing_case['missingAt']} "
           f"positions of {keys}", expected=sorted(missing_case["missing"]), actual=sorted(ends))


@pytest.mark.requirement("rfc7644/3.4.2.3/sort-with-paging")
def test_sorted_pages_form_the_sorted_list(sort_paging, sorted_keys):
    keys = sorted_keys(page_size=sort_paging["count"], sortBy=sort_paging["sortBy"],
                       sortOrder=sort_paging["sortOrder"])
    expect(keys == sort_paging["order"],
           f"users of the pages of {sort_paging['count']} sorted by {sort_paging['sortBy']}",
           expected=sort_paging["order"], actual=keys)
