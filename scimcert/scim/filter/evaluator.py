"""Evaluate a filter against a resource dict, with attribute types and caseExact from the registry.

Comparisons are existential over an attribute's values: a multi-valued attribute matches if any
value does (RFC 7644 §3.4.2.2), and an absent attribute has no value, so no comparison matches it,
`ne` included; `not (...)` selects resources lacking a value. Unknown attributes are absent here;
`validate` is the place that rejects them.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from scimcert.scim.errors import INVALID_FILTER, ScimError
from scimcert.scim.filter.ast import And, Compare, Node, Not, Or, Present, Value, ValuePath
from scimcert.scim.schema import Attribute, AttrPath, Registry, ResourceType

# RFC 7644 §3.4.2.2: "Clients MAY query by schema or schema extensions by using a filter
# expression including the 'schemas' attribute", which no schema defines.
SCHEMAS = Attribute("schemas", type="reference", multi_valued=True)

_ORDERING = ("gt", "ge", "lt", "le")
_SUBSTRING = ("co", "sw", "ew")
_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gt": operator.gt,
    "ge": operator.ge,
    "lt": operator.lt,
    "le": operator.le,
    "co": lambda a, b: b in a,
    "sw": lambda a, b: a.startswith(b),
    "ew": lambda a, b: a.endswith(b),
}
_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})?", re.ASCII
)


def evaluate(
    node: Node,
    resource: dict[str, Any],
    registry: Registry,
    rtype: ResourceType | str,
    *,
    parent: Attribute | None = None,
) -> bool:
    """Whether `resource` matches `node`; with `parent`, `resource` is one element of `parent`."""
    scope = _Scope(registry, _resource_type(registry, rtype))
    return scope.matches(node, resource, parent)


def validate(
    node: Node, registry: Registry, rtype: ResourceType | str, *, parent: Attribute | None = None
) -> None:
    """Raise ScimError 400 invalidFilter for an unknown attribute or an unsupported comparison."""
    _Scope(registry, _resource_type(registry, rtype)).validate(node, parent)


def _resource_type(registry: Registry, rtype: ResourceType | str) -> ResourceType:
    return registry.resource_type(rtype) if isinstance(rtype, str) else rtype


class _Scope:
    def __init__(self, registry: Registry, rtype: ResourceType) -> None:
        self.registry = registry
        self.rtype = rtype
        self.extensions = {urn.lower() for urn in registry.extension_urns(rtype)}

    # -- walking the tree

    def matches(self, node: Node, resource: dict[str, Any], parent: Attribute | None) -> bool:
        if isinstance(node, And):
            return self.matches(node.left, resource, parent) and self.matches(
                node.right, resource, parent
            )
        if isinstance(node, Or):
            return self.matches(node.left, resource, parent) or self.matches(
                node.right, resource, parent
            )
        if isinstance(node, Not):
            return not self.matches(node.inner, resource, parent)
        if isinstance(node, Present):
            return any(_non_empty(v) for v in self.values(node.path, resource, parent))
        if isinstance(node, Compare):
            return self.compare(node, resource, parent)
        return self.value_path(node, resource, parent)

    def validate(self, node: Node, parent: Attribute | None) -> None:
        if isinstance(node, And | Or):
            self.validate(node.left, parent)
            self.validate(node.right, parent)
        elif isinstance(node, Not):
            self.validate(node.inner, parent)
        elif isinstance(node, Present):
            self.known(node.path, parent)
        elif isinstance(node, Compare):
            _check(self.known(node.path, parent), node)
        else:
            element = self.known(node.path, parent)
            _require_complex(element, node.path)
            self.validate(node.filter, element)

    def compare(self, node: Compare, resource: dict[str, Any], parent: Attribute | None) -> bool:
        attr = self.attribute(node.path, parent)
        if attr is None:
            return False
        target = _check(attr, node)
        values = self.values(node.path, resource, parent)
        if attr.is_complex:
            values = [_get(v, "value") for v in values]
        if node.value is None:
            # RFC 7643 §2.5: unassigned and null are the same state, so `eq null` asks for absence.
            present = any(_non_empty(v) for v in values)
            return present if node.op == "ne" else not present
        return any(_match(target, node.op, v, node.value) for v in values if v is not None)

    def value_path(
        self, node: ValuePath, resource: dict[str, Any], parent: Attribute | None
    ) -> bool:
        attr = self.attribute(node.path, parent)
        if attr is None:
            return False
        _require_complex(attr, node.path)
        return any(
            self.matches(node.filter, element, attr)
            for element in self.values(node.path, resource, parent)
            if isinstance(element, dict)
        )

    # -- resolving names

    def attribute(self, path: AttrPath, parent: Attribute | None) -> Attribute | None:
        if parent is not None:
            if path.urn is not None or path.sub is not None:
                return None
            return parent.sub(path.attr)
        if path.urn is None and path.sub is None and path.attr.lower() == SCHEMAS.name:
            return SCHEMAS
        return self.registry.attribute(self.rtype, path)

    def known(self, path: AttrPath, parent: Attribute | None) -> Attribute:
        attr = self.attribute(path, parent)
        if attr is None:
            where = f" of '{parent.name}'" if parent is not None else ""
            raise ScimError(400, f"unknown attribute '{path}'{where} in filter", INVALID_FILTER)
        return attr

    def values(
        self, path: AttrPath, resource: dict[str, Any], parent: Attribute | None
    ) -> list[Any]:
        """Every value `path` names in `resource`, multi-valued attributes flattened."""
        if self.attribute(path, parent) is None:
            return []
        container = resource
        if path.urn is not None and path.urn.lower() in self.extensions:
            container = _get(resource, path.urn)
        top = _flatten(_get(container, path.attr))
        if path.sub is None:
            return top
        return [s for v in top for s in _flatten(_get(v, path.sub))]


def _check(attr: Attribute, node: Compare) -> Attribute:
    """The attribute whose values `node` compares with; raise if the combination is unsupported.

    RFC 7644 §3.12 (Table 9): invalidFilter is the answer when "the specified attribute and filter
    comparison combination is not supported", e.g. `active eq "x"` or `meta.created co "2024"`.
    """
    target = _comparable(attr, node.path)
    value, op, kind = node.value, node.op, target.type
    if value is None:
        if op not in ("eq", "ne"):
            _unsupported(node, "null is only compared with 'eq' or 'ne'")
        return target
    if op in _ORDERING and kind in ("boolean", "binary"):
        # RFC 7644 §3.4.2.2, Table 3: gt/ge/lt/le on Boolean and Binary attributes SHALL fail
        # with invalidFilter.
        _unsupported(node, f"'{op}' does not apply to {kind} attributes")
    if op in _SUBSTRING and kind not in ("string", "reference"):
        _unsupported(node, f"'{op}' applies to strings and references, not {kind}")
    if not _fits(kind, value):
        _unsupported(node, f"{kind} attribute compared with {type(value).__name__} {value!r}")
    return target


def _comparable(attr: Attribute, path: AttrPath) -> Attribute:
    """`attr`, or for a multi-valued complex attribute named without a sub-attribute, its `value`.

    RFC 7644 §3.4.2.2 asks for a sub-attribute on complex attributes, yet its own Figure 2 filters
    `emails co "example.com"`: a multi-valued attribute stands for its `value` sub-attribute, the
    attribute's "significant value" (RFC 7643 §2.4). Other complex attributes need a sub-attribute.
    """
    if not attr.is_complex:
        return attr
    value = attr.sub("value")
    if attr.multi_valued and value is not None:
        return value
    raise ScimError(
        400, f"'{path}' is a complex attribute: name one of its sub-attributes", INVALID_FILTER
    )


def _fits(kind: str, value: Value) -> bool:
    if kind == "boolean":
        return isinstance(value, bool)
    if kind in ("integer", "decimal"):
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "dateTime":
        return isinstance(value, str) and _instant(value) is not None
    return isinstance(value, str)


def _unsupported(node: Compare, why: str) -> None:
    raise ScimError(400, f"unsupported comparison '{node.path} {node.op}': {why}", INVALID_FILTER)


def _require_complex(attr: Attribute, path: AttrPath) -> None:
    if not attr.is_complex:
        raise ScimError(400, f"'{path}' is not complex and takes no [value filter]", INVALID_FILTER)


def _match(attr: Attribute, op: str, stored: Any, operand: Value) -> bool:
    kind = attr.type
    if kind == "boolean":
        return isinstance(stored, bool) and _OPS[op](stored, operand)
    if kind in ("integer", "decimal"):
        return isinstance(stored, int | float) and not isinstance(stored, bool) and _OPS[op](
            stored, operand
        )
    if kind == "dateTime":
        instant = _instant(stored) if isinstance(stored, str) else None
        return instant is not None and _OPS[op](instant, _instant(str(operand)))
    if not isinstance(stored, str):
        return False
    if kind == "binary" or attr.case_exact:
        return _OPS[op](stored, operand)
    # RFC 7644 §3.4.2.2: string case sensitivity "SHALL be determined by the attribute's
    # caseExact characteristic".
    return _OPS[op](stored.casefold(), str(operand).casefold())


def _instant(text: str) -> datetime | None:
    """An RFC 3339 / xsd:dateTime string as an aware datetime; no offset means UTC."""
    if _DATETIME.fullmatch(text) is None:
        return None
    try:
        moment = datetime.fromisoformat(text.upper())
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _non_empty(value: Any) -> bool:
    """`pr` (RFC 7644 Table 3): non-empty and non-null, or complex with a non-empty node."""
    if isinstance(value, str):
        return value != ""
    if isinstance(value, list):
        return any(_non_empty(v) for v in value)
    if isinstance(value, dict):
        return any(_non_empty(v) for v in value.values())
    return value is not None


def _get(container: Any, name: str) -> Any:
    """`container[name]`, the key matched case-insensitively if not exactly (RFC 7643 §2.1)."""
    if not isinstance(container, dict):
        return None
    if name in container:
        return container[name]
    lowered = name.lower()
    return next((v for k, v in container.items() if k.lower() == lowered), None)


def _flatten(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]
