"""Filtering (RFC 7644 §3.4.2.2): the truth table of fixtures/filters over the data set, and the
answers to filters a provider refuses."""

import pytest

from scimcert.harness.checks import expect, expect_equal, expect_error, expect_list
from scimcert.harness.outcome import not_applicable

pytestmark = pytest.mark.feature("filter")


@pytest.mark.writes
def test_filter_returns_exactly_the_matching_users(filter_case, select, population):
    text, found = select(filter_case)
    expect_equal(found, population.dataset.expected(filter_case["matches"]),
                 f"users matching {text!r}")


@pytest.mark.requirement("rfc7644/3.4.2/no-match-200")
def test_filter_without_match_answers_empty_list(scim, target):
    body = expect_list(scim.get("/Users", params={"filter": f'userName eq "{target.run_id}none"'}))
    expect_equal(body["totalResults"], 0, "totalResults of a query without match")
    expect(not body.get("Resources"), "a query without match lists no resources",
           expected=[], actual=body.get("Resources"))


def test_malformed_filter_answers_invalid_filter(malformed_filter, scim, target, assumptions,
                                                 schemas_served):
    text = malformed_filter["filter"].replace("{run}", target.run_id)
    if "declared" in malformed_filter and not schemas_served:
        # RFC 7644 §3.4.2.1: an attribute the target lacks is treated as having no value.
        not_applicable(f"the target serves no /Schemas, so it does not declare "
                       f"{malformed_filter['declared']}")
    assumptions(text)
    resp = scim.get("/Users", params={"filter": text})
    if resp.status_code == 200 and "evaluable" in malformed_filter:
        expect_list(resp)
        not_applicable(f"the target evaluates {text!r}: {malformed_filter['evaluable']}")
    expect_error(resp, 400, malformed_filter["scimType"])


def test_unsupported_comparison_answers_invalid_filter(error_filter, scim, assumptions):
    assumptions(error_filter["filter"])
    expect_error(scim.get("/Users", params={"filter": error_filter["filter"]}), 400,
                 "invalidFilter")
