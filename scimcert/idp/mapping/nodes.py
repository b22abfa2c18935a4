"""The syntax tree of a mapping expression. Every node keeps the span of text it was read from,
so an error can point at it and an export can give each function parameter its own text."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Node:
    start: int
    end: int


@dataclass(frozen=True)
class Attribute(Node):
    """`[name]`: the source object's attribute, by its Entra name."""

    name: str


@dataclass(frozen=True)
class Constant(Node):
    """A string constant `"text"` or a bare number `3` / `&HF`."""

    value: str | int


@dataclass(frozen=True)
class Name(Node):
    """A bare name that is not a call: only an enum value such as `vbTextCompare` means one."""

    name: str


@dataclass(frozen=True)
class Missing(Node):
    """An empty argument, as in `Switch([IsSoftDeleted], , "False", "True", …)`."""


@dataclass(frozen=True)
class Call(Node):
    name: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Compare(Node):
    """`left op right` with op one of = <> > >= < <= (the IIF condition operators)."""

    op: str
    left: Node
    right: Node


def walk(node: Node):
    """`node` and every node below it, depth first."""
    yield node
    if isinstance(node, Call):
        for arg in node.args:
            yield from walk(arg)
    elif isinstance(node, Compare):
        yield from walk(node.left)
        yield from walk(node.right)


def attributes(node: Node) -> tuple[str, ...]:
    """The source attributes `node` reads, in order of appearance, each once."""
    return tuple(dict.fromkeys(n.name for n in walk(node) if isinstance(n, Attribute)))
