"""Discovery (RFC 7644 §4): /ServiceProviderConfig, /ResourceTypes and /Schemas, built from the
schema registry and the bridge's settings."""

from __future__ import annotations

from typing import Any

from scimcert.bridge.settings import Settings
from scimcert.scim.errors import not_found
from scimcert.scim.paging import list_response
from scimcert.scim.schema import Registry
from scimcert.scim.urns import SPC_URN

INTEROP_FLAG = "interopProfileConformant"
BEARER = {
    "type": "oauthbearertoken",
    "name": "OAuth Bearer Token",
    "description": "Authentication with a bearer token in the Authorization header",
    "specUri": "https://www.rfc-editor.org/info/rfc6750",
    "primary": True,
}


class Discovery:
    """The discovery resources, one method per endpoint answer."""

    def __init__(self, registry: Registry, settings: Settings) -> None:
        self.registry = registry
        self.settings = settings

    def service_provider_config(self, base: str) -> dict[str, Any]:
        """What the bridge supports, with the limits it enforces (RFC 7643 §5)."""
        settings = self.settings
        # draft-zollner-scim-interop-profile-01 §4: a provider claiming the profile says so; one
        # that does not keep it "MUST either omit this attribute or set its value to false".
        claim = {INTEROP_FLAG: True} if settings.interop else {}
        return {
            "schemas": [SPC_URN],
            **claim,
            "patch": {"supported": True},
            "bulk": {
                "supported": True,
                "maxOperations": settings.max_operations,
                "maxPayloadSize": settings.max_payload,
            },
            "filter": {"supported": True, "maxResults": settings.max_results},
            "changePassword": {"supported": False},
            "sort": {"supported": True},
            "etag": {"supported": True},
            "authenticationSchemes": [BEARER] if settings.auth else [],
            "meta": {
                "resourceType": "ServiceProviderConfig",
                "location": f"{base}/ServiceProviderConfig",
            },
        }

    def resource_types(self, base: str) -> dict[str, Any]:
        """GET /ResourceTypes: every resource type, unpaged (RFC 7644 §4)."""
        return list_response(self.resource_type_list(base))

    def resource_type(self, name: str, base: str) -> dict[str, Any]:
        return _one(self.resource_type_list(base), name, "ResourceType")

    def schemas(self, base: str) -> dict[str, Any]:
        """GET /Schemas: every schema the resource types use, unpaged (RFC 7644 §4)."""
        return list_response(self.schema_list(base))

    def schema(self, urn: str, base: str) -> dict[str, Any]:
        return _one(self.schema_list(base), urn, "Schema")

    def resource_type_list(self, base: str) -> list[dict[str, Any]]:
        return [rt.to_json(f"{base}/ResourceTypes/{rt.id}")
                for rt in self.registry.resource_types.values()]

    def schema_list(self, base: str) -> list[dict[str, Any]]:
        return [s.to_json(f"{base}/Schemas/{s.id}") for s in self.registry.served_schemas()]


def _one(items: list[dict[str, Any]], rid: str, kind: str) -> dict[str, Any]:
    """The item whose id is `rid` (schema URNs and type names compare case-insensitively)."""
    for item in items:
        if item["id"].lower() == rid.lower():
            return item
    raise not_found(f"{kind} {rid!r} not found")
