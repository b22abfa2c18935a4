"""Pagination (RFC 7644 §3.4.2.4) over the data set selected by its scope filter."""

import pytest

from scimcert.harness.checks import expect, expect_equal, expect_list

pytestmark = [pytest.mark.feature("filter"), pytest.mark.writes]


def page(scim, dataset, **params):
    return expect_list(scim.get("/Users", params={"filter": dataset.scope, **params}))


@pytest.mark.requirement("okta/import/stable-paging")
def test_pages_partition_the_result_set(page_size, scim, dataset):
    keys: list[str] = []
    start = 1
    for _ in range(len(dataset.scope_keys) + 1):
        body = page(scim, dataset, startIndex=start, count=page_size)
        resources = body.get("Resources", [])
        if not resources:
            break
        keys += dataset.keys_of(resources)
        start += len(resources)
    expect_equal(sorted(keys), dataset.scope_keys,
                 f"users seen walking pages of {page_size} from startIndex 1")


@pytest.mark.requirement("rfc7644/3.4.2.4/count-upper-bound")
def test_count_bounds_the_page(page_size, scim, dataset):
    body = page(scim, dataset, count=page_size)
    returned = len(body.get("Resources", []))
    expect(returned <= page_size, f"count={page_size} returns at most {page_size} resources",
           expected=f"<= {page_size}", actual=returned)


@pytest.mark.requirement("rfc7644/3.4.2.4/total-results")
def test_total_results_counts_every_match(scim, dataset):
    body = page(scim, dataset, count=1)
    expect_equal(body["totalResults"], len(dataset.scope_keys), "totalResults with count=1")


@pytest.mark.requirement("rfc7644/3.4.2.4/total-results")
def test_total_results_holds_past_the_last_page(scim, dataset):
    size = len(dataset.scope_keys)
    body = page(scim, dataset, startIndex=size + 1, count=size)
    expect_equal(body["totalResults"], size, f"totalResults at startIndex {size + 1}")
    expect(not body.get("Resources"), "no resources past the last one",
           expected=[], actual=dataset.keys_of(body.get("Resources", [])))


@pytest.mark.requirement("rfc7644/3.4.2.4/start-index-one-based")
def test_start_index_one_is_the_first_result(scim, dataset):
    size = len(dataset.scope_keys)
    body = page(scim, dataset, startIndex=1, count=size)
    expect_equal(sorted(dataset.keys_of(body.get("Resources", []))), dataset.scope_keys,
                 f"users from startIndex=1 count={size}")


@pytest.mark.requirement("rfc7644/3.4.2/paging-fields")
def test_partial_page_states_start_index_and_items_per_page(scim, dataset):
    size = len(dataset.scope_keys)
    expect(size >= 3, "the data set has at least 3 users (precondition)", actual=size)
    # The last user alone on a page asked to hold two: itemsPerPage must count what is
    # returned (RFC 7644 §3.4.2), so echoing `count` is caught.
    body = page(scim, dataset, startIndex=size, count=2)
    expect_equal(body.get("startIndex"), size, "startIndex of the page")
    expect_equal(len(body.get("Resources", [])), 1, "resources on the last page")
    expect_equal(body.get("itemsPerPage"), 1, "itemsPerPage of a page holding one resource")


@pytest.mark.requirement("rfc7644/3.4.2.4/start-index-below-one")
def test_start_index_below_one_reads_as_one(low_start_index, scim, dataset):
    size = len(dataset.scope_keys)
    body = page(scim, dataset, startIndex=low_start_index, count=size)
    expect_equal(sorted(dataset.keys_of(body.get("Resources", []))), dataset.scope_keys,
                 f"users from startIndex={low_start_index}")
    expect_equal(body.get("startIndex", 1), 1, "startIndex stated in the answer")


@pytest.mark.requirement("rfc7644/3.4.2.4/count-zero")
def test_count_zero_returns_only_the_total(scim, dataset):
    body = page(scim, dataset, count=0)
    expect_equal(body["totalResults"], len(dataset.scope_keys), "totalResults with count=0")
    expect(not body.get("Resources"), "count=0 returns no resources",
           expected=[], actual=dataset.keys_of(body.get("Resources", [])))


@pytest.mark.requirement("rfc7644/3.4.2.4/count-negative")
def test_negative_count_reads_as_zero(negative_count, scim, dataset):
    body = page(scim, dataset, count=negative_count)
    expect_equal(body["totalResults"], len(dataset.scope_keys),
                 f"totalResults with count={negative_count}")
    expect(not body.get("Resources"), f"count={negative_count} returns no resources",
           expected=[], actual=dataset.keys_of(body.get("Resources", [])))
