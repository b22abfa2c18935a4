"""schemas/scim/: each accepts what RFC 7643/7644 allow and names where a body breaks them."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from scimcert.harness.checks import CheckFailure, expect_schema
from scimcert.harness.validate import NAMES, violations

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
MSG = "urn:ietf:params:scim:api:messages:2.0:"
CORE = "urn:ietf:params:scim:schemas:core:2.0:"

VALID: dict[str, dict[str, Any]] = {
    "User": {
        "schemas": [USER, ENT], "id": "2819c223", "externalId": "701984", "userName": "bjensen",
        "name": {"givenName": "Barbara", "familyName": "Jensen"}, "active": True,
        "emails": [{"value": "bjensen@example.com", "type": "work", "primary": True}],
        "meta": {"resourceType": "User", "created": "2010-01-23T04:56:22Z",
                 "lastModified": "2011-05-13T04:42:34.123+02:00", "version": 'W/"a330bc54"',
                 "location": "https://example.com/v2/Users/2819c223"},
        "urn:example:custom:2.0:User": {"badge": 7}, "x-vendor": ["anything"],
        ENT: {"employeeNumber": "701984", "manager": {"value": "26118915"}},
    },
    "EnterpriseUser": {"schemas": [USER, ENT], "id": "1", "userName": "u",
                       ENT: {"costCenter": "4130"}},
    "Group": {"schemas": [GROUP], "id": "e9e30dba", "displayName": "Tour Guides",
              "members": [{"value": "2819c223", "$ref": "https://x/Users/2819c223",
                           "display": "Babs"}]},
    "Resource": {"schemas": ["urn:example:params:scim:schemas:acme:2.0:Device"], "id": "d1",
                 "serial": "X-1", "meta": {"resourceType": "Device"}},
    "ListResponse": {"schemas": [MSG + "ListResponse"], "totalResults": 0},
    "Error": {"schemas": [MSG + "Error"], "status": "400", "scimType": "invalidFilter",
              "detail": "bad filter"},
    "PatchOp": {"schemas": [MSG + "PatchOp"], "Operations": [
        {"op": "add", "path": "members", "value": [{"value": "1"}]},
        {"op": "remove", "path": "emails[type eq \"work\"]"},
        {"op": "replace", "value": {"active": False}}]},
    "SearchRequest": {"schemas": [MSG + "SearchRequest"], "filter": "userName pr",
                      "startIndex": 1, "count": 10, "sortOrder": "descending"},
    "BulkRequest": {"schemas": [MSG + "BulkRequest"], "failOnErrors": 1, "Operations": [
        {"method": "POST", "path": "/Users", "bulkId": "q1", "data": {"userName": "a"}},
        {"method": "DELETE", "path": "/Users/1"}]},
    "BulkResponse": {"schemas": [MSG + "BulkResponse"], "Operations": [
        {"method": "POST", "bulkId": "q1", "location": "https://x/Users/1", "status": "201"},
        {"method": "DELETE", "status": 404, "response": {"status": "404"}}]},
    "ServiceProviderConfig": {
        "schemas": [CORE + "ServiceProviderConfig"], "patch": {"supported": True},
        "bulk": {"supported": True, "maxOperations": 1000, "maxPayloadSize": 1048576},
        "filter": {"supported": True, "maxResults": 200}, "changePassword": {"supported": False},
        "sort": {"supported": True}, "etag": {"supported": True},
        "authenticationSchemes": [{"type": "oauthbearertoken", "name": "OAuth Bearer Token",
                                   "description": "Bearer tokens", "primary": True}]},
    "ResourceType": {"schemas": [CORE + "ResourceType"], "id": "User", "name": "User",
                     "endpoint": "/Users", "schema": USER,
                     "schemaExtensions": [{"schema": ENT, "required": False}]},
    "Schema": {"id": USER, "name": "User", "attributes": [
        {"name": "userName", "type": "string", "multiValued": False, "required": True,
         "caseExact": False, "mutability": "readWrite", "returned": "default",
         "uniqueness": "server"},
        {"name": "name", "type": "complex", "subAttributes": [
            {"name": "givenName", "type": "string"}]}]},
}

# (schema, id, change to the valid sample, JSON pointer the violation must name)
INVALID = [
    ("User", "missing-username", {"userName": None}, ""),
    ("User", "active-as-string", {"active": "true"}, "/active"),
    ("User", "primary-as-string", {"emails": [{"value": "a@b.c", "primary": "True"}]},
     "/emails/0/primary"),
    ("User", "created-not-datetime", {"meta": {"created": "yesterday"}}, "/meta/created"),
    ("User", "enterprise-manager-number", {ENT: {"manager": {"value": 5}}},
     f"/{ENT}/manager/value"),
    ("User", "no-user-urn", {"schemas": [GROUP]}, "/schemas"),
    ("EnterpriseUser", "extension-missing", {ENT: None}, ""),
    ("Group", "no-display-name", {"displayName": None}, ""),
    ("Resource", "id-missing", {"id": None}, ""),
    ("Resource", "schemas-empty", {"schemas": []}, "/schemas"),
    ("Group", "member-value-number", {"members": [{"value": 1}]}, "/members/0/value"),
    ("ListResponse", "resources-missing", {"totalResults": 2}, ""),
    ("ListResponse", "total-as-string", {"totalResults": "0"}, "/totalResults"),
    ("ListResponse", "start-index-zero", {"startIndex": 0}, "/startIndex"),
    ("Error", "status-as-integer", {"status": 400}, "/status"),
    ("Error", "no-error-urn", {"schemas": [MSG + "ListResponse"]}, "/schemas"),
    ("PatchOp", "capitalised-op", {"Operations": [{"op": "Replace", "value": {}}]},
     "/Operations/0/op"),
    ("PatchOp", "remove-without-path", {"Operations": [{"op": "remove"}]}, "/Operations/0"),
    ("PatchOp", "add-without-value", {"Operations": [{"op": "add", "path": "x"}]},
     "/Operations/0"),
    ("SearchRequest", "count-as-string", {"count": "10"}, "/count"),
    ("BulkRequest", "post-without-bulkid", {"Operations": [{"method": "POST", "path": "/Users",
                                                            "data": {}}]}, "/Operations/0"),
    ("BulkResponse", "status-missing", {"Operations": [{"method": "PUT"}]}, "/Operations/0"),
    ("ServiceProviderConfig", "etag-missing", {"etag": None}, ""),
    ("ServiceProviderConfig", "supported-as-string", {"patch": {"supported": "yes"}},
     "/patch/supported"),
    ("ResourceType", "extension-required-missing", {"schemaExtensions": [{"schema": ENT}]},
     "/schemaExtensions/0"),
    ("Schema", "unknown-type", {"attributes": [{"name": "a", "type": "text"}]},
     "/attributes/0/type"),
]


def changed(name: str, change: dict[str, Any]) -> dict[str, Any]:
    doc = copy.deepcopy(VALID[name])
    for key, value in change.items():
        if value is None:
            doc.pop(key)
        else:
            doc[key] = value
    return doc


def test_every_contract_name_has_a_schema_and_a_sample() -> None:
    assert sorted(VALID) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_rfc_sample_is_valid(name: str) -> None:
    assert violations(VALID[name], name) == []


def test_list_response_without_resources_is_valid_for_count_zero() -> None:
    body = {"schemas": [MSG + "ListResponse"], "totalResults": 12, "itemsPerPage": 0,
            "startIndex": 1}
    assert violations(body, "ListResponse") == []


@pytest.mark.parametrize(("name", "change", "where"),
                         [pytest.param(n, c, w, id=f"{n}-{i}") for n, i, c, w in INVALID])
def test_forbidden_document_is_rejected_at_its_pointer(name: str, change: dict[str, Any],
                                                       where: str) -> None:
    found = violations(changed(name, change), name)
    assert where in [v.pointer for v in found], found


def test_expect_schema_failure_names_each_pointer() -> None:
    body = changed("User", {"active": "yes", "emails": [{"value": 3}]})
    with pytest.raises(CheckFailure) as raised:
        expect_schema(body, "User")
    message = str(raised.value)
    assert "body is not a valid User" in message
    assert "/active: 'yes' is not of type 'boolean'" in message
    assert "/emails/0/value: 3 is not of type 'string'" in message


def test_bulk_status_may_be_an_object_with_a_code():
    # RFC 7644 §3.7.3's prose asks for a status with a code attribute; its examples use strings.
    body = {"schemas": [MSG + "BulkResponse"], "Operations": [
        {"method": "POST", "bulkId": "q1", "status": {"code": "400", "description": "bad"}}]}
    assert violations(body, "BulkResponse") == []
