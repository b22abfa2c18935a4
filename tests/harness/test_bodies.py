"""The body classifier and checker: which schema each answer has, and what breaks it."""

from __future__ import annotations

import pytest

from scimcert.harness.bodies import Finding, Part, check, check_exchange, classify, kinds_of
from scimcert.wire import Exchange

USER_URN = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_URN = "urn:ietf:params:scim:schemas:core:2.0:Group"
LIST_URN = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
USER = {"schemas": [USER_URN], "id": "u1", "userName": "bjensen"}
GROUP = {"schemas": [GROUP_URN], "id": "g1", "displayName": "Tour Guides"}


def listing(*resources: dict) -> dict:
    return {"schemas": [LIST_URN], "totalResults": len(resources), "Resources": list(resources)}


CASES = [
    pytest.param("GET", "/Users/u1", 404, {}, [Part("", "Error")], id="error-status"),
    pytest.param("POST", "/Bulk", 413, {}, [Part("", "Error")], id="error-on-any-endpoint"),
    pytest.param("GET", "/Users/u1", 200, USER, [Part("", "User")], id="read-user"),
    pytest.param("POST", "/Users", 201, USER, [Part("", "User")], id="created-user"),
    pytest.param("PUT", "/Groups/g1", 200, GROUP, [Part("", "Group")], id="replaced-group"),
    pytest.param("PATCH", "/Users/u1", 200, USER, [Part("", "User")], id="patched-user"),
    pytest.param("GET", "/Users", 200, listing(USER, USER),
                 [Part("", "ListResponse"), Part("/Resources/0", "User"),
                  Part("/Resources/1", "User")], id="user-listing"),
    pytest.param("POST", "/Groups/.search", 200, listing(GROUP),
                 [Part("", "ListResponse"), Part("/Resources/0", "Group")], id="group-search"),
    pytest.param("POST", "/.search", 200,
                 listing({**GROUP, "meta": {"resourceType": "Group"}}, {"id": "x"}),
                 [Part("", "ListResponse"), Part("/Resources/0", "Group")],
                 id="root-search-by-resource-type"),
    pytest.param("POST", "/Bulk", 200, {}, [Part("", "BulkResponse")], id="bulk"),
    pytest.param("GET", "/ServiceProviderConfig", 200, {}, [Part("", "ServiceProviderConfig")],
                 id="service-provider-config"),
    pytest.param("GET", "/ResourceTypes", 200, listing({}),
                 [Part("", "ListResponse"), Part("/Resources/0", "ResourceType")],
                 id="resource-types"),
    pytest.param("GET", "/Schemas/urn:x", 200, {}, [Part("", "Schema")], id="schema-by-id"),
    pytest.param("GET", "/Devices/d1", 200, {}, [], id="unknown-endpoint"),
    pytest.param("GET", "/Me", 200, USER, [], id="me-unclassified"),
    pytest.param("DELETE", "/Users/u1", 204, {}, [], id="delete"),
    pytest.param("GET", "/Users/u1", 304, {}, [], id="not-modified"),
]


@pytest.mark.parametrize(("method", "path", "status", "body", "parts"), CASES)
def test_classify_names_the_schema_of_each_document(method, path, status, body, parts):
    assert classify(method, path, status, body) == parts


def test_attributes_parameter_marks_resources_partial():
    parts = classify("GET", "/Users", 200, listing(USER), query={"attributes": "userName"})
    assert parts == [Part("", "ListResponse"), Part("/Resources/0", "User", partial=True)]


def test_search_body_attributes_mark_resources_partial():
    parts = classify("POST", "/Users/.search", 200, listing(USER),
                     sent={"excludedAttributes": ["emails"]})
    assert parts[1].partial


DEVICE_URN = "urn:example:params:scim:schemas:acme:2.0:Device"
DEVICE = {"schemas": [DEVICE_URN], "id": "d1", "serial": "X-1"}


def test_endpoints_come_from_the_target_resource_types():
    kinds = kinds_of([("/People", USER_URN), ("/Devices", DEVICE_URN)])
    assert kinds == {"people": "User", "devices": "Device"}
    assert classify("GET", "/People/p1", 200, USER, endpoints=kinds) == [Part("", "User")]
    assert classify("GET", "/Users/u1", 200, USER, endpoints=kinds) == []


def test_every_declared_resource_type_is_classified():
    kinds = kinds_of([("/Devices", DEVICE_URN)])
    assert classify("GET", "/Devices/d1", 200, DEVICE, endpoints=kinds) == [Part("", "Device")]
    assert classify("POST", "/Devices", 201, DEVICE, endpoints=kinds) == [Part("", "Device")]
    assert classify("GET", "/Devices", 200, listing(DEVICE), endpoints=kinds) == [
        Part("", "ListResponse"), Part("/Resources/0", "Device")]
    found = classify("POST", "/.search", 200,
                     listing({**DEVICE, "meta": {"resourceType": "Device"}}), endpoints=kinds)
    assert found == [Part("", "ListResponse"), Part("/Resources/0", "Device")]


def test_a_custom_type_named_like_a_known_kind_is_judged_as_any_resource():
    assert kinds_of([("/Staff", "urn:example:User"), ("/Odd", "urn:example:x-y")]) == {
        "staff": "Resource", "odd": "Resource"}


def test_a_custom_resource_is_judged_by_what_every_resource_has():
    kinds = kinds_of([("/Devices", DEVICE_URN)])
    assert check("GET", "/Devices/d1", 200, DEVICE, endpoints=kinds) == []
    found = check("GET", "/Devices/d1", 200, {"schemas": [DEVICE_URN], "serial": 5},
                  endpoints=kinds)
    assert [(f.kind, f.message) for f in found] == [("Device", "'id' is a required property")]


def test_an_endpoint_of_several_segments_is_matched_whole():
    kinds = kinds_of([("/tenant/Users", USER_URN)])
    assert classify("GET", "/tenant/Users/u1", 200, USER, endpoints=kinds) == [
        Part("", "User")]
    assert classify("PUT", "/tenant/Users/u1", 200, USER, endpoints=kinds) == [
        Part("", "User")]
    assert classify("GET", "/tenant", 200, USER, endpoints=kinds) == []


def test_valid_bodies_have_no_findings():
    assert check("GET", "/Users", 200, listing(USER)) == []
    assert check("GET", "/Users/x", 404, {"schemas": ["urn:ietf:params:scim:api:messages:2.0:"
                                                      "Error"], "status": "404"}) == []


def test_finding_names_the_pointer_inside_a_listing():
    broken = {**GROUP, "members": ["u1"]}
    found = check("GET", "/Groups", 200, listing(GROUP, broken))
    assert [(f.kind, f.pointer) for f in found] == [("Group", "/Resources/1/members/0")]
    assert found[0].text().startswith("GET /Groups 200: Group /Resources/1/members/0: ")


def test_error_status_as_number_is_found():
    body = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "status": 409}
    assert [(f.kind, f.pointer) for f in check("POST", "/Users", 409, body)] == [
        ("Error", "/status")]


def test_unrequested_attributes_may_be_missing_but_id_may_not():
    narrowed = {"schemas": [USER_URN], "displayName": "Babs"}
    found = check("GET", "/Users", 200, listing(narrowed), query={"attributes": "displayName"})
    assert [f.message for f in found] == ["'id' is a required property"]


def test_null_attributes_count_as_unassigned():
    assert check("GET", "/Users/u1", 200, {**USER, "displayName": None}) == []
    spc = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
           "documentationUri": None, **{f: {"supported": False} for f in (
               "patch", "changePassword", "sort", "etag")},
           "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
           "filter": {"supported": False, "maxResults": 0}, "authenticationSchemes": []}
    assert check("GET", "/ServiceProviderConfig", 200, spc) == []
    error = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "status": "404",
             "detail": None, "scimType": None}
    assert check("GET", "/Users/x", 404, error) == []


def test_finding_text_round_trips():
    finding = Finding("GET /Users 200", "User", "/Resources/0/name", "5 is not of type 'object'")
    assert Finding.parse(finding.text()) == finding


def exchange(url: str, body: str, status: int = 200, method: str = "GET") -> Exchange:
    return Exchange(method=method, url=url, request_headers=(), request_body="", status=status,
                    response_body=body)


def test_exchange_path_is_taken_relative_to_the_base_url():
    found = check_exchange(exchange("http://t/scim/v2/Users/u1?attributes=x",
                                    '{"schemas": [], "id": "u1"}'), "http://t/scim/v2")
    assert {(f.exchange, f.pointer) for f in found} == {("GET /Users/u1 200", "/schemas")}


@pytest.mark.parametrize("endpoint", ["/scim/v2/Users", "https://t/scim/v2/Users", "/Users"])
def test_endpoints_written_with_the_base_path_still_classify(endpoint):
    # django-scim2 declares "/scim/v2/Users"; bodies must be checked all the same (H5).
    kinds = kinds_of([(endpoint, USER_URN)])
    body = '{"schemas": [], "id": "u1", "userName": "bjensen"}'
    found = check_exchange(exchange("http://t/scim/v2/Users/u1", body), "http://t/scim/v2", kinds)
    assert {(f.kind, f.pointer) for f in found} == {("User", "/schemas")}


def test_exchanges_outside_the_base_or_not_json_are_skipped():
    assert check_exchange(exchange("http://t/ping", '{"status": 1}', 500),
                          "http://t/scim/v2") == []
    assert check_exchange(exchange("http://t/scim/v2/Users/u1", "oops", 500),
                          "http://t/scim/v2") == []
