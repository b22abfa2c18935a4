"""Discovery defects (RFC 7644 §4, RFC 7643 §5-7): /ServiceProviderConfig, /ResourceTypes and
/Schemas that misstate what the bridge does, and advertised features that do not work.

A class is the reference bridge with that part swapped, served by the factory its @defect
names after the defect id; a function is the factory itself (tests/broken/bridges/registry.py).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.types import Scope

from scimcert.bridge.discovery import Discovery
from scimcert.bridge.pipeline import Pipeline, Query
from scimcert.bridge.store import Resource
from scimcert.scim.errors import INVALID_VALUE, ScimError, bad_request, not_found
from scimcert.scim.filter.ast import Node
from scimcert.scim.urns import ENTERPRISE_URN, USER_URN
from tests.broken.bridges.asgi import Exchange, answers, requests
from tests.broken.bridges.registry import defect


@defect(
    "patch-advertised-unimplemented",
    requirements=["rfc7643/5/patch-advertised-works"],
    summary="ServiceProviderConfig advertises patch, but every PATCH answers 501",
    proves=[
        "discovery/test_consistency.py::test_advertised_patch_is_accepted",
    ],
)
class PatchAdvertisedUnimplemented(Pipeline):
    """Advertises patch in ServiceProviderConfig but answers every PATCH with 501."""

    def patch(self, rtype: str, rid: str, message: Any, if_match: str | None = None) -> Resource:
        raise ScimError(501, "PATCH is not implemented")


@defect(
    "schemas-without-user",
    requirements=["rfc7644/4/schemas-cover-resource-types"],
    summary="/Schemas leaves out the core User schema that /ResourceTypes names",
    proves=[
        "discovery/test_endpoints.py::test_schemas_cover_every_resource_type",
    ],
)
class SchemasWithoutUser(Discovery):
    """Leaves the core User schema out of /Schemas while /ResourceTypes names it."""

    def schemas(self, base: str) -> dict[str, Any]:
        listing = super().schemas(base)
        served = [s for s in listing["Resources"] if s["id"] != USER_URN]
        return {**listing, "totalResults": len(served), "itemsPerPage": len(served),
                "Resources": served}


@defect(
    "feature-flags-as-strings",
    requirements=["rfc7643/5/feature-flags"],
    summary="ServiceProviderConfig writes supported as the string \"true\"",
    proves=[
        "discovery/test_endpoints.py::test_service_provider_config_declares_feature",
    ],
)
class FeatureFlagsAsStrings(Discovery):
    """Declares ServiceProviderConfig feature flags as strings ("true") instead of booleans."""

    def service_provider_config(self, base: str) -> dict[str, Any]:
        config = super().service_provider_config(base)
        for name, value in config.items():
            if isinstance(value, dict) and isinstance(value.get("supported"), bool):
                config[name] = {**value, "supported": str(value["supported"]).lower()}
        return config


@defect(
    "group-listing-refused",
    requirements=["rfc7643/6/endpoint-served"],
    summary="GET /Groups without a filter answers 501",
    proves=[
        "discovery/test_endpoints.py::test_every_resource_type_endpoint_answers_list",
    ],
)
class GroupListingRefused(Pipeline):
    """Answers GET /Groups without a filter with 501: it only looks groups up."""

    def list(self, rtype: str, query: Query, base: str) -> dict[str, Any]:
        if rtype == "Group" and query.filter is None:
            raise ScimError(501, "listing groups needs a filter")
        return super().list(rtype, query, base)


@defect(
    "filter-unimplemented",
    requirements=["rfc7643/5/filter-advertised-works"],
    summary="filter is advertised, but every filtered query answers 501",
    proves=[
        "discovery/test_consistency.py::test_advertised_filter_answers_query",
    ],
)
class FilterUnimplemented(Pipeline):
    """Advertises filter but answers every filtered query with 501."""

    def filters(self, rtypes: Sequence[str], text: str | None) -> tuple[Node | None, set[str]]:
        if text is not None:
            raise ScimError(501, "filtering is not implemented")
        return super().filters(rtypes, text)


@defect(
    "config-without-schemas",
    requirements=["rfc7644/4/service-provider-config"],
    summary="/ServiceProviderConfig has no schemas attribute",
    proves=[
        "discovery/test_endpoints.py::test_service_provider_config_is_valid",
    ],
)
class ConfigWithoutSchemas(Discovery):
    """Leaves the `schemas` attribute out of /ServiceProviderConfig."""

    def service_provider_config(self, base: str) -> dict[str, Any]:
        config = super().service_provider_config(base)
        return {k: v for k, v in config.items() if k != "schemas"}


@defect(
    "resource-types-bare-array",
    requirements=["rfc7644/4/resource-types-list"],
    summary="GET /ResourceTypes answers a bare JSON array",
    proves=[
        "discovery/test_endpoints.py::test_resource_types_answer_is_list_response",
    ],
)
class ResourceTypesBareArray(Discovery):
    """Answers GET /ResourceTypes with a bare JSON array instead of a ListResponse."""

    def resource_types(self, base: str) -> Any:
        return super().resource_types(base)["Resources"]


@defect(
    "schemas-without-total",
    requirements=["rfc7644/4/schemas-list"],
    summary="GET /Schemas answers a ListResponse without totalResults",
    proves=[
        "discovery/test_endpoints.py::test_schemas_answer_is_list_response",
    ],
)
class SchemasWithoutTotal(Discovery):
    """Answers GET /Schemas with a ListResponse that has no totalResults."""

    def schemas(self, base: str) -> dict[str, Any]:
        listing = super().schemas(base)
        return {k: v for k, v in listing.items() if k != "totalResults"}


@defect(
    "resource-types-without-schemas",
    requirements=["rfc7643/6/resource-type-valid"],
    summary="ResourceTypes have no schemas attribute",
    proves=[
        "discovery/test_endpoints.py::test_each_resource_type_is_valid",
    ],
)
class ResourceTypesWithoutSchemas(Discovery):
    """Leaves `schemas` out of each ResourceType."""

    def resource_types(self, base: str) -> dict[str, Any]:
        listing = super().resource_types(base)
        kept = [{k: v for k, v in rt.items() if k != "schemas"} for rt in listing["Resources"]]
        return {**listing, "Resources": kept}


@defect(
    "extension-schema-stub",
    requirements=["rfc7643/7/schema-valid"],
    summary="The enterprise extension schema has no attribute definitions",
    proves=[
        "discovery/test_endpoints.py::test_each_schema_is_valid",
    ],
)
class ExtensionSchemaStub(Discovery):
    """Lists the enterprise extension schema without its attribute definitions."""

    def schemas(self, base: str) -> dict[str, Any]:
        listing = super().schemas(base)
        served = [{k: v for k, v in s.items() if k != "attributes"} if s["id"] == ENTERPRISE_URN
                  else s for s in listing["Resources"]]
        return {**listing, "Resources": served}


@defect(
    "schema-nulls",
    requirements=["entra/discovery/schemas-without-nulls"],
    summary="Schemas write unset characteristics as null",
    proves=[
        "discovery/test_endpoints.py::test_discovery_answer_has_no_null_values",
    ],
)
class SchemaNulls(Discovery):
    """Writes unset attribute characteristics as null (canonicalValues: null)."""

    def schemas(self, base: str) -> dict[str, Any]:
        listing = super().schemas(base)
        served = [{**s, "attributes": [{"canonicalValues": None, **a} for a in s["attributes"]]}
                  for s in listing["Resources"]]
        return {**listing, "Resources": served}


@defect(
    "resource-type-by-id-missing",
    requirements=["rfc7644/4/by-id"],
    summary="A ResourceType read by id answers 404",
    strict=True,
    note="by-id is SHOULD in the catalogue: only a failure under --scim-strict.",
    proves=[
        "discovery/test_endpoints.py::test_resource_type_is_readable_by_id",
    ],
)
class ResourceTypeByIdMissing(Discovery):
    """Lists resource types but answers 404 for each one read by id."""

    def resource_type(self, name: str, base: str) -> dict[str, Any]:
        raise not_found(f"ResourceType {name!r} not found")


@defect(
    "schema-by-id-core-only",
    requirements=["rfc7644/4/by-id"],
    summary="A schema read by id answers 404 unless it is the core schema of a resource type",
    strict=True,
    note="by-id is SHOULD in the catalogue: only a failure under --scim-strict.",
    proves=[
        "discovery/test_endpoints.py::test_schema_is_readable_by_id",
    ],
)
class SchemaByIdCoreOnly(Discovery):
    """Looks a schema read by id up among the core schemas of the resource types, not among
    every schema /Schemas lists: the enterprise extension is listed but answers 404."""

    def schema(self, urn: str, base: str) -> dict[str, Any]:
        cores = {rt.schema.lower() for rt in self.registry.resource_types.values()}
        if urn.lower() not in cores:
            raise not_found(f"Schema {urn!r} not found")
        return super().schema(urn, base)


@defect(
    "unknown-schema-id-answers-400",
    requirements=["rfc7644/4/unknown-id-404"],
    summary="An unknown schema id is answered 400, not 404",
    strict=True,
    note="unknown-id-404 is SHOULD in the catalogue: only a failure under --scim-strict.",
    proves=[
        "discovery/test_endpoints.py::test_unknown_discovery_id_answers_404",
    ],
)
class UnknownSchemaIdAnswers400(Discovery):
    """Answers an unknown schema id with 400 invalidValue instead of 404."""

    def schema(self, urn: str, base: str) -> dict[str, Any]:
        if self.registry.schema(urn) is None:
            raise bad_request(INVALID_VALUE, f"{urn!r} is not a schema URN")
        return super().schema(urn, base)


@defect(
    "discovery-paged",
    requirements=["rfc7644/4/paging-ignored"],
    summary="/ResourceTypes and /Schemas are paged by startIndex and count",
    proves=[
        "discovery/test_endpoints.py::test_discovery_ignores_paging",
    ],
)
@answers
def discovery_paged(exchange: Exchange) -> None:
    """Pages /ResourceTypes and /Schemas by startIndex and count."""
    body = exchange.json()
    if not (exchange.path.endswith(("/ResourceTypes", "/Schemas")) and isinstance(body, dict)):
        return
    start = int(exchange.query.get("startIndex", "1") or 1)
    count = exchange.query.get("count")
    end = None if count is None else start - 1 + int(count)
    page = body.get("Resources", [])[start - 1:end]
    exchange.set_body(json.dumps({**body, "startIndex": start, "itemsPerPage": len(page),
                                  "Resources": page}).encode())


@defect(
    "discovery-filter-ignored",
    requirements=["rfc7644/4/filter-forbidden"],
    summary="A filter on a discovery endpoint is ignored (200)",
    strict=True,
    note="filter-forbidden is SHOULD in the catalogue: only a failure under --scim-strict.",
    proves=[
        "discovery/test_endpoints.py::test_discovery_filter_answers_403",
    ],
)
@requests
def discovery_filter_ignored(scope: Scope, tokens: Sequence[str]) -> Scope:
    """Ignores a filter on discovery endpoints (200)."""
    if not scope["path"].endswith(("/ResourceTypes", "/Schemas")):
        return scope
    query = parse_qsl(scope.get("query_string", b"").decode("latin-1"))
    kept = [(k, v) for k, v in query if k.lower() != "filter"]
    return {**scope, "query_string": urlencode(kept).encode()}


@defect(
    "resource-types-not-served",
    requirements=["rfc7644/4/resource-types-served"],
    summary="/ResourceTypes answers 404 while ServiceProviderConfig and /Schemas are served",
    strict=True,
    note="resource-types-served is SHOULD (RFC 7644 §4): only a failure under --scim-strict.",
    proves=[
        "discovery/test_endpoints.py::test_resource_types_are_served",
    ],
)
@answers
def resource_types_not_served(exchange: Exchange) -> None:
    """Serves no /ResourceTypes (404 with a SCIM error), as bridges built for Entra do."""
    if "/ResourceTypes" in exchange.path:
        exchange.status = 404
        exchange.set_body(json.dumps({"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
                                      "status": "404", "detail": "not found"}).encode())


@defect(
    "endpoints-under-base-path",
    requirements=["rfc7643/6/endpoint-relative"],
    summary="ResourceType endpoints repeat the base path (/scim/v2/Users)",
    strict=True,
    note="endpoint-relative is SHOULD (RFC 7643 §6): only a failure under --scim-strict.",
    proves=[
        "discovery/test_endpoints.py::test_every_resource_type_endpoint_is_relative_to_the_base_url",
    ],
)
@answers
def endpoints_under_base_path(exchange: Exchange) -> None:
    """Writes each ResourceType endpoint with the base path in front, as django-scim2 does."""
    body = exchange.json()
    if "/ResourceTypes" not in exchange.path or not isinstance(body, dict):
        return
    for item in body.get("Resources", [body]):
        if isinstance(item, dict) and isinstance(item.get("endpoint"), str):
            item["endpoint"] = "/scim/v2/" + item["endpoint"].lstrip("/")
    exchange.set_body(json.dumps(body).encode())
