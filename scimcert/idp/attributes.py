"""Mapped target attributes in a SCIM resource: where an attribute-mapping target such as
`name.givenName`, `emails[type eq "work"].value` or `urn:…:enterprise:2.0:User:department`
(RFC 7644 §3.10 paths, as Entra names its targets) puts a value in a body it sends, and what it
reads back from a resource as the target answered it.

Entra addresses a typed multi-valued attribute by a value filter of `eq` terms on its
sub-attributes (customize-application-attributes, "Editing the list of supported attributes"),
so the filter pins down the item the value goes into: `emails[type eq "work"].value` writes
`{"type": "work", "value": …}`.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from scimcert.scim.errors import ScimError
from scimcert.scim.filter import parse_path
from scimcert.scim.filter.ast import And, Compare, Node, PatchPath
from scimcert.scim.urns import USER_URN


class PathError(ValueError):
    """A target attribute that is not an attribute path a body can hold."""


@cache
def parsed(path: str) -> tuple[str | None, str, dict[str, Any] | None, str | None]:
    """(extension URN or None, attribute, the item a value filter pins down, sub-attribute)."""
    try:
        found: PatchPath = parse_path(path)
    except ScimError as exc:
        raise PathError(f"target attribute {path!r} is not an attribute path: "
                        f"{exc.detail}") from None
    urn = found.attr.urn
    if urn is not None and urn.lower() == USER_URN.lower():
        urn = None
    pinned = None
    if found.filter is not None:
        pinned = _pinned(found.filter)
        if pinned is None:
            raise PathError(f"target attribute {path!r}: only `eq` terms joined by `and` say "
                            "which item of a multi-valued attribute it names")
    return urn, found.attr.attr, pinned, found.attr.sub or found.sub


def _pinned(node: Node) -> dict[str, Any] | None:
    if isinstance(node, Compare) and node.op == "eq" and node.path.sub is None:
        return {node.path.attr: node.value}
    if isinstance(node, And):
        left, right = _pinned(node.left), _pinned(node.right)
        return None if left is None or right is None else {**left, **right}
    return None


def place(body: dict[str, Any], path: str, value: Any) -> None:
    """Write `value` at `path` into `body`, creating what the path passes through; an
    extension attribute goes into its URN's object and the URN into `schemas`."""
    urn, attr, pinned, sub = parsed(path)
    container = body
    if urn is not None:
        container = body.setdefault(urn, {})
        schemas = body.setdefault("schemas", [])
        if urn not in schemas:
            schemas.append(urn)
    if pinned is None:
        if sub is None:
            container[attr] = value
        else:
            container.setdefault(attr, {})[sub] = value
        return
    items = container.setdefault(attr, [])
    item = next((i for i in items if _matches(i, pinned)), None)
    if item is None:
        item = dict(pinned)
        # The first item Entra writes of a typed attribute is the primary one (its POST
        # example: emails [{"primary": true, "type": "work", …}]).
        if not items and attr.lower() == "emails":
            item["primary"] = True
        items.append(item)
    if sub is None:
        item["value"] = value
    else:
        item[sub] = value


def read(resource: dict[str, Any], path: str) -> Any:
    """The value at `path` in `resource` as a target answered it (names in any case, RFC 7643
    §2.1), or None when unassigned."""
    urn, attr, pinned, sub = parsed(path)
    container: Any = resource if urn is None else _key(resource, urn)
    if not isinstance(container, dict):
        return None
    value = _key(container, attr)
    if pinned is not None:
        items = value if isinstance(value, list) else []
        value = next((i for i in items if isinstance(i, dict) and _matches(i, pinned)), None)
        if value is not None:
            value = _key(value, sub or "value")
    elif sub is not None:
        value = _key(value, sub) if isinstance(value, dict) else None
    return None if value in ([], {}, "") else value


def _key(mapping: dict[str, Any], name: str) -> Any:
    if name in mapping:
        return mapping[name]
    folded = name.lower()
    return next((v for k, v in mapping.items() if k.lower() == folded), None)


def _matches(item: Any, pinned: dict[str, Any]) -> bool:
    if not isinstance(item, dict):
        return False
    for name, wanted in pinned.items():
        got = _key(item, name)
        if isinstance(wanted, str) and isinstance(got, str):
            if got.lower() != wanted.lower():
                return False
        elif got != wanted:
            return False
    return True
