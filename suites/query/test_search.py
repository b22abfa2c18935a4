"""Queries with POST /.search and a SearchRequest (RFC 7644 §3.4.3)."""

import pytest

from scimcert.harness.checks import expect, expect_equal

pytestmark = [pytest.mark.feature("filter"), pytest.mark.writes]


@pytest.mark.requirement("rfc7644/3.4.3/search-post")
def test_search_post_answers_a_list_response(search, dataset):
    body = search(filter=dataset.scope)
    expect_equal(sorted(dataset.keys_of(body.get("Resources", []))), dataset.scope_keys,
                 "users found by POST /Users/.search")


@pytest.mark.requirement("rfc7644/3.4.3/search-same-as-get")
def test_search_post_matches_the_get_query(search_case, case_filter, search, query_all, dataset):
    text = case_filter(search_case)
    _, by_get = query_all(filter=text)
    body = search(filter=text, count=len(dataset.users) + 1)
    expect_equal(sorted(dataset.keys_of(body.get("Resources", []))),
                 sorted(dataset.keys_of(by_get)), f"POST .search against GET for {text!r}")


@pytest.mark.requirement("rfc7644/3.4.3/search-same-as-get")
def test_search_post_honours_attributes(search, dataset):
    body = search(filter=dataset.scope, attributes=["userName"])
    shapes = {tuple(sorted(set(r) - {"id", "schemas"})) for r in body.get("Resources", [])}
    expect_equal(shapes, {("userName",)}, "attribute sets of the resources found")


@pytest.mark.requirement("rfc7644/3.4.3/search-same-as-get")
def test_search_post_honours_paging(search, dataset):
    expect(len(dataset.scope_keys) >= 3, "the data set has at least 3 users (precondition)",
           actual=len(dataset.scope_keys))
    body = search(filter=dataset.scope, startIndex=2, count=2)
    expect_equal(len(body.get("Resources", [])), 2, "resources returned for count=2")
    expect_equal(body["totalResults"], len(dataset.scope_keys), "totalResults")
    expect_equal(body.get("startIndex"), 2, "startIndex of the page")
