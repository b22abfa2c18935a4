"""Discovery resources (RFC 7644 §4): built from the schema registry and the bridge's settings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scimcert.scim.errors import not_found
from scimcert.scim.schema import Registry
from scimcert.scim.urns import SPC_URN

if TYPE_CHECKING:
    from scimcert.bridge.service import Settings

BEARER = {
    "type": "oauthbearertoken",
    "name": "OAuth Bearer Token",
    "description": "Authentication with a bearer token in the Authorization header",
    "specUri": "https://www.rfc-editor.org/info/rfc6750",
    "primary": True,
}


def service_provider_config(settings: Settings, base: str) -> dict[str, Any]:
    """What the bridge supports, with the limits it enforces (RFC 7643 §5)."""
    return {
        "schemas": [SPC_URN],
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


def resource_types(registry: Registry, base: str) -> list[dict[str, Any]]:
    return [rt.to_json(f"{base}/ResourceTypes/{rt.id}") for rt in registry.resource_types.values()]


def schemas(registry: Registry, base: str) -> list[dict[str, Any]]:
    return [s.to_json(f"{base}/Schemas/{s.id}") for s in registry.served_schemas()]


def one(items: list[dict[str, Any]], rid: str, kind: str) -> dict[str, Any]:
    """The item whose id is `rid` (schema URNs and type names compare case-insensitively)."""
    for item in items:
        if item["id"].lower() == rid.lower():
            return item
    raise not_found(f"{kind} {rid!r} not found")
