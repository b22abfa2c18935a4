"""Queries with POST /.search and a SearchRequest (RFC 7644 §3.4.3): optional for a provider
(not applicable when it answers 404, 405 or 501), answered as the equivalent GET when served."""

import pytest

from scimcert.harness.checks import expect, expect_equal, expect_list

pytestmark = [pytest.mark.feature("filter"), pytest.mark.writes]


def search(scim, population, **params):
    """The ListResponse POST /Users/.search answers for `params`."""
    return expect_list(population.sender(scim, "POST")(params))


@pytest.mark.requirement("rfc7644/3.4.3/search-post")
def test_search_post_answers_a_list_response(scim, population):
    text, keys = population.selection(scim)
    body = search(scim, population, filter=text)
    expect_equal(sorted(population.dataset.keys_of(body.get("Resources") or [])), keys,
                 f"users found by POST /Users/.search for {text!r}")


@pytest.mark.requirement("rfc7644/3.4.3/search-same-as-get")
def test_search_post_matches_the_get_query(search_case, select):
    text, by_get = select(search_case)
    _, by_post = select(search_case, via="POST")
    expect_equal(by_post, by_get, f"POST .search against GET for {text!r}")


@pytest.mark.requirement("rfc7644/3.4.3/search-same-as-get")
def test_search_post_honours_attributes(scim, population):
    text, _ = population.selection(scim)
    body = search(scim, population, filter=text, attributes=["userName"])
    shapes = {tuple(sorted(set(r) - {"id", "schemas"})) for r in body.get("Resources") or []}
    expect_equal(shapes, {("userName",)}, "attribute sets of the resources found")


@pytest.mark.requirement("rfc7644/3.4.3/search-same-as-get")
def test_search_post_honours_paging(scim, population):
    keys = population.dataset.keys
    expect(len(keys) >= 3, "the data set has at least 3 users (precondition)", actual=len(keys))
    body = search(scim, population, filter=population.scoped, startIndex=2, count=2)
    expect_equal(len(body.get("Resources") or []), 2, "resources returned for count=2")
    expect_equal(body["totalResults"], len(keys), "totalResults")
    expect_equal(body.get("startIndex"), 2, "startIndex of the page")
