"""The IETF draft SCIM interoperability profile (draft-zollner-scim-interop-profile-01): what a
service provider keeping it refuses or does beyond RFC 7643/7644.

Tolerances (tolerance.py) let the core accept more than the RFCs; the profile makes it accept
less, and in one place answer otherwise (§6.5.2.1 replace of a whole complex attribute, where the
draft contradicts RFC 7644 §3.5.2.3). Each switch names the catalogue requirement it keeps
(fixtures/requirements/interop.json). Every switch off, the default, is plain RFC behaviour; a
profile switch wins over an IdP tolerance that would accept the same request.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from scimcert.scim.errors import INVALID_SYNTAX, bad_request
from scimcert.scim.schema import Attribute, Registry, ResourceType


def _keeps(requirement: str) -> Any:
    return field(default=False, metadata={"requirement": requirement})


@dataclass(frozen=True)
class Profile:
    """One switch per rule of the profile the core keeps; the default keeps none."""

    # §6.5.1.1: an operation without `path` is refused with invalidSyntax, where RFC 7644
    # §3.5.2.1/§3.5.2.3 take a path-less add or replace.
    path_required: bool = _keeps("interop/6.5.1.1/pathless-op-refused")
    # §5.3: an attribute or sub-attribute no schema of the resource type defines is refused with
    # invalidSyntax, in a POST/PUT body and in a PATCH value, where the RFC core ignores it.
    undeclared_attributes_refused: bool = _keeps("interop/5.3/undeclared-attribute-refused")
    # §5.3: a schema URN the resource type does not have is refused with invalidSyntax (the RFC
    # core answers invalidValue, or accepts it under the unknown_schema_urns tolerance).
    undeclared_schemas_refused: bool = _keeps("interop/5.3/undeclared-schema-refused")
    # §6.5.2.1: replace of a whole singular complex attribute replaces it; RFC 7644 §3.5.2.3
    # leaves the sub-attributes not sent unchanged.
    complex_replace_whole: bool = _keeps("interop/6.5.2.1/complex-replace-whole")
    # §5.4: a multi-valued complex attribute with a `type` sub-attribute is only served with
    # the type values it takes (canonicalValues); one RFC 7643 §8.7.1 gives none is not served.
    typed_values_declared: bool = _keeps("interop/5.4/canonical-values-declared")

    @classmethod
    def interop(cls) -> Profile:
        """Every rule kept: a service provider conforming to the profile."""
        return cls(**{name: True for name in names()})

    @classmethod
    def none(cls) -> Profile:
        """No rule kept: RFC 7643/7644 alone."""
        return cls()

    def without(self, *switches: str) -> Profile:
        """This profile with `switches` turned off."""
        unknown = set(switches) - set(names())
        if unknown:
            raise ValueError(f"no such profile switch: {', '.join(sorted(unknown))}")
        return type(self)(**{name: getattr(self, name) and name not in switches
                             for name in names()})


RFC = Profile()


def names() -> tuple[str, ...]:
    """The switch names, in declaration order."""
    return tuple(f.name for f in fields(Profile))


def requirement(name: str) -> str:
    """The catalogue requirement switch `name` keeps."""
    found = next((f for f in fields(Profile) if f.name == name), None)
    if found is None:
        raise KeyError(name)
    return found.metadata["requirement"]


def refuse_undeclared(body: dict[str, Any], registry: Registry, rtype: ResourceType) -> None:
    """400 invalidSyntax for the first attribute of a resource body `rtype` does not declare."""
    for key, value in body.items():
        if key.lower() == "schemas":
            continue
        urn = rtype.extension_urn(key)
        if urn is not None:
            for name, item in (value.items() if isinstance(value, dict) else ()):
                _refuse(registry.attribute(rtype, f"{urn}:{name}"), item, f"{urn}:{name}")
            continue
        # A key may be a path ("name.givenName"): the attribute it ends at must be declared.
        _refuse(registry.attribute(rtype, key), value, key)


def refuse_undeclared_value(attr: Attribute, value: Any, where: str) -> None:
    """400 invalidSyntax for the first sub-attribute of `value` that `attr` does not declare."""
    if not attr.is_complex:
        return
    for item in value if isinstance(value, list) else [value]:
        if not isinstance(item, dict):
            continue
        for name, sub_value in item.items():
            _refuse(attr.sub(name), sub_value, f"{where}.{name}")


def refuse_undeclared_schemas(schemas: Any, rtype: ResourceType) -> None:
    """400 invalidSyntax when `schemas` names a URN `rtype` does not have."""
    known = {urn.lower() for urn in rtype.schema_urns}
    listed = schemas if isinstance(schemas, list) else [schemas]
    unknown = [urn for urn in listed if not isinstance(urn, str) or urn.lower() not in known]
    if unknown:
        raise bad_request(INVALID_SYNTAX, f"schemas names {unknown[0]!r}, which is not a schema "
                                          f"of {rtype.name} (interop profile §5.3)")


def _refuse(attr: Attribute | None, value: Any, where: str) -> None:
    if attr is None:
        raise bad_request(INVALID_SYNTAX, f"{where} is not an attribute this service provider "
                                          "defines (interop profile §5.3)")
    refuse_undeclared_value(attr, value, where)


def declared_types(registry: Registry) -> None:
    """Leave out of `registry` every multi-valued complex attribute whose `type` sub-attribute
    names no canonicalValues (§5.4): RFC 7643 §8.7.1 gives entitlements, roles and
    x509Certificates free-text types, so a provider keeping the profile does not offer them
    rather than invent a list of types."""
    for schema in list(registry.schemas.values()):
        kept = tuple(a for a in schema.attributes if not _untyped(a))
        if len(kept) != len(schema.attributes):
            registry.add_schema(type(schema)(schema.id, schema.name, schema.description, kept))


def _untyped(attr: Attribute) -> bool:
    kind = attr.sub("type") if attr.is_complex and attr.multi_valued else None
    return kind is not None and not kind.canonical_values
