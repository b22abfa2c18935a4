"""A vendor's bridge: the reference bridge serving a custom extension and a custom resource type.

The definitions are data (tests/vendor/definitions/), so this is how any vendor schema reaches
the suite: through /Schemas and /ResourceTypes, with no suite code written for it. The defective
variants break one vendor attribute each, as real bridges do: they store less than they accept,
or their /Schemas promises a characteristic they do not enforce. Each is declared with @defect
(tests/broken/bridges/registry.py), naming the requirement tests/vendor/test_vendor.py proves it
fails; they cover the rules only vendor attributes exercise.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from starlette.applications import Starlette

from scimcert.bridge.account import Account
from scimcert.bridge.app import Parts, create_app
from scimcert.bridge.discovery import Discovery
from scimcert.bridge.pipeline import Pipeline
from scimcert.bridge.settings import Settings
from scimcert.bridge.store import Resource
from scimcert.scim.schema import Registry, Schema
from tests.broken.bridges.asgi import Exchange, Rewrite
from tests.broken.bridges.registry import defect

DEFINITIONS = Path(__file__).resolve().parent / "definitions"
EXTENSION = "urn:example:params:scim:schemas:extension:acme:2.0:User"


def vendor_registry(changed: dict[str, dict[str, Any]] | None = None) -> Registry:
    """The reference definitions plus the vendor's, whose User type adds the acme extension;
    `changed` overrides characteristics of acme attributes by name."""
    registry = Registry.load()
    extra = Registry.load(DEFINITIONS)
    for schema in extra.schemas.values():
        registry.add_schema(schema)
    for rtype in extra.resource_types.values():
        registry.add_resource_type(rtype)
    if changed:
        acme = json.loads((DEFINITIONS / "acme-user.json").read_text(encoding="utf-8"))
        for attr in acme["attributes"]:
            attr.update(changed.get(attr["name"], {}))
        registry.add_schema(Schema.from_json(acme))
    return registry


def vendor(**options: Any) -> Starlette:
    return create_app(account=Account(registry=vendor_registry()), **options)


class _ForgetsCustomAttributes(Pipeline):
    """Acknowledges the vendor's own attributes but never stores them (acme badge, Device model)."""

    def prepare(self, rtype: str, body: Any, old: Resource | None) -> Resource:
        resource = super().prepare(rtype, body, old)
        resource.get(EXTENSION, {}).pop("badge", None)
        if rtype == "Device":
            resource.pop("model", None)
        return resource


@defect(
    "custom-attributes-forgotten",
    requirements=["rfc7643/7/read-write-round-trip"],
    summary="Vendor attributes are acknowledged but never stored",
    strict=True,
    note="read-write-round-trip is a SHOULD (RFC 7643 §7 readWrite is a client-facing MAY).",
    proves=[
        "schema/test_attributes.py::test_target_only_read_write_attributes_round_trip",
    ],
)
def custom_attributes_forgotten(**options: Any) -> Starlette:
    """The acme badge and the Device model are acknowledged but never stored."""
    return create_app(account=Account(registry=vendor_registry()),
                      parts=Parts(pipeline=_ForgetsCustomAttributes), **options)


class _DropsImmutableOnCreate(Pipeline):
    """Accepts the immutable acme clearance on create but does not store it."""

    def prepare(self, rtype: str, body: Any, old: Resource | None) -> Resource:
        resource = super().prepare(rtype, body, old)
        if old is None:
            resource.get(EXTENSION, {}).pop("clearance", None)
        return resource


@defect(
    "immutable-dropped-on-create",
    requirements=["rfc7643/7/immutable-on-create"],
    summary="The immutable acme clearance is accepted on create but not stored",
    strict=True,
    note="immutable-on-create is a SHOULD (RFC 7643 §7: immutable MAY be defined at creation).",
    proves=[
        "schema/test_attributes.py::test_immutable_attributes_are_set_on_create",
    ],
)
def immutable_dropped_on_create(**options: Any) -> Starlette:
    """The immutable acme clearance is accepted on create but not stored."""
    return create_app(account=Account(registry=vendor_registry()),
                      parts=Parts(pipeline=_DropsImmutableOnCreate), **options)


class _Advertising(Discovery):
    """Serves the vendor's true definitions on /Schemas while running on other ones."""

    def __init__(self, registry: Registry, settings: Settings) -> None:
        super().__init__(vendor_registry(), settings)


@defect(
    "immutable-not-enforced",
    requirements=["rfc7644/3.5.2/immutable-patch-refused"],
    summary="/Schemas says clearance is immutable but PATCH changes it",
    proves=[
        "schema/test_attributes.py::test_patch_changing_immutable_attributes_is_refused",
    ],
)
def immutable_not_enforced(**options: Any) -> Starlette:
    """/Schemas says clearance is immutable; the bridge lets PATCH change it."""
    running = vendor_registry({"clearance": {"mutability": "readWrite"}})
    return create_app(account=Account(registry=running), parts=Parts(discovery=_Advertising),
                      **options)


@defect(
    "request-attribute-returned-by-default",
    requirements=["rfc7643/7/returned-request"],
    summary="/Schemas says costCode is returned on request but it always is",
    proves=[
        "schema/test_attributes.py::test_request_returned_attributes_appear_only_when_asked",
    ],
)
def request_attribute_returned_by_default(**options: Any) -> Starlette:
    """/Schemas says costCode is returned only on request; the bridge always returns it."""
    running = vendor_registry({"costCode": {"returned": "default"}})
    return create_app(account=Account(registry=running), parts=Parts(discovery=_Advertising),
                      **options)


def _enrolled_as_string(exchange: Exchange) -> None:
    body = exchange.json()
    if "/Devices" not in exchange.path or not isinstance(body, dict):
        return
    for device in body.get("Resources", [body]):
        if isinstance(device, dict) and "id" in device:
            device["enrolled"] = str(device.get("enrolled", False)).lower()
    exchange.set_body(json.dumps(body).encode())


@defect(
    "device-enrolled-as-string",
    requirements=["rfc7643/3/resource-representation"],
    summary="A Device's boolean enrolled is always answered, as a string (\"false\")",
    proves=[
        "representation/test_resources.py::test_created_resources_of_every_other_type_are_valid",
        "representation/test_resources.py::test_listed_resources_of_every_other_type_are_valid",
        "representation/test_resources.py::test_patched_resources_of_every_other_type_are_valid",
        "representation/test_resources.py::test_read_resources_of_every_other_type_are_valid",
        "representation/test_resources.py::test_replaced_resources_of_every_other_type_are_valid",
    ],
)
def device_enrolled_as_string(*, tokens: Sequence[str] = (), **options: Any) -> Rewrite:
    """Answers every Device with `enrolled` as a string ("false" when unset), against the
    boolean its own schema declares."""
    return Rewrite(vendor(tokens=tokens, **options), tokens, on_answer=_enrolled_as_string)
