"""What an attribute path (RFC 7644 §3.10, value filters allowed) names in a resource as a
target answered it: `values_at` follows the path through the resource, `same` compares a value
read back with one expected as the attribute's caseExact characteristic allows (RFC 7643 §2.1)."""

from __future__ import annotations

from typing import Any

from scimcert.scim.filter import parse_path
from scimcert.scim.filter.ast import And, Compare, Not, Or, Present
from scimcert.scim.filter.evaluator import evaluate
from scimcert.scim.schema import Attribute, Registry, ResourceType


def _key(mapping: dict[str, Any], name: str) -> Any:
    """`mapping[name]`, the name matched in any case (attribute names are case insensitive,
    RFC 7643 §2.1)."""
    return next((value for key, value in mapping.items() if key.lower() == name.lower()), None)


def attribute(registry: Registry, rtype: ResourceType, path: str) -> Attribute | None:
    """The attribute `path` ends at (its sub-attribute when it names one), if declared."""
    found = parse_path(path)
    top = f"{found.attr.urn}:{found.attr.attr}" if found.attr.urn else found.attr.attr
    sub = found.attr.sub or found.sub
    return registry.attribute(rtype, f"{top}.{sub}" if sub else top)


def declared(registry: Registry, rtype: ResourceType, path: str) -> bool:
    """Whether the target declares every attribute `path` names, those its value filter
    compares included (`emails[type eq "work"].value` needs emails.type and emails.value)."""
    if attribute(registry, rtype, path) is None:
        return False
    found = parse_path(path)
    if found.filter is None:
        return True
    top = f"{found.attr.urn}:{found.attr.attr}" if found.attr.urn else found.attr.attr
    return all(registry.attribute(rtype, f"{top}.{name}") is not None
               for name in _compared(found.filter))


def _compared(node: Any) -> list[str]:
    """The sub-attribute names a value filter compares."""
    if isinstance(node, Compare | Present):
        return [node.path.attr]
    if isinstance(node, And | Or):
        return _compared(node.left) + _compared(node.right)
    if isinstance(node, Not):
        return _compared(node.inner)
    return []


def values_at(resource: dict[str, Any], path: str, registry: Registry,
              rtype: ResourceType) -> list[Any]:
    """Every value `path` names in `resource`: [] when none; null, [] and {} are unassigned
    (RFC 7643 §2.5). A path that does not parse raises ScimError."""
    found = parse_path(path)
    container: Any = resource
    if found.attr.urn and found.attr.urn.lower() != rtype.schema.lower():
        container = _key(resource, found.attr.urn)
    if not isinstance(container, dict):
        return []
    value = _key(container, found.attr.attr)
    items = value if isinstance(value, list) else [value]
    if found.filter is not None:
        parent = registry.attribute(rtype, str(found.attr))
        items = [item for item in items if isinstance(item, dict)
                 and evaluate(found.filter, item, registry, rtype, parent=parent)]
    sub = found.attr.sub or found.sub
    if sub:
        items = [_key(item, sub) for item in items if isinstance(item, dict)]
    return [item for item in items if item not in (None, [], {})]


def same(attr: Attribute | None, got: Any, wanted: Any) -> bool:
    """`got` reads back as `wanted`: booleans by JSON type, strings in any case unless the
    attribute is caseExact (RFC 7643 §2.1, §7)."""
    if isinstance(wanted, bool) or not isinstance(wanted, str):
        return got == wanted and type(got) is type(wanted)
    if not isinstance(got, str):
        return False
    exact = attr is not None and attr.case_exact
    return got == wanted if exact else got.casefold() == wanted.casefold()

