"""POST /Bulk (RFC 7644 §3.7): bulkId references, failOnErrors, limits."""

from __future__ import annotations

BULK = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
BULK_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:BulkResponse"


def bulk(api, *operations, **extra):
    body = {"schemas": [BULK], "Operations": list(operations), **extra}
    response = api.client.post("/scim/v2/Bulk", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["schemas"] == [BULK_RESPONSE]
    return response.json()["Operations"]


def test_bulk_ids_resolve_in_member_values_and_paths(api):
    results = bulk(
        api,
        {"method": "POST", "path": "/Users", "bulkId": "ada", "data": {"userName": "ada"}},
        {"method": "POST", "path": "/Groups", "bulkId": "eng",
         "data": {"displayName": "Eng", "members": [{"value": "bulkId:ada"}]}},
        {"method": "PATCH", "path": "/Groups/bulkId:eng", "data": {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "path": "displayName", "value": "Eng2"}]}},
    )
    assert [r["status"] for r in results] == ["201", "201", "200"]
    user_id = results[0]["location"].rsplit("/", 1)[1]
    group = api.get(f"/Groups/{results[1]['location'].rsplit('/', 1)[1]}").json()
    assert group["displayName"] == "Eng2"
    assert [m["value"] for m in group["members"]] == [user_id]
    assert results[0]["bulkId"] == "ada"
    assert results[0]["version"].startswith('W/"')


def test_forward_reference_waits_for_the_post_that_declares_it(api):
    results = bulk(
        api,
        {"method": "POST", "path": "/Groups", "bulkId": "eng",
         "data": {"displayName": "Eng", "members": [{"value": "bulkId:ada"}]}},
        {"method": "POST", "path": "/Users", "bulkId": "ada", "data": {"userName": "ada"}},
    )
    assert [r["status"] for r in results] == ["201", "201"]


def test_reference_to_a_failed_post_is_409(api):
    api.user("ada")
    results = bulk(
        api,
        {"method": "POST", "path": "/Users", "bulkId": "dup", "data": {"userName": "ADA"}},
        {"method": "POST", "path": "/Groups", "bulkId": "g",
         "data": {"displayName": "G", "members": [{"value": "bulkId:dup"}]}},
    )
    assert [r["status"] for r in results] == ["409", "409"]
    assert results[0]["response"]["scimType"] == "uniqueness"
    assert results[1]["response"]["scimType"] == "invalidValue"


def test_fail_on_errors_stops_after_that_many_errors(api):
    results = bulk(
        api,
        {"method": "POST", "path": "/Users", "bulkId": "a", "data": {"displayName": "no name"}},
        {"method": "DELETE", "path": "/Users/missing"},
        {"method": "POST", "path": "/Users", "bulkId": "c", "data": {"userName": "c"}},
        failOnErrors=2,
    )
    assert [r["status"] for r in results] == ["400", "404"]
    assert api.listed("/Users")["totalResults"] == 0


def test_without_fail_on_errors_every_operation_runs(api):
    results = bulk(
        api,
        {"method": "DELETE", "path": "/Users/missing"},
        {"method": "POST", "path": "/Users", "bulkId": "c", "data": {"userName": "c"}},
    )
    assert [r["status"] for r in results] == ["404", "201"]


def test_put_and_delete_with_version(api):
    ada = api.user("ada")
    results = bulk(
        api,
        {"method": "PUT", "path": f"/Users/{ada['id']}", "version": ada["meta"]["version"],
         "data": {"userName": "ada", "title": "T"}},
        {"method": "DELETE", "path": f"/Users/{ada['id']}", "version": 'W/"0"'},
    )
    assert [r["status"] for r in results] == ["200", "412"]


def test_more_operations_than_max_operations_is_413(bridge):
    api = bridge(max_operations=2)
    ops = [{"method": "DELETE", "path": f"/Users/{i}"} for i in range(3)]
    response = api.client.post("/scim/v2/Bulk", json={"schemas": [BULK], "Operations": ops})
    api.error(response, 413)


def test_malformed_operations_are_per_operation_errors(api):
    results = bulk(
        api,
        {"method": "GET", "path": "/Users"},
        {"method": "POST", "path": "/Widgets", "data": {}},
        {"method": "POST", "path": "/Users/abc", "data": {"userName": "x"}},
        "not an object",
    )
    assert [r["status"] for r in results] == ["400", "404", "400", "400"]


def test_bulk_without_operations_is_400(api):
    api.error(api.client.post("/scim/v2/Bulk", json={"schemas": [BULK]}), 400, "invalidSyntax")
