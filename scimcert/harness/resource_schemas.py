"""JSON Schemas (2020-12) of a target's resources, generated from the SCIM schema definitions it
declares on /Schemas and /ResourceTypes, so that any resource type is judged as its own
definitions describe it, with no code written for it.

`json_schema` holds what the definitions make certain: each attribute's JSON type (RFC 7643
§2.3, Table 1), its plurality (multiValued), the attributes and extensions a resource must
include (required, RFC 7643 §6) and what every resource has (RFC 7643 §3.1). `canonical_schema`
holds, apart, the canonical values an attribute declares (RFC 7643 §2.3.1, §7), which a provider
MAY restrict itself to and so are judged on their own.

Attribute names are case insensitive (RFC 7643 §2.1) and JSON Schema property names are not, so
a document is `conformed` first: its names spelled as the definitions spell them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from scimcert.harness import validate
from scimcert.harness.bodies import without_nulls
from scimcert.scim.schema import Attribute, Registry, ResourceType

DIALECT = "https://json-schema.org/draft/2020-12/schema"
COMMON = "https://scimcert.dev/schemas/scim/common.schema.json"
# RFC 7643 §2.3 Table 1: the JSON representation of each SCIM data type. A type the RFC does not
# define ("SCIM extensions SHOULD NOT introduce new data types") is left unconstrained.
TYPES: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "boolean": {"type": "boolean"},
    "decimal": {"type": "number"},
    "integer": {"type": "integer"},
    "dateTime": {"$ref": f"{COMMON}#/$defs/dateTime"},
    "reference": {"type": "string"},
    # RFC 7643 §2.3.6: base64 (RFC 4648 §4), or base64url (§5) where the definition says so;
    # trailing padding MAY be omitted.
    "binary": {"type": "string", "pattern": "^[A-Za-z0-9+/_-]*={0,2}$"},
    "complex": {"type": "object"},
}
# The attribute naming a resource's schemas (RFC 7643 §3), defined by no schema of its own.
SCHEMAS = "schemas"
# Answers leave out what is never returned, so only these must appear when required.
SHOWN = ("always", "default")


def json_schema(registry: Registry, rtype: ResourceType) -> dict[str, Any]:
    """The schema of a `rtype` resource: types, plurality, required attributes and extensions."""
    properties: dict[str, Any] = {"schemas": {"contains": {"const": rtype.schema}}}
    required: list[str] = []
    for attr in _core(registry, rtype):
        properties[attr.name] = _attribute(attr)
        if _must_appear(attr):
            required.append(attr.name)
    for urn, extension_required in rtype.extensions:
        schema = registry.schema(urn)
        attrs = schema.attributes if schema is not None else ()
        extension: dict[str, Any] = {"type": "object",
                                     "properties": {a.name: _attribute(a) for a in attrs}}
        needed = [a.name for a in attrs if _must_appear(a)]
        if needed:
            extension["required"] = needed
        properties[urn] = extension
        if extension_required:
            required.append(urn)
    out: dict[str, Any] = {
        "$schema": DIALECT,
        "title": f"{rtype.name} resource as the target declares it",
        "allOf": [{"$ref": f"{COMMON}#/$defs/resource"}],
        "type": "object",
        "properties": properties,
    }
    if required:
        out["required"] = list(dict.fromkeys(required))
    return out


def canonical_schema(registry: Registry, rtype: ResourceType) -> dict[str, Any]:
    """The canonical values of `rtype`'s attributes, where they declare any; nothing else."""
    properties = {attr.name: found for attr in _core(registry, rtype)
                  if (found := _canonical(attr)) is not None}
    for urn in rtype.extension_urns:
        schema = registry.schema(urn)
        inner = {a.name: found for a in (schema.attributes if schema else ())
                 if (found := _canonical(a)) is not None}
        if inner:
            properties[urn] = {"properties": inner}
    return {"$schema": DIALECT, "title": f"canonical values of {rtype.name}",
            "properties": properties}


def conformed(document: Any, registry: Registry, rtype: ResourceType) -> Any:
    """`document` with each attribute and extension name spelled as `rtype`'s definitions spell
    it; names it does not define are kept as they are."""
    if not isinstance(document, dict):
        return document
    urns = {urn.lower(): urn for urn in rtype.extension_urns}
    out: dict[str, Any] = {}
    for key, value in _named(document, _core(registry, rtype)):
        urn = urns.get(key.lower())
        if key.lower() == SCHEMAS:
            out[SCHEMAS] = value
        elif urn is not None and isinstance(value, dict):
            schema = registry.schema(urn)
            out[urn] = dict(_named(value, schema.attributes if schema else ()))
        else:
            out[key] = value
    return out


def violations(document: Any, registry: Registry, rtype: ResourceType, *,
               canonical: bool = False) -> list[validate.Violation]:
    """Every place `document` breaks `rtype`'s generated schema (its canonical values with
    `canonical`); null members are unassigned (RFC 7643 §2.5)."""
    schema = canonical_schema(registry, rtype) if canonical else json_schema(registry, rtype)
    return validate.violations_against(conformed(without_nulls(document), registry, rtype),
                                       schema)


def _core(registry: Registry, rtype: ResourceType) -> Iterator[Attribute]:
    """The common attributes (RFC 7643 §3.1) and those of the core schema."""
    if registry.common is not None:
        yield from registry.common.attributes
    core = registry.schema(rtype.schema)
    if core is not None:
        yield from core.attributes


def _must_appear(attr: Attribute) -> bool:
    return attr.required and attr.returned in SHOWN and attr.mutability != "writeOnly"


def _attribute(attr: Attribute) -> dict[str, Any]:
    one = dict(TYPES.get(attr.type, {}))
    if attr.is_complex:
        one["properties"] = {sub.name: _attribute(sub) for sub in attr.sub_attributes}
        needed = [sub.name for sub in attr.sub_attributes if _must_appear(sub)]
        if needed:
            one["required"] = needed
    return {"type": "array", "items": one} if attr.multi_valued else one


def _canonical(attr: Attribute) -> dict[str, Any] | None:
    if attr.is_complex:
        inner = {sub.name: found for sub in attr.sub_attributes
                 if (found := _canonical(sub)) is not None}
        one: dict[str, Any] | None = {"properties": inner} if inner else None
    elif attr.canonical_values:
        # A case-insensitive attribute (caseExact false, RFC 7643 §2.2) matches in any case.
        # The pattern is read by Python's re, as jsonschema evaluates it.
        flags = "" if attr.case_exact else "(?i)"
        choices = "|".join(re.escape(str(v)) for v in attr.canonical_values)
        one = {"pattern": f"{flags}^(?:{choices})\\Z"}
    else:
        one = None
    if one is None:
        return None
    return {"items": one} if attr.multi_valued else one


def _named(value: dict[str, Any], attrs: Iterable[Attribute]) -> Iterator[tuple[str, Any]]:
    """The members of `value`, each defined name spelled as in `attrs` (sub-attributes too)."""
    by_name = {attr.name.lower(): attr for attr in attrs}
    for key, item in value.items():
        attr = by_name.get(key.lower()) if isinstance(key, str) else None
        if attr is None:
            yield key, item
        elif attr.is_complex:
            yield attr.name, _subs(item, attr)
        else:
            yield attr.name, item


def _subs(value: Any, attr: Attribute) -> Any:
    if isinstance(value, list):
        return [_subs(item, attr) for item in value]
    if isinstance(value, dict):
        return dict(_named(value, attr.sub_attributes))
    return value
