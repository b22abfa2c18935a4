"""Filtering (RFC 7644 §3.4.2.2): the truth table of fixtures/filters over the data set."""

import pytest

from scimcert.harness.checks import expect, expect_equal, expect_error, expect_list

pytestmark = pytest.mark.feature("filter")


@pytest.mark.writes
def test_filter_returns_exactly_the_matching_users(filter_case, case_filter, dataset, query_all):
    text = case_filter(filter_case)
    _, found = query_all(filter=text)
    expect_equal(sorted(dataset.keys_of(found)), dataset.expected(filter_case["matches"]),
                 f"users matching {text!r}")


@pytest.mark.writes
@pytest.mark.requirement("rfc7643/4.1.1/username-eq-any-case", "rfc7644/3.4.2.2/case-exact")
def test_username_eq_is_case_insensitive(dataset, query_all):
    key = dataset.key_with("userName")
    shouted = dataset.users[key]["userName"].upper()
    _, found = query_all(filter=f'userName eq "{shouted}"')
    expect_equal(dataset.keys_of(found), [key], f"users matching userName eq {shouted!r}")


@pytest.mark.writes
@pytest.mark.requirement("rfc7643/3.1/external-id-case-exact", "rfc7644/3.4.2.2/case-exact")
def test_external_id_eq_is_case_exact(make, query_all):
    user = make.user(externalId=f"{make.tag()}-MiXeD")
    _, exact = query_all(filter=f'externalId eq "{user["externalId"]}"')
    expect_equal([r.get("id") for r in exact], [user["id"]],
                 "ids matching externalId eq in the stored case (precondition)")
    _, swapped = query_all(filter=f'externalId eq "{user["externalId"].swapcase()}"')
    expect_equal(swapped, [], "resources matching externalId eq in the other case")


@pytest.mark.requirement("rfc7644/3.4.2/no-match-200")
def test_filter_without_match_answers_empty_list(scim, target):
    body = expect_list(scim.get("/Users", params={"filter": f'userName eq "{target.run_id}none"'}))
    expect_equal(body["totalResults"], 0, "totalResults of a query without match")
    expect(not body.get("Resources"), "a query without match lists no resources",
           expected=[], actual=body.get("Resources"))


def test_malformed_filter_answers_invalid_filter(malformed_filter, scim, target):
    text = malformed_filter["filter"].replace("{run}", target.run_id)
    expect_error(scim.get("/Users", params={"filter": text}), 400, malformed_filter["scimType"])


def test_unsupported_comparison_answers_invalid_filter(error_filter, scim):
    expect_error(scim.get("/Users", params={"filter": error_filter["filter"]}), 400,
                 "invalidFilter")
