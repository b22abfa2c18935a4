"""Canonical filter text: lower-case operators, JSON literals, only the parentheses the tree needs.

`and` and `or` associate to the left, so a right operand of the same operator keeps its
parentheses; that is what makes `parse(to_string(node)) == node` hold for every tree.
"""

from __future__ import annotations

import json
import math

from scimcert.scim.filter.ast import And, Compare, Node, Not, Or, Present, Value, ValuePath


def to_string(node: Node) -> str:
    if isinstance(node, Compare):
        return f"{node.path} {node.op} {literal(node.value)}"
    if isinstance(node, Present):
        return f"{node.path} pr"
    if isinstance(node, ValuePath):
        return f"{node.path}[{to_string(node.filter)}]"
    if isinstance(node, Not):
        return f"not ({to_string(node.inner)})"
    if isinstance(node, And):
        return f"{_operand(node.left, (Or,))} and {_operand(node.right, (And, Or))}"
    if isinstance(node, Or):
        return f"{_operand(node.left, ())} or {_operand(node.right, (Or,))}"
    raise TypeError(f"not a filter node: {node!r}")


def literal(value: Value) -> str:
    """`value` as a JSON literal (RFC 8259)."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"JSON has no literal for {value!r}")
    return json.dumps(value, ensure_ascii=False)


def _operand(node: Node, wrap: tuple[type, ...]) -> str:
    text = to_string(node)
    return f"({text})" if isinstance(node, wrap) else text
