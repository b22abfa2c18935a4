"""The filter syntax tree (RFC 7644 §3.4.2.2): small frozen nodes, compared by value.

`Compare` compares its value together with the value's type, so `active eq true` and
`active eq 1` (or `1` and `1.0`) are different nodes even though Python says `True == 1`.
"""

from __future__ import annotations

from dataclasses import dataclass

from scimcert.scim.schema import AttrPath

Value = str | int | float | bool | None

COMPARE_OPS = ("eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le")


@dataclass(frozen=True, eq=False)
class Compare:
    """`path op value`; `op` is lower-case."""

    path: AttrPath
    op: str
    value: Value

    def _key(self) -> tuple[object, ...]:
        return (self.path, self.op, type(self.value), self.value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Compare):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())


@dataclass(frozen=True)
class Present:
    """`path pr`."""

    path: AttrPath


@dataclass(frozen=True)
class And:
    left: Node
    right: Node


@dataclass(frozen=True)
class Or:
    left: Node
    right: Node


@dataclass(frozen=True)
class Not:
    inner: Node


@dataclass(frozen=True)
class ValuePath:
    """`path[filter]`: the filter's names are sub-attributes of `path`."""

    path: AttrPath
    filter: Node


Node = Compare | Present | And | Or | Not | ValuePath


@dataclass(frozen=True)
class PatchPath:
    """A PATCH `path` (RFC 7644 §3.5.2): `attr`, or `attr[filter]` optionally followed by `.sub`."""

    attr: AttrPath
    filter: Node | None = None
    sub: str | None = None
