"""The discovery endpoints: /ServiceProviderConfig, /ResourceTypes, /Schemas (RFC 7644 §4).

A document the target does not serve is one finding, under the requirement that it be served;
the tests that judge what such a document holds are blocked by it. The format of a listing is
graded by its own test, and the documents inside it by theirs, so the listings are read
leniently here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from scimcert.harness.bodies import without_nulls
from scimcert.harness.checks import (
    body_of,
    expect,
    expect_equal,
    expect_error,
    expect_list,
    expect_schema,
    expect_status,
)
from scimcert.harness.discovery import endpoint_path
from scimcert.harness.outcome import blocked
from scimcert.scim.urns import SPC_URN

FEATURES = ["patch", "bulk", "filter", "changePassword", "sort", "etag"]
SPC = "rfc7644/4/service-provider-config"
RESOURCE_TYPES = "/ResourceTypes"
SCHEMAS = "/Schemas"
LISTS = [RESOURCE_TYPES, SCHEMAS]
# The requirement a listing's existence is graded by, and the one its format is graded by.
SERVED = {RESOURCE_TYPES: "rfc7644/4/resource-types-served", SCHEMAS: "rfc7644/4/schemas-list"}
FORMAT = {RESOURCE_TYPES: "rfc7644/4/resource-types-list", SCHEMAS: "rfc7644/4/schemas-list"}


@dataclass(frozen=True)
class Listing:
    """What a discovery listing answered: its status and the documents it holds (None when it
    holds no list at all)."""

    path: str
    status: int
    items: list[dict[str, Any]] | None

    def documents(self) -> list[dict[str, Any]]:
        """The documents listed; blocked when there is no list to read."""
        if self.status != 200:
            blocked(SERVED[self.path], f"GET {self.path} answered {self.status}")
        if self.items is None:
            blocked(FORMAT[self.path], f"GET {self.path} answered no list of documents")
        return self.items


def read_listing(resp: httpx.Response, path: str) -> Listing:
    """The documents of a listing however it is shaped: a ListResponse with or without its
    other members, or a bare JSON array."""
    try:
        body = resp.json()
    except ValueError:
        body = None
    items = body.get("Resources") if isinstance(body, dict) else body
    found = [item for item in items if isinstance(item, dict)] if isinstance(items, list) \
        else None
    return Listing(path, resp.status_code, found)


@pytest.fixture(scope="module")
def listings(scim_session) -> Callable[[str], Listing]:
    """Each discovery listing, read once per module."""
    read: dict[str, Listing] = {}

    def get(path: str) -> Listing:
        if path not in read:
            read[path] = read_listing(scim_session.get(path), path)
        return read[path]

    return get


@pytest.fixture
def resource_types(listings) -> list[dict[str, Any]]:
    return listings(RESOURCE_TYPES).documents()


@pytest.fixture
def schemas(listings) -> list[dict[str, Any]]:
    return listings(SCHEMAS).documents()


def served(listings, path: str) -> None:
    """Blocked unless the target serves the listing at `path`."""
    found = listings(path)
    if found.status != 200:
        blocked(SERVED[path], f"GET {path} answered {found.status}")


@pytest.mark.requirement(SPC)
def test_service_provider_config_is_valid(scim):
    resp = scim.get("/ServiceProviderConfig")
    expect_status(resp, 200)
    body = body_of(resp)
    expect(isinstance(body, dict) and SPC_URN in (body.get("schemas") or []),
           "schemas names the ServiceProviderConfig URN", expected=[SPC_URN],
           actual=body.get("schemas") if isinstance(body, dict) else body)
    # RFC 7643 §2.5: a null member is unassigned, as if absent.
    expect_schema(without_nulls(body), "ServiceProviderConfig", resp=resp)


@pytest.mark.requirement("rfc7643/5/feature-flags")
@pytest.mark.parametrize("feature", FEATURES)
def test_service_provider_config_declares_feature(discovery, spc, feature):
    if discovery.spc is None:
        blocked(SPC, discovery.problem or "the target serves no ServiceProviderConfig")
    declared = spc.get(feature)
    expect(isinstance(declared, dict) and isinstance(declared.get("supported"), bool),
           f"{feature} is declared with a boolean supported flag",
           expected={"supported": "true or false"}, actual=declared)


@pytest.mark.requirement("rfc7644/4/resource-types-served")
def test_resource_types_are_served(scim):
    expect_status(scim.get(RESOURCE_TYPES), 200)


@pytest.mark.requirement("rfc7644/4/resource-types-list")
def test_resource_types_answer_is_list_response(scim):
    resp = scim.get(RESOURCE_TYPES)
    if resp.status_code != 200:
        blocked(SERVED[RESOURCE_TYPES], f"GET {RESOURCE_TYPES} answered {resp.status_code}")
    found = expect_list(resp)
    expect(found.get("Resources"), "at least one resource type is listed", expected="[…]",
           actual=found.get("Resources"))


@pytest.mark.requirement("rfc7644/4/schemas-list")
def test_schemas_answer_is_list_response(scim):
    found = expect_list(scim.get(SCHEMAS))
    expect(found.get("Resources"), "at least one schema is listed", expected="[…]",
           actual=found.get("Resources"))


@pytest.mark.requirement("rfc7643/6/resource-type-valid")
def test_each_resource_type_is_valid(resource_types):
    for resource_type in resource_types:
        expect_schema(without_nulls(resource_type), "ResourceType")


@pytest.mark.requirement("rfc7643/7/schema-valid")
def test_each_schema_is_valid(schemas):
    for schema in schemas:
        expect_schema(without_nulls(schema), "Schema")


@pytest.mark.requirement("rfc7644/4/by-id")
def test_resource_type_is_readable_by_id(scim, resource_types):
    for resource_type in resource_types:
        # id is OPTIONAL on a ResourceType (RFC 7643 §6); the name identifies it when absent.
        key = "id" if resource_type.get("id") else "name"
        resp = scim.get(f"{RESOURCE_TYPES}/{resource_type.get(key)}")
        expect_status(resp, 200)
        expect_equal(body_of(resp).get(key), resource_type.get(key), f"ResourceType {key}")


@pytest.mark.requirement("rfc7644/4/by-id")
def test_schema_is_readable_by_id(scim, schemas):
    for schema in schemas:
        resp = scim.get(f"{SCHEMAS}/{schema.get('id')}")
        expect_status(resp, 200)
        expect_equal(body_of(resp).get("id"), schema.get("id"), "Schema id")


@pytest.mark.requirement("rfc7644/4/unknown-id-404")
@pytest.mark.parametrize(("listing", "unknown"), [
    pytest.param(RESOURCE_TYPES, "{run}Nothing", id="/ResourceTypes/{run}Nothing"),
    pytest.param(SCHEMAS, "urn:ietf:params:scim:schemas:core:2.0:{run}Nothing",
                 id="/Schemas/urn:ietf:params:scim:schemas:core:2.0:{run}Nothing")])
def test_unknown_discovery_id_answers_404(scim, target, listings, listing, unknown):
    served(listings, listing)
    expect_status(scim.get(f"{listing}/{unknown.replace('{run}', target.run_id)}"), 404)


@pytest.mark.requirement("rfc7644/4/schemas-cover-resource-types")
def test_schemas_cover_every_resource_type(resource_types, schemas):
    served_ids = {schema.get("id") for schema in schemas}
    wanted = {resource_type.get("schema") for resource_type in resource_types} | {
        extension.get("schema") for resource_type in resource_types
        for extension in resource_type.get("schemaExtensions") or []}
    expect(wanted <= served_ids, "every resource type schema is served on /Schemas",
           expected=sorted(wanted, key=str), actual=sorted(served_ids, key=str))


@pytest.mark.requirement("rfc7643/6/endpoint-served")
def test_every_resource_type_endpoint_answers_list(scim, registry):
    # The target's resource types with their endpoints as paths under the base URL, however
    # the target wrote them (RFC 7643 §4 defaults when it serves no /ResourceTypes).
    for resource_type in registry.resource_types.values():
        resp = scim.get(resource_type.endpoint, params={"startIndex": 1, "count": 1})
        # RFC 7644 §3.4.2.1 lets a provider refuse an unfiltered query with 400 tooMany.
        if resp.status_code == 400:
            expect_error(resp, 400, "tooMany")
        else:
            expect_list(resp)


@pytest.mark.requirement("rfc7643/6/endpoint-relative")
def test_every_resource_type_endpoint_is_relative_to_the_base_url(scim, resource_types):
    written = {str(rt.get("name")): rt.get("endpoint") for rt in resource_types}
    other = {name: endpoint for name, endpoint in written.items()
             if not relative(endpoint, scim.base_url)}
    expect(not other, "every endpoint is relative to the base URL, e.g. \"/Users\"",
           expected={name: "/" + endpoint_path(str(e), scim.base_url).lstrip("/")
                     for name, e in other.items()}, actual=other)


def relative(endpoint: Any, base_url: str) -> bool:
    """Whether `endpoint` names its path by appending to the base URL ("Users", "/Users"),
    rather than repeating the base path or giving a full URL."""
    if not isinstance(endpoint, str) or endpoint.startswith(("http://", "https://")):
        return False
    return endpoint_path(endpoint, base_url) == "/" + endpoint.strip("/")


def ids(documents: list[dict[str, Any]]) -> list[Any]:
    return [document.get("id", document.get("name")) for document in documents]


@pytest.mark.requirement("rfc7644/4/paging-ignored")
@pytest.mark.parametrize("path", LISTS)
def test_discovery_ignores_paging(scim, listings, path):
    full = listings(path).documents()
    resp = scim.get(path, params={"startIndex": 2, "count": 1})
    expect_status(resp, 200)
    paged = read_listing(resp, path)
    expect_equal(ids(paged.items or []), ids(full), "ids listed with paging", resp=resp)


@pytest.mark.requirement("rfc7644/4/filter-forbidden")
@pytest.mark.parametrize("path", LISTS)
def test_discovery_filter_answers_403(scim, listings, path):
    served(listings, path)
    expect_status(scim.get(path, params={"filter": 'id eq "User"'}), 403)


@pytest.mark.requirement("entra/discovery/schemas-without-nulls")
@pytest.mark.parametrize("path", LISTS)
def test_discovery_answer_has_no_null_values(scim, listings, path):
    served(listings, path)
    resp = scim.get(path)
    try:
        body = resp.json()
    except ValueError:
        blocked(FORMAT[path], f"GET {path} answered no JSON")
    found = nulls(body)
    expect(not found, "no value is null", expected=[], actual=found[:10], resp=resp)


def nulls(node: Any, where: str = "") -> list[str]:
    """JSON pointers of the null values in `node`."""
    if node is None:
        return [where or "/"]
    if isinstance(node, dict):
        return [p for key, value in node.items() for p in nulls(value, f"{where}/{key}")]
    if isinstance(node, list):
        return [p for i, value in enumerate(node) for p in nulls(value, f"{where}/{i}")]
    return []
