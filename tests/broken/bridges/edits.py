"""Shapes several defects share: PATCH operations rewritten before the reference applies them, and
filters rewritten before the reference validates them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from scimcert.bridge.pipeline import Pipeline
from scimcert.bridge.store import Resource
from scimcert.scim.filter import parse, to_string
from scimcert.scim.filter.ast import And, Node, Not, Or, Present
from scimcert.scim.schema import AttrPath, ResourceType


def operations(message: Any) -> list[Any]:
    """The Operations list of a PatchOp message (key matched in any case), or []."""
    if not isinstance(message, dict):
        return []
    for key, value in message.items():
        if isinstance(key, str) and key.lower() == "operations" and isinstance(value, list):
            return value
    return []


def with_operations(message: dict[str, Any], ops: list[Any]) -> dict[str, Any]:
    kept = {k: v for k, v in message.items()
            if not (isinstance(k, str) and k.lower() == "operations")}
    return {**kept, "Operations": ops}


def folded(item: Any) -> dict[str, Any]:
    return {k.lower(): v for k, v in item.items()} if isinstance(item, dict) else {}


def op_name(op: Any) -> str:
    return str(folded(op).get("op", "")).lower()


def op_path(op: Any) -> str:
    """The path of `op`, lower-cased for comparisons."""
    return path(op).lower()


def path(op: Any) -> str:
    return str(folded(op).get("path") or "")


def value(op: Any) -> Any:
    return folded(op).get("value")


class EditedPatch(Pipeline):
    """Rewrites or drops each PATCH operation (`edit`) before the reference applies the rest."""

    def patch(self, rtype: str, rid: str, message: Any, if_match: str | None = None) -> Resource:
        ops = operations(message)
        current = self.view(rtype, self.get(rtype, rid), None)
        kept = [e for op in ops for e in _as_list(self.edit(rtype, op, current))]
        if ops and not kept:
            return self.get(rtype, rid)
        return super().patch(rtype, rid, with_operations(message, kept) if ops else message,
                             if_match)

    def edit(self, rtype: str, op: Any, current: Resource) -> Any:
        """The operation to apply instead of `op`: one, a list of several, or None."""
        return op

    def attribute(self, rtype: str, text: str) -> Any:
        """The attribute a plain (filter-less) PATCH path names, or None."""
        if "[" in text or not text:
            return None
        return self.registry.attribute(self.resource_type(rtype), AttrPath.parse(text))


class RewrittenFilter(Pipeline):
    """Rewrites each comparison of a filter (`leaf`) before the reference validates it."""

    def filters(self, rtypes: Sequence[str], text: str | None) -> tuple[Node | None, set[str]]:
        if text is None:
            return super().filters(rtypes, text)
        rt = self.resource_type(rtypes[0])
        node = map_leaves(parse(text, self.tolerances), lambda leaf: self.leaf(leaf, rt))
        return super().filters(rtypes, to_string(node))

    def leaf(self, node: Node, rt: ResourceType) -> Node:
        return node


def map_leaves(node: Node, change: Callable[[Node], Node]) -> Node:
    """`node` with every comparison (every node below and/or/not) replaced by `change(leaf)`."""
    if isinstance(node, And | Or):
        return type(node)(map_leaves(node.left, change), map_leaves(node.right, change))
    if isinstance(node, Not):
        return Not(map_leaves(node.inner, change))
    return change(node)


def never(attr: AttrPath) -> Node:
    """A filter no resource matches."""
    return And(Present(attr), Not(Present(attr)))


def _as_list(edited: Any) -> list[Any]:
    if edited is None:
        return []
    return edited if isinstance(edited, list) else [edited]
