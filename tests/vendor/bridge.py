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
from scimcert.scim.errors import INVALID_VALUE, bad_request
from scimcert.scim.schema import Registry, Schema
from tests.broken.bridges import edits
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


def _vendor_with(pipeline: type[Pipeline], **options: Any) -> Starlette:
    """The vendor bridge with `pipeline` in place of the reference pipeline."""
    return create_app(account=Account(registry=vendor_registry()),
                      parts=Parts(pipeline=pipeline), **options)


def _names_acme(text: str, name: str | None = None) -> bool:
    """Whether a PATCH path names the acme extension (its attribute `name`, when given)."""
    path = text.lower()
    prefix = EXTENSION.lower() + ":"
    return path.startswith(prefix) and (name is None or path[len(prefix):] == name.lower())


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


class _ClearanceRuleAsInvalidValue(edits.EditedPatch):
    """Enforces "clearance is fixed once set" with a rule of its own, ahead of the schema's,
    which refuses the change with scimType invalidValue instead of mutability."""

    def edit(self, rtype: str, op: Any, current: Resource) -> Any:
        set_before = (current.get(EXTENSION) or {}).get("clearance") is not None
        if set_before and _names_acme(edits.path(op), "clearance"):
            raise bad_request(INVALID_VALUE, "clearance cannot be changed once set")
        return op


@defect(
    "immutable-change-as-invalid-value",
    requirements=["rfc7644/3.12/mutability-scim-type"],
    summary="A PATCH changing the immutable acme clearance is refused as invalidValue",
    strict=True,
    note="mutability-scim-type is SHOULD in the catalogue: only a failure under --scim-strict.",
    proves=[
        "schema/test_attributes.py::test_patch_changing_immutable_attributes_names_mutability",
    ],
)
def immutable_change_as_invalid_value(**options: Any) -> Starlette:
    """Refuses a change of the immutable acme clearance with 400 invalidValue, not mutability."""
    return _vendor_with(_ClearanceRuleAsInvalidValue, **options)


class _KeepsDeviceIds(Pipeline):
    """Stores a Device under the id the client sends, as a device registry keyed by the
    hardware id its MDM reports does, instead of ignoring the readOnly id."""

    def create(self, rtype: str, body: Any) -> Resource:
        created = super().create(rtype, body)
        chosen = body.get("id") if isinstance(body, dict) else None
        if rtype != "Device" or not isinstance(chosen, str) or not chosen:
            return created
        with self.store.lock:
            table = self.store.table(rtype)
            table.remove(created["id"])
            kept = {**created, "id": chosen}
            table.put(kept)
        return kept


@defect(
    "device-client-id-kept",
    requirements=["rfc7644/3.3/read-only-create-ignored"],
    summary="A Device create keeps the readOnly id the client sent",
    proves=[
        "schema/test_attributes.py::test_target_only_read_only_attributes_are_ignored_on_create",
    ],
)
def device_client_id_kept(**options: Any) -> Starlette:
    """Creates each Device under the id its POST body carries."""
    return _vendor_with(_KeepsDeviceIds, **options)


class _SkipsDeviceReadOnlyOps(edits.EditedPatch):
    """Skips PATCH operations on a Device's readOnly attributes and answers 200, as a generic
    handler for the vendor's own types that applies only what it may write does."""

    def edit(self, rtype: str, op: Any, current: Resource) -> Any:
        attr = self.attribute(rtype, edits.path(op)) if rtype == "Device" else None
        return None if attr is not None and attr.mutability == "readOnly" else op


@defect(
    "device-read-only-patch-ignored",
    requirements=["rfc7644/3.5.2/read-only-patch-refused"],
    summary="PATCH on a Device's readOnly id or meta is skipped and answered 200",
    proves=[
        "schema/test_attributes.py::test_patch_on_target_only_read_only_attributes_is_refused",
    ],
)
def device_read_only_patch_ignored(**options: Any) -> Starlette:
    """Answers 200 to a PATCH of a Device's readOnly attributes, changing nothing."""
    return _vendor_with(_SkipsDeviceReadOnlyOps, **options)


class _ShowsPin(Pipeline):
    """Writes the stored acme pin into every answer, for an admin console that reads PINs back
    over SCIM, though /Schemas declares the pin returned=never."""

    def project(self, rtype: str, view: Resource, attributes: Sequence[str] | None,
                excluded: Sequence[str] | None) -> dict[str, Any]:
        out = super().project(rtype, view, attributes, excluded)
        pin = (view.get(EXTENSION) or {}).get("pin")
        if pin is not None:
            out[EXTENSION] = {**(out.get(EXTENSION) or {}), "pin": pin}
        return out


@defect(
    "acme-pin-returned",
    requirements=["rfc7643/7/returned-never"],
    summary="The acme pin, declared returned=never, is in every answer",
    proves=[
        "schema/test_attributes.py::test_target_only_never_returned_attributes_are_in_no_answer",
    ],
)
def acme_pin_returned(**options: Any) -> Starlette:
    """Returns the writeOnly, returned=never acme pin with the user."""
    return _vendor_with(_ShowsPin, **options)


class _DayShiftOnly(Pipeline):
    """Maps the acme shift onto a backend that has day shifts only, refusing the canonical
    "night" that /Schemas lists."""

    def prepare(self, rtype: str, body: Any, old: Resource | None) -> Resource:
        resource = super().prepare(rtype, body, old)
        shift = (resource.get(EXTENSION) or {}).get("shift")
        if isinstance(shift, str) and shift.lower() != "day":
            raise bad_request(INVALID_VALUE, f"shift {shift!r} is not supported")
        return resource


@defect(
    "acme-night-shift-refused",
    requirements=["rfc7643/7/canonical-values"],
    summary="The canonical acme shift \"night\" is refused with 400",
    strict=True,
    note="canonical-values is MAY in the catalogue: only a failure under --scim-strict.",
    proves=[
        "schema/test_attributes.py::test_target_only_canonical_values_are_accepted",
    ],
)
def acme_night_shift_refused(**options: Any) -> Starlette:
    """Accepts only "day" as the acme shift, one of the two canonical values it declares."""
    return _vendor_with(_DayShiftOnly, **options)


class _SkipsAcmePatches(edits.EditedPatch):
    """Maps PATCH paths onto backend fields with a table that lists only the core and
    enterprise attributes: an operation on an acme attribute is skipped, and answered 200."""

    def edit(self, rtype: str, op: Any, current: Resource) -> Any:
        return None if _names_acme(edits.path(op)) else op


@defect(
    "acme-patch-skipped",
    requirements=["rfc7644/3.5.2.3/replace-simple", "rfc7644/3.5.2.2/remove-simple"],
    summary="PATCH replace and remove on acme attributes answer 200 but change nothing",
    proves=[
        "schema/test_attributes.py::test_target_only_read_write_attributes_take_patch_replace",
        "schema/test_attributes.py::test_target_only_read_write_attributes_take_patch_remove",
    ],
)
def acme_patch_skipped(**options: Any) -> Starlette:
    """Skips every PATCH operation whose path names an acme extension attribute."""
    return _vendor_with(_SkipsAcmePatches, **options)
