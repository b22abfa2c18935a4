"""Sorting (RFC 7644 §3.4.2.3), only when ServiceProviderConfig advertises sort."""

import pytest

from scimcert.harness.checks import expect_equal, expect_list
from scimcert.harness.outcome import not_applicable

pytestmark = [pytest.mark.feature("sort", "filter"), pytest.mark.writes]


def sort_params(case):
    params = {"sortBy": case["sortBy"]}
    if "sortOrder" in case:
        params["sortOrder"] = case["sortOrder"]
    return params


def skip_unless_declared_as_assumed(registry, case):
    """The expected order assumes the attribute's caseExact; skip if the target differs."""
    rule = case.get("caseExact")
    if rule is None:
        return
    attr = registry.attribute("User", rule["attribute"])
    if attr is None:
        not_applicable(f"the target does not declare {rule['attribute']}")
    if attr.case_exact != rule["value"]:
        not_applicable(f"the target declares {rule['attribute']} caseExact={attr.case_exact}; "
                    f"the expected order assumes {rule['value']}")


def test_sort_orders_by_the_attribute(sort_case, sorted_keys, registry):
    skip_unless_declared_as_assumed(registry, sort_case)
    keys = sorted_keys(**sort_params(sort_case))
    present = [key for key in keys if key not in sort_case["missing"]]
    expect_equal(present, sort_case["order"], f"order of users for {sort_params(sort_case)}")


@pytest.mark.requirement("rfc7644/3.4.2.3/missing-values")
def test_missing_values_sort_last_ascending_first_descending(missing_case, sorted_keys, registry):
    skip_unless_declared_as_assumed(registry, missing_case)
    keys = sorted_keys(**sort_params(missing_case))
    width = len(missing_case["missing"])
    ends = keys[-width:] if missing_case["missingAt"] == "last" else keys[:width]
    expect_equal(sorted(ends), sorted(missing_case["missing"]),
                 f"users without {missing_case['sortBy']} at the {missing_case['missingAt']} "
                 f"positions of {keys}")


@pytest.mark.requirement("rfc7644/3.4.2.3/sort-with-paging")
def test_sorted_pages_form_the_sorted_list(sort_paging, scim, sort_users):
    keys: list[str] = []
    for start in range(1, len(sort_users.users) + 1, sort_paging["count"]):
        body = expect_list(scim.get("/Users", params={
            "filter": sort_users.scope, "sortBy": sort_paging["sortBy"],
            "sortOrder": sort_paging["sortOrder"], "startIndex": start,
            "count": sort_paging["count"]}))
        keys += sort_users.keys_of(body.get("Resources", []))
    expect_equal(keys, sort_paging["order"],
                 f"users of the pages of {sort_paging['count']} sorted by {sort_paging['sortBy']}")
