"""The discovery endpoints: /ServiceProviderConfig, /ResourceTypes, /Schemas (RFC 7644 §4)."""

from __future__ import annotations

from typing import Any

import pytest

from scimcert.harness.checks import (
    body_of,
    expect,
    expect_equal,
    expect_error,
    expect_list,
    expect_schema,
    expect_status,
    precondition,
)
from scimcert.harness.messages import SPC_URN

FEATURES = ["patch", "bulk", "filter", "changePassword", "sort", "etag"]
LISTS = ["/ResourceTypes", "/Schemas"]


@pytest.fixture(scope="module")
def resource_types(scim_session) -> list[dict[str, Any]]:
    with precondition("rfc7644/4/resource-types-list"):
        return expect_list(scim_session.get("/ResourceTypes")).get("Resources", [])


@pytest.fixture(scope="module")
def schemas(scim_session) -> list[dict[str, Any]]:
    with precondition("rfc7644/4/schemas-list"):
        return expect_list(scim_session.get("/Schemas")).get("Resources", [])


@pytest.mark.requirement("rfc7644/4/service-provider-config")
def test_service_provider_config_is_valid(scim):
    resp = scim.get("/ServiceProviderConfig")
    expect_status(resp, 200)
    body = body_of(resp)
    expect(SPC_URN in (body.get("schemas") or []), "schemas names the ServiceProviderConfig URN",
           expected=[SPC_URN], actual=body.get("schemas"))
    expect_schema(body, "ServiceProviderConfig", resp=resp)


@pytest.mark.requirement("rfc7643/5/feature-flags")
@pytest.mark.parametrize("feature", FEATURES)
def test_service_provider_config_declares_feature(spc, feature):
    declared = spc.get(feature)
    expect(isinstance(declared, dict) and isinstance(declared.get("supported"), bool),
           f"{feature} is declared with a boolean supported flag",
           expected={"supported": "true or false"}, actual=declared)


@pytest.mark.requirement("rfc7644/4/resource-types-list")
def test_resource_types_answer_is_list_response(scim):
    found = expect_list(scim.get("/ResourceTypes"))
    expect(found.get("Resources"), "at least one resource type is listed", expected="[…]",
           actual=found.get("Resources"))


@pytest.mark.requirement("rfc7644/4/schemas-list")
def test_schemas_answer_is_list_response(scim):
    found = expect_list(scim.get("/Schemas"))
    expect(found.get("Resources"), "at least one schema is listed", expected="[…]",
           actual=found.get("Resources"))


@pytest.mark.requirement("rfc7643/6/resource-type-valid")
def test_each_resource_type_is_valid(resource_types):
    for resource_type in resource_types:
        expect_schema(resource_type, "ResourceType")


@pytest.mark.requirement("rfc7643/7/schema-valid")
def test_each_schema_is_valid(schemas):
    for schema in schemas:
        expect_schema(schema, "Schema")


@pytest.mark.requirement("rfc7644/4/by-id")
def test_resource_type_is_readable_by_id(scim, resource_types):
    for resource_type in resource_types:
        # id is OPTIONAL on a ResourceType (RFC 7643 §6); the name identifies it when absent.
        key = "id" if resource_type.get("id") else "name"
        resp = scim.get(f"/ResourceTypes/{resource_type[key]}")
        expect_status(resp, 200)
        expect_equal(body_of(resp).get(key), resource_type[key], f"ResourceType {key}")


@pytest.mark.requirement("rfc7644/4/by-id")
def test_schema_is_readable_by_id(scim, schemas):
    for schema in schemas:
        resp = scim.get(f"/Schemas/{schema['id']}")
        expect_status(resp, 200)
        expect_equal(body_of(resp).get("id"), schema["id"], "Schema id")


@pytest.mark.requirement("rfc7644/4/unknown-id-404")
@pytest.mark.parametrize("path", ["/ResourceTypes/{run}Nothing",
                                  "/Schemas/urn:ietf:params:scim:schemas:core:2.0:{run}Nothing"])
def test_unknown_discovery_id_answers_404(scim, target, path):
    expect_status(scim.get(path.replace("{run}", target.run_id)), 404)


@pytest.mark.requirement("rfc7644/4/schemas-cover-resource-types")
def test_schemas_cover_every_resource_type(resource_types, schemas):
    served = {schema.get("id") for schema in schemas}
    wanted = {resource_type.get("schema") for resource_type in resource_types} | {
        extension.get("schema") for resource_type in resource_types
        for extension in resource_type.get("schemaExtensions") or []}
    expect(wanted <= served, "every resource type schema is served on /Schemas",
           expected=sorted(wanted, key=str), actual=sorted(served, key=str))


@pytest.mark.requirement("rfc7643/6/endpoint-served")
def test_every_resource_type_endpoint_answers_list(scim, resource_types):
    for resource_type in resource_types:
        resp = scim.get(resource_type["endpoint"], params={"startIndex": 1, "count": 1})
        # RFC 7644 §3.4.2.1 lets a provider refuse an unfiltered query with 400 tooMany.
        if resp.status_code == 400:
            expect_error(resp, 400, "tooMany")
        else:
            expect_list(resp)


@pytest.mark.requirement("rfc7644/4/paging-ignored")
@pytest.mark.parametrize("path", LISTS)
def test_discovery_ignores_paging(scim, path):
    full = expect_list(scim.get(path))
    paged = expect_list(scim.get(path, params={"startIndex": 2, "count": 1}))
    expect_equal([r.get("id") for r in paged.get("Resources", [])],
                 [r.get("id") for r in full.get("Resources", [])], "ids listed with paging")


@pytest.mark.requirement("rfc7644/4/filter-forbidden")
@pytest.mark.parametrize("path", LISTS)
def test_discovery_filter_answers_403(scim, path):
    expect_status(scim.get(path, params={"filter": 'id eq "User"'}), 403)


@pytest.mark.requirement("entra/discovery/schemas-without-nulls")
@pytest.mark.parametrize("path", LISTS)
def test_discovery_answer_has_no_null_values(scim, path):
    resp = scim.get(path)
    expect_status(resp, 200)
    found = nulls(body_of(resp))
    expect(not found, "no value is null", expected=[], actual=found[:10])


def nulls(node: Any, where: str = "") -> list[str]:
    """JSON pointers of the null values in `node`."""
    if node is None:
        return [where or "/"]
    if isinstance(node, dict):
        return [p for key, value in node.items() for p in nulls(value, f"{where}/{key}")]
    if isinstance(node, list):
        return [p for i, value in enumerate(node) for p in nulls(value, f"{where}/{i}")]
    return []
