"""Queries (RFC 7644 §3.4.2-3): filter, sort, paging, projection, and POST .search."""

from __future__ import annotations

import pytest

SEARCH = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"


@pytest.fixture
def people(api):
    names = ["carol", "alice", "bob", "dave", "erin"]
    return {n: api.user(n, externalId=f"ext-{n}", title=n.upper())["id"] for n in names}


def test_filter_on_an_unknown_value_is_200_and_an_empty_list(api):
    body = api.listed("/Users", filter='userName eq "4f9c6c1e-0d1b-4a8e-9a8e-2f6b3c1d2e3f"')
    assert body == {"schemas": [LIST], "totalResults": 0, "startIndex": 1, "itemsPerPage": 0,
                    "Resources": []}


def test_username_eq_is_case_insensitive(api, people):
    body = api.listed("/Users", filter='userName eq "ALICE"')
    assert [r["id"] for r in body["Resources"]] == [people["alice"]]


def test_external_id_eq_is_case_exact(api, people):
    assert api.listed("/Users", filter='externalId eq "ext-bob"')["totalResults"] == 1
    assert api.listed("/Users", filter='externalId eq "EXT-BOB"')["totalResults"] == 0


def test_id_eq_finds_the_user(api, people):
    body = api.listed("/Users", filter=f'id eq "{people["dave"]}"')
    assert [r["userName"] for r in body["Resources"]] == ["dave"]


def test_indexed_eq_combined_with_and_still_checks_the_whole_filter(api, people):
    assert api.listed("/Users", filter='userName eq "bob" and title eq "BOB"')["totalResults"] == 1
    assert api.listed("/Users", filter='title eq "BOB" and userName eq "bob"')["totalResults"] == 1
    assert api.listed("/Users", filter='userName eq "bob" and title eq "X"')["totalResults"] == 0


def test_indexed_eq_does_not_scan_the_table(api, people, app, monkeypatch):
    table = app.state.account.store.table("User")

    def no_scan(self):
        raise AssertionError("the filter scanned every user")

    monkeypatch.setattr(type(table), "__iter__", no_scan)
    for text in ('userName eq "bob"', 'externalId eq "ext-bob"', f'id eq "{people["bob"]}"',
                 'userName eq "bob" and active eq true'):
        assert api.listed("/Users", filter=text)["totalResults"] == 1, text


def test_non_indexed_filter_scans_and_matches(api, people):
    body = api.listed("/Users", filter='userName sw "d" or title co "ERI"')
    assert sorted(r["userName"] for r in body["Resources"]) == ["dave", "erin"]


def test_group_display_name_eq_is_case_insensitive(api):
    api.group("Engineering")
    assert api.listed("/Groups", filter='displayName eq "engineering"')["totalResults"] == 1


@pytest.mark.parametrize("text", ['userName eq', 'userName zz "x"', '(userName eq "x"', '"x"'])
def test_malformed_filter_is_400_invalid_filter(api, text):
    api.error(api.get("/Users", params={"filter": text}), 400, "invalidFilter")


def test_filter_on_an_unknown_attribute_is_400_invalid_filter(api):
    api.error(api.get("/Users", params={"filter": 'shoeSize eq "9"'}), 400, "invalidFilter")


def test_unfiltered_list_is_in_creation_order_with_integer_paging(api, people):
    body = api.listed("/Users", startIndex="2", count="2")
    assert body["totalResults"] == 5
    assert body["startIndex"] == 2
    assert body["itemsPerPage"] == 2
    assert [r["userName"] for r in body["Resources"]] == ["alice", "bob"]


def test_paging_walks_every_user_once(api, people):
    seen = []
    for start in (1, 3, 5):
        seen += [r["id"] for r in api.listed("/Users", startIndex=start, count=2)["Resources"]]
    assert seen == list(people.values())


def test_page_after_a_delete_stays_in_order(api, people):
    api.client.delete(f"/scim/v2/Users/{people['alice']}")
    body = api.listed("/Users", startIndex=1, count=10)
    assert [r["userName"] for r in body["Resources"]] == ["carol", "bob", "dave", "erin"]


def test_count_zero_answers_only_the_total(api, people):
    body = api.listed("/Users", count=0)
    assert (body["totalResults"], body["itemsPerPage"], body["Resources"]) == (5, 0, [])


def test_count_is_capped_at_max_results(bridge):
    small = bridge(max_results=2)
    for name in ("a", "b", "c"):
        small.user(name)
    body = small.listed("/Users", count=50)
    assert (body["totalResults"], body["itemsPerPage"]) == (3, 2)


def test_non_integer_start_index_is_400(api):
    api.error(api.get("/Users", params={"startIndex": "one"}), 400, "invalidValue")


def test_sort_by_username_descending(api, people):
    body = api.listed("/Users", sortBy="userName", sortOrder="descending")
    assert [r["userName"] for r in body["Resources"]] == ["erin", "dave", "carol", "bob", "alice"]


def test_sort_applies_before_paging(api, people):
    body = api.listed("/Users", sortBy="userName", startIndex=2, count=2)
    assert [r["userName"] for r in body["Resources"]] == ["bob", "carol"]


def test_bad_sort_order_is_400(api, people):
    api.error(api.get("/Users", params={"sortBy": "userName", "sortOrder": "up"}), 400,
              "invalidValue")


def test_attributes_returns_id_and_the_named_attributes(api, people):
    body = api.listed("/Users", filter='userName eq "bob"', attributes="title")
    resource = body["Resources"][0]
    resource.pop("schemas", None)
    assert resource == {"id": people["bob"], "title": "BOB"}


def test_excluded_attributes_drops_them(api, people):
    body = api.listed("/Users", filter='userName eq "bob"', excludedAttributes="title,meta")
    resource = body["Resources"][0]
    assert "title" not in resource and "meta" not in resource
    assert resource["userName"] == "bob"


def test_users_search_posts_a_search_request(api, people):
    response = api.client.post("/scim/v2/Users/.search", json={
        "schemas": [SEARCH], "filter": 'userName sw "a"', "attributes": ["userName"],
        "startIndex": 1, "count": 10})
    assert response.status_code == 200
    resources = response.json()["Resources"]
    assert [{k: r[k] for k in r if k != "schemas"} for r in resources] == [
        {"id": people["alice"], "userName": "alice"}]


def test_root_search_spans_users_and_groups(api, people):
    api.group("alpha")
    response = api.client.post("/scim/v2/.search", json={
        "schemas": [SEARCH], "filter": 'userName eq "alice" or displayName eq "alpha"'})
    assert response.status_code == 200, response.text
    assert response.json()["totalResults"] == 2


def test_root_search_with_a_filter_no_type_knows_is_400(api):
    response = api.client.post("/scim/v2/.search", json={"filter": 'shoeSize eq "9"'})
    api.error(response, 400, "invalidFilter")


def test_groups_search_with_bad_filter_is_400(api):
    response = api.client.post("/scim/v2/Groups/.search", json={"filter": "displayName eq"})
    api.error(response, 400, "invalidFilter")


def test_search_body_with_wrong_types_is_400(api):
    response = api.client.post("/scim/v2/Users/.search", json={"filter": 7})
    api.error(response, 400, "invalidValue")


def test_get_on_search_is_405(api):
    api.error(api.get("/Users/.search"), 405)


def test_filter_on_derived_groups_attribute(api, people):
    group = api.group("Eng", members=[people["bob"]])
    body = api.listed("/Users", filter=f'groups.value eq "{group["id"]}"')
    assert [r["userName"] for r in body["Resources"]] == ["bob"]
