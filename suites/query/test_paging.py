"""Pagination (RFC 7644 §3.4.2.4) over the data set, selected by a scope filter the target
answers (not applicable without one)."""

import pytest

from scimcert.harness.checks import expect, expect_equal, expect_list

pytestmark = [pytest.mark.feature("filter"), pytest.mark.writes]


def page(scim, population, **params):
    return expect_list(scim.get("/Users", params={"filter": population.scoped, **params}))


def keys_on(population, body):
    """The data-set keys of the resources of a page, sorted."""
    return sorted(population.dataset.keys_of(body.get("Resources") or []))


@pytest.mark.requirement("okta/import/stable-paging")
def test_pages_partition_the_result_set(page_size, scim, population):
    everyone = population.dataset.keys
    keys: list[str] = []
    start = 1
    for _ in range(len(everyone) + 1):
        body = page(scim, population, startIndex=start, count=page_size)
        resources = body.get("Resources") or []
        if not resources:
            break
        keys += population.dataset.keys_of(resources)
        start += len(resources)
    expect_equal(sorted(keys), everyone,
                 f"users seen walking pages of {page_size} from startIndex 1")


@pytest.mark.requirement("rfc7644/3.4.2.4/count-upper-bound")
def test_count_bounds_the_page(page_size, scim, population):
    body = page(scim, population, count=page_size)
    returned = len(body.get("Resources") or [])
    expect(returned <= page_size, f"count={page_size} returns at most {page_size} resources",
           expected=f"<= {page_size}", actual=returned)


@pytest.mark.requirement("rfc7644/3.4.2.4/total-results")
def test_total_results_counts_every_match(scim, population):
    body = page(scim, population, count=1)
    expect_equal(body["totalResults"], len(population.dataset.keys), "totalResults with count=1")


@pytest.mark.requirement("rfc7644/3.4.2.4/total-results")
def test_total_results_holds_past_the_last_page(scim, population):
    size = len(population.dataset.keys)
    body = page(scim, population, startIndex=size + 1, count=size)
    expect_equal(body["totalResults"], size, f"totalResults at startIndex {size + 1}")
    expect(not body.get("Resources"), "no resources past the last one",
           expected=[], actual=keys_on(population, body))


@pytest.mark.requirement("rfc7644/3.4.2.4/start-index-one-based")
def test_start_index_one_is_the_first_result(scim, population):
    everyone = population.dataset.keys
    body = page(scim, population, startIndex=1, count=len(everyone))
    expect_equal(keys_on(population, body), everyone,
                 f"users from startIndex=1 count={len(everyone)}")


@pytest.mark.requirement("rfc7644/3.4.2/paging-fields")
def test_partial_page_states_start_index_and_items_per_page(scim, population):
    size = len(population.dataset.keys)
    expect(size >= 3, "the data set has at least 3 users (precondition)", actual=size)
    # The last user alone on a page asked to hold two: itemsPerPage must count what is
    # returned (RFC 7644 §3.4.2), so echoing `count` is caught.
    body = page(scim, population, startIndex=size, count=2)
    expect_equal(body.get("startIndex"), size, "startIndex of the page")
    expect_equal(len(body.get("Resources") or []), 1, "resources on the last page")
    expect_equal(body.get("itemsPerPage"), 1, "itemsPerPage of a page holding one resource")


@pytest.mark.requirement("rfc7644/3.4.2.4/start-index-below-one")
def test_start_index_below_one_reads_as_one(low_start_index, scim, population):
    everyone = population.dataset.keys
    body = page(scim, population, startIndex=low_start_index, count=len(everyone))
    expect_equal(keys_on(population, body), everyone, f"users from startIndex={low_start_index}")
    expect_equal(body.get("startIndex", 1), 1, "startIndex stated in the answer")


@pytest.mark.requirement("rfc7644/3.4.2.4/count-zero")
def test_count_zero_returns_only_the_total(scim, population):
    body = page(scim, population, count=0)
    expect_equal(body["totalResults"], len(population.dataset.keys), "totalResults with count=0")
    expect(not body.get("Resources"), "count=0 returns no resources",
           expected=[], actual=keys_on(population, body))


@pytest.mark.requirement("rfc7644/3.4.2.4/count-negative")
def test_negative_count_reads_as_zero(negative_count, scim, population):
    body = page(scim, population, count=negative_count)
    expect_equal(body["totalResults"], len(population.dataset.keys),
                 f"totalResults with count={negative_count}")
    expect(not body.get("Resources"), f"count={negative_count} returns no resources",
           expected=[], actual=keys_on(population, body))
