"""A bridge without the enterprise extension: its User resource type declares no
schemaExtensions, as RFC 7643 §4.3 allows (the extension is optional)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from starlette.applications import Starlette

from scimcert.bridge.account import Account
from scimcert.bridge.app import create_app
from scimcert.scim.schema import Registry
from scimcert.scim.urns import ENTERPRISE_URN


def plain_registry() -> Registry:
    """The reference definitions, with User re-added without extensions and the enterprise
    schema no longer served."""
    registry = Registry.load()
    registry.add_resource_type(replace(registry.resource_type("User"), extensions=()))
    del registry.schemas[ENTERPRISE_URN.lower()]
    return registry


def plain(**options: Any) -> Starlette:
    return create_app(account=Account(registry=plain_registry()), **options)
