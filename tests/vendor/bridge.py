"""A vendor's bridge: the reference bridge serving a custom extension and a custom resource type.

The definitions are data (tests/vendor/definitions/), so this is how any vendor schema reaches
the suite: through /Schemas and /ResourceTypes, with no suite code written for it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.applications import Starlette

from scimcert.bridge.account import Account
from scimcert.bridge.app import create_app
from scimcert.bridge.service import Service
from scimcert.bridge.store import Resource
from scimcert.scim.schema import Registry

DEFINITIONS = Path(__file__).resolve().parent / "definitions"
EXTENSION = "urn:example:params:scim:schemas:extension:acme:2.0:User"


def vendor_registry() -> Registry:
    """The reference definitions plus the vendor's, whose User type adds the acme extension."""
    registry = Registry.load()
    extra = Registry.load(DEFINITIONS)
    for schema in extra.schemas.values():
        registry.add_schema(schema)
    for rtype in extra.resource_types.values():
        registry.add_resource_type(rtype)
    return registry


def vendor(**options: Any) -> Starlette:
    return create_app(account=Account(registry=vendor_registry()), **options)


class ForgetsCustomAttributes(Service):
    """Acknowledges the vendor's own attributes but never stores them (acme badge, Device model)."""

    def prepare(self, rtype: str, body: Any, old: Resource | None) -> Resource:
        resource = super().prepare(rtype, body, old)
        resource.get(EXTENSION, {}).pop("badge", None)
        if rtype == "Device":
            resource.pop("model", None)
        return resource


def forgetful_vendor(**options: Any) -> Starlette:
    return create_app(account=Account(registry=vendor_registry()),
                      service_class=ForgetsCustomAttributes, **options)
