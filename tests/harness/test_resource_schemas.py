"""JSON Schemas generated from a target's own definitions judge any resource type: types,
plurality, required attributes and extensions, and, apart, canonical values."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from scimcert.harness.resource_schemas import (
    canonical_schema,
    conformed,
    json_schema,
    violations,
)
from scimcert.scim.schema import Attribute, Registry, Schema
from scimcert.scim.urns import ENTERPRISE_URN, USER_URN

VENDOR = Path(__file__).resolve().parents[1] / "vendor" / "definitions"
DEVICE_URN = "urn:example:params:scim:schemas:acme:2.0:Device"
DEVICE = {"schemas": [DEVICE_URN], "id": "d1", "serial": "X-1", "model": "T14",
          "enrolled": True, "meta": {"resourceType": "Device",
                                      "created": "2025-01-31T09:00:00Z"}}
USER = {"schemas": [USER_URN], "id": "u1", "userName": "bjensen",
        "emails": [{"value": "b@example.com", "type": "work", "primary": True}]}


@pytest.fixture(scope="module")
def registry() -> Registry:
    registry = Registry.load()
    vendor = Registry.load(VENDOR)
    for schema in vendor.schemas.values():
        registry.add_schema(schema)
    for rtype in vendor.resource_types.values():
        registry.add_resource_type(rtype)
    return registry


def found(document: Any, registry: Registry, rtype: str, **how: Any) -> list[tuple[str, str]]:
    return [(v.pointer, v.message)
            for v in violations(document, registry, registry.resource_type(rtype), **how)]


def test_a_resource_as_declared_has_no_violation(registry):
    assert found(DEVICE, registry, "Device") == []
    assert found(USER, registry, "User") == []


@pytest.mark.parametrize(("change", "pointer"), [
    pytest.param({"enrolled": "yes"}, "/enrolled", id="boolean-as-string"),
    pytest.param({"serial": 7}, "/serial", id="string-as-number"),
    pytest.param({"model": ["T14"]}, "/model", id="single-valued-as-list"),
    pytest.param({"meta": {"created": "yesterday"}}, "/meta/created", id="datetime"),
    pytest.param({"id": ""}, "/id", id="empty-id"),
    pytest.param({"schemas": ["urn:example:Other"]}, "/schemas", id="core-urn-missing"),
    pytest.param({"serial": None}, "", id="required-missing"),
])
def test_a_declared_characteristic_broken_is_named_at_its_pointer(registry, change, pointer):
    document = {**DEVICE, **change}
    assert pointer in [p for p, _ in found(document, registry, "Device")]


@pytest.mark.parametrize(("change", "pointer"), [
    pytest.param({"emails": {"value": "b@example.com"}}, "/emails", id="multi-valued-as-object"),
    pytest.param({"emails": [{"value": 5}]}, "/emails/0/value", id="sub-attribute-type"),
    pytest.param({ENTERPRISE_URN: {"manager": {"value": 5}}}, f"/{ENTERPRISE_URN}/manager/value",
                 id="extension-attribute-type"),
    pytest.param({"x509Certificates": [{"value": "not base64!"}]}, "/x509Certificates/0/value",
                 id="binary-not-base64"),
    pytest.param({"active": 1}, "/active", id="number-as-boolean"),
])
def test_the_rfc_core_schemas_generate_the_same_checks(registry, change, pointer):
    assert pointer in [p for p, _ in found({**USER, **change}, registry, "User")]


def test_names_match_in_any_case(registry):
    document = {"SCHEMAS": [DEVICE_URN], "ID": "d1", "Serial": "X-1", "ENROLLED": True}
    assert found(document, registry, "Device") == []
    upper = {**USER, "EMAILS": [{"VALUE": 5}]}
    del upper["emails"]
    assert ("/emails/0/value", "5 is not of type 'string'") in found(upper, registry, "User")


def test_null_members_count_as_unassigned(registry):
    assert found({**DEVICE, "model": None}, registry, "Device") == []


def test_a_required_attribute_never_returned_need_not_appear(registry):
    device = registry.resource_type("Device")
    schema = registry.schema(DEVICE_URN)
    hidden = Attribute("pin", required=True, returned="never", mutability="writeOnly")
    changed = Registry(schemas=dict(registry.schemas), resource_types={"device": device},
                       common=registry.common)
    changed.add_schema(Schema(schema.id, schema.name, schema.description,
                              (*schema.attributes, hidden)))
    assert "pin" not in json_schema(changed, device).get("required", [])
    assert found(DEVICE, changed, "Device") == []


def test_a_required_extension_must_be_present(registry):
    user = registry.resource_type("User")
    required = replace(user, extensions=((ENTERPRISE_URN, True),))
    assert ENTERPRISE_URN in json_schema(registry, required)["required"]
    assert json_schema(registry, user).get("required", []) == ["userName"]


def test_canonical_values_are_judged_apart_and_without_case(registry):
    assert found({**USER, "emails": [{"type": "internal"}]}, registry, "User") == []
    assert found({**USER, "emails": [{"type": "WORK"}]}, registry, "User",
                 canonical=True) == []
    assert [p for p, _ in found({**USER, "emails": [{"type": "internal"}]}, registry, "User",
                                canonical=True)] == ["/emails/0/type"]


def test_a_case_exact_canonical_value_must_match_exactly(registry):
    user = registry.resource_type("User")
    core = registry.schema(USER_URN)
    level = Attribute("level", canonical_values=("Gold", "Silver"), case_exact=True)
    changed = Registry(schemas=dict(registry.schemas), resource_types={"user": user},
                       common=registry.common)
    changed.add_schema(Schema(core.id, core.name, core.description, (*core.attributes, level)))
    assert found({**USER, "level": "Gold"}, changed, "User", canonical=True) == []
    assert [p for p, _ in found({**USER, "level": "gold"}, changed, "User",
                                canonical=True)] == ["/level"]


def test_canonical_schema_names_only_attributes_that_declare_values(registry):
    properties = canonical_schema(registry, registry.resource_type("Device"))["properties"]
    assert properties == {}
    assert "emails" in canonical_schema(registry, registry.resource_type("User"))["properties"]


def test_conformed_keeps_names_it_does_not_define(registry):
    document = {"schemas": [DEVICE_URN], "x-vendor": 1, "SERIAL": "X"}
    assert conformed(document, registry, registry.resource_type("Device")) == {
        "schemas": [DEVICE_URN], "x-vendor": 1, "serial": "X"}
