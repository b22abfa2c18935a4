"""Schema registry: SCIM schemas and resource types (RFC 7643 §2, §6, §7) loaded from data.

The definitions live in `schemas/definitions/` as the same JSON a service provider serves on
`/Schemas` and `/ResourceTypes`; `common.json` holds the attributes every resource has
(RFC 7643 §3.1: id, externalId, meta), which are not served as a schema of their own.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scimcert import paths
from scimcert.scim.urns import RESOURCE_TYPE_URN, SCHEMA_URN

COMMON = "common"

_RESOLVED_MAX = 4096

TYPES = ("string", "boolean", "decimal", "integer", "dateTime", "reference", "complex", "binary")


@dataclass(frozen=True)
class Attribute:
    """One attribute definition with every characteristic of RFC 7643 §7."""

    name: str
    type: str = "string"
    multi_valued: bool = False
    required: bool = False
    case_exact: bool = False
    mutability: str = "readWrite"
    returned: str = "default"
    uniqueness: str = "none"
    canonical_values: tuple[str, ...] = ()
    reference_types: tuple[str, ...] = ()
    sub_attributes: tuple[Attribute, ...] = ()
    description: str = ""
    schema: str = ""
    _by_name: dict[str, Attribute] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", _index(self.sub_attributes))

    @classmethod
    def from_json(cls, data: dict[str, Any], schema: str) -> Attribute:
        return cls(
            name=data["name"],
            type=data.get("type", "string"),
            multi_valued=bool(data.get("multiValued", False)),
            required=bool(data.get("required", False)),
            case_exact=bool(data.get("caseExact", False)),
            mutability=data.get("mutability", "readWrite"),
            returned=data.get("returned", "default"),
            uniqueness=data.get("uniqueness", "none"),
            canonical_values=tuple(data.get("canonicalValues", ())),
            reference_types=tuple(data.get("referenceTypes", ())),
            sub_attributes=tuple(cls.from_json(s, schema) for s in data.get("subAttributes", ())),
            description=data.get("description", ""),
            schema=schema,
        )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "multiValued": self.multi_valued,
            "description": self.description,
            "required": self.required,
        }
        if self.type == "complex":
            out["subAttributes"] = [s.to_json() for s in self.sub_attributes]
        else:
            out["caseExact"] = self.case_exact
        if self.canonical_values:
            out["canonicalValues"] = list(self.canonical_values)
        if self.reference_types:
            out["referenceTypes"] = list(self.reference_types)
        out["mutability"] = self.mutability
        out["returned"] = self.returned
        if self.type in ("string", "reference", "binary"):
            out["uniqueness"] = self.uniqueness
        return out

    @property
    def is_complex(self) -> bool:
        return self.type == "complex"

    def sub(self, name: str) -> Attribute | None:
        """The sub-attribute called `name`, matched case-insensitively (RFC 7643 §2.1)."""
        return self._by_name.get(name.lower())


@dataclass(frozen=True)
class Schema:
    id: str
    name: str
    description: str
    attributes: tuple[Attribute, ...]
    _by_name: dict[str, Attribute] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", _index(self.attributes))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Schema:
        urn = data["id"]
        attrs = tuple(Attribute.from_json(a, urn) for a in data.get("attributes", ()))
        return cls(urn, data.get("name", ""), data.get("description", ""), attrs)

    def attribute(self, name: str) -> Attribute | None:
        """The attribute called `name`, matched case-insensitively (RFC 7643 §2.1)."""
        return self._by_name.get(name.lower())

    def to_json(self, location: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "schemas": [SCHEMA_URN],
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "attributes": [a.to_json() for a in self.attributes],
        }
        if location is not None:
            out["meta"] = {"resourceType": "Schema", "location": location}
        return out


@dataclass(frozen=True)
class ResourceType:
    id: str
    name: str
    endpoint: str
    description: str
    schema: str
    extensions: tuple[tuple[str, bool], ...] = ()
    _extension_urns: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_extension_urns", {u.lower(): u for u, _ in self.extensions})

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ResourceType:
        ext = tuple((e["schema"], bool(e.get("required", False)))
                    for e in data.get("schemaExtensions", ()))
        return cls(data.get("id", data["name"]), data["name"], data["endpoint"],
                   data.get("description", ""), data["schema"], ext)

    @property
    def schema_urns(self) -> tuple[str, ...]:
        return (self.schema, *self._extension_urns.values())

    @property
    def extension_urns(self) -> tuple[str, ...]:
        return tuple(self._extension_urns.values())

    def extension_urn(self, text: str) -> str | None:
        """The extension URN `text` names in any letter case, in its canonical spelling."""
        return self._extension_urns.get(text.lower())

    def to_json(self, location: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "schemas": [RESOURCE_TYPE_URN],
            "id": self.id,
            "name": self.name,
            "endpoint": self.endpoint,
            "description": self.description,
            "schema": self.schema,
            "schemaExtensions": [{"schema": u, "required": r} for u, r in self.extensions],
        }
        if location is not None:
            out["meta"] = {"resourceType": "ResourceType", "location": location}
        return out


@dataclass(frozen=True)
class AttrPath:
    """An attribute path `[urn:]attr[.sub]` (RFC 7644 §3.10), names as written."""

    attr: str
    sub: str | None = None
    urn: str | None = None

    @classmethod
    def parse(cls, text: str) -> AttrPath:
        """Split `urn:…:User:name.givenName`: the URN is everything up to the last colon."""
        urn = None
        rest = text
        if ":" in text:
            urn, _, rest = text.rpartition(":")
        attr, _, sub = rest.partition(".")
        return cls(attr, sub or None, urn or None)

    def __str__(self) -> str:
        head = f"{self.urn}:{self.attr}" if self.urn else self.attr
        return f"{head}.{self.sub}" if self.sub else head


@dataclass
class Registry:
    """All schemas and resource types a service provider knows, looked up case-insensitively."""

    schemas: dict[str, Schema] = field(default_factory=dict)
    resource_types: dict[str, ResourceType] = field(default_factory=dict)
    common: Schema | None = None
    # (resource type, path text) -> attribute: every response resolves the same few names.
    # Bounded, since the names come from clients.
    _resolved: dict[tuple[str, str], Attribute | None] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def load(cls, folder: Path | None = None) -> Registry:
        """Load every `*.json` in `folder` (default `schemas/definitions/`)."""
        folder = folder or paths.schemas() / "definitions"
        reg = cls()
        for file in sorted(folder.glob("*.json")):
            data = json.loads(file.read_text(encoding="utf-8"))
            items = data if isinstance(data, list) else [data]
            for item in items:
                if item.get("id") == COMMON:
                    reg.common = Schema.from_json(item)
                elif "endpoint" in item:
                    reg.add_resource_type(ResourceType.from_json(item))
                else:
                    reg.add_schema(Schema.from_json(item))
        return reg

    def add_schema(self, schema: Schema) -> None:
        self.schemas[schema.id.lower()] = schema
        self._resolved.clear()

    def add_resource_type(self, rtype: ResourceType) -> None:
        self.resource_types[rtype.name.lower()] = rtype
        self._resolved.clear()

    def schema(self, urn: str) -> Schema | None:
        return self.schemas.get(urn.lower())

    def resource_type(self, name: str) -> ResourceType:
        return self.resource_types[name.lower()]

    def by_endpoint(self, endpoint: str) -> ResourceType | None:
        for rtype in self.resource_types.values():
            if rtype.endpoint.lower() == endpoint.lower():
                return rtype
        return None

    def served_schemas(self) -> Iterator[Schema]:
        return iter(self.schemas.values())

    def attribute(self, rtype: ResourceType | str, path: AttrPath | str) -> Attribute | None:
        """Resolve `path` in `rtype`: the attribute it names (the sub-attribute if it has one).

        Unqualified names resolve in the common attributes and the core schema; a URN selects
        that schema, which must be the resource type's core schema or one of its extensions.
        """
        top = self.top_attribute(rtype, path)
        if top is None:
            return None
        path = AttrPath.parse(path) if isinstance(path, str) else path
        if path.sub is None:
            return top
        return top.sub(path.sub)

    def top_attribute(self, rtype: ResourceType | str, path: AttrPath | str) -> Attribute | None:
        """Resolve the top-level attribute of `path`, ignoring any sub-attribute."""
        rtype = self.resource_type(rtype) if isinstance(rtype, str) else rtype
        if not isinstance(path, str):
            return self._top(rtype, path)
        key = (rtype.name, path)
        if key in self._resolved:
            return self._resolved[key]
        found = self._top(rtype, AttrPath.parse(path))
        if len(self._resolved) < _RESOLVED_MAX:
            self._resolved[key] = found
        return found

    def _top(self, rtype: ResourceType, path: AttrPath) -> Attribute | None:
        if path.urn is not None:
            if path.urn.lower() != rtype.schema.lower() and rtype.extension_urn(path.urn) is None:
                return None
            schema = self.schema(path.urn)
            return schema.attribute(path.attr) if schema else None
        if self.common is not None:
            found = self.common.attribute(path.attr)
            if found is not None:
                return found
        core = self.schema(rtype.schema)
        return core.attribute(path.attr) if core else None

    def extension_urns(self, rtype: ResourceType | str) -> tuple[str, ...]:
        rtype = self.resource_type(rtype) if isinstance(rtype, str) else rtype
        return rtype.extension_urns

    def attributes(self, rtype: ResourceType | str) -> Iterator[Attribute]:
        """Every top-level attribute of `rtype`: common, core, then each extension's."""
        rtype = self.resource_type(rtype) if isinstance(rtype, str) else rtype
        if self.common is not None:
            yield from self.common.attributes
        for urn in rtype.schema_urns:
            schema = self.schema(urn)
            if schema is not None:
                yield from schema.attributes


def _index(attrs: Iterable[Attribute]) -> dict[str, Attribute]:
    return {attr.name.lower(): attr for attr in attrs}
