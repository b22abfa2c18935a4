"""In-memory resource store: one table per resource type, its indexes, and the lock around writes.

Stored resources are treated as immutable: a write replaces the whole dict, so a reader that
holds a reference never sees a half-made change and reads need no copy.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from scimcert.scim.schema import Registry, ResourceType

Resource = dict[str, Any]

# Indexed attributes map to whether their index key is case-folded (RFC 7643 §2.2 caseExact).
# Unique ones come from `uniqueness: server` in the registry (Store.of). externalId is indexed
# but shared: the client sets it, and RFC 7643 §3.1 does not make it unique.
SHARED = {"externalId": False}


def fold(value: Any, case_insensitive: bool) -> Any:
    if case_insensitive and isinstance(value, str):
        return value.casefold()
    return value


@dataclass
class Table:
    """The live resources of one type, in insertion order, with their indexes."""

    name: str
    unique_attrs: dict[str, bool] = field(default_factory=dict)
    shared_attrs: dict[str, bool] = field(default_factory=lambda: dict(SHARED))
    rows: dict[str, Resource] = field(default_factory=dict)
    order: list[str | None] = field(default_factory=list)
    positions: dict[str, int] = field(default_factory=dict)
    holes: int = 0
    unique: dict[str, dict[Any, str]] = field(default_factory=dict)
    shared: dict[str, dict[Any, set[str]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.unique = {attr: {} for attr in self.unique_attrs}
        self.shared = {attr: {} for attr in self.shared_attrs}

    def __len__(self) -> int:
        return len(self.rows)

    def get(self, rid: str) -> Resource | None:
        return self.rows.get(rid)

    def owner(self, attr: str, value: Any) -> str | None:
        """The id holding `value` of the unique attribute `attr`, if any."""
        return self.unique[attr].get(fold(value, self.unique_attrs[attr]))

    def lookup(self, attr: str, value: Any) -> list[str]:
        """Ids whose indexed attribute `attr` may equal `value` (ids in insertion order)."""
        if attr == "id":
            return [value] if isinstance(value, str) and value in self.rows else []
        if attr in self.unique:
            rid = self.owner(attr, value)
            return [rid] if rid is not None else []
        found = self.shared[attr].get(fold(value, self.shared_attrs[attr]), ())
        return sorted(found, key=self.positions.__getitem__)

    def indexed(self, attr: str) -> bool:
        return attr == "id" or attr in self.unique or attr in self.shared

    def put(self, resource: Resource) -> None:
        """Insert or replace `resource` (by its id), keeping its place in the order."""
        rid = resource["id"]
        old = self.rows.get(rid)
        if old is not None:
            self._unindex(old)
        else:
            self.positions[rid] = len(self.order)
            self.order.append(rid)
        self.rows[rid] = resource
        self._index(resource)

    def remove(self, rid: str) -> Resource | None:
        old = self.rows.pop(rid, None)
        if old is None:
            return None
        self._unindex(old)
        self.order[self.positions.pop(rid)] = None
        self.holes += 1
        return old

    def page(self, start: int, count: int) -> list[Resource]:
        """Resources `start` (0-based) to `start + count` in insertion order."""
        self._compact()
        return [self.rows[rid] for rid in self.order[start : start + count]]  # type: ignore[index]

    def __iter__(self) -> Iterator[Resource]:
        return iter(list(self.rows.values()))

    def _compact(self) -> None:
        if not self.holes:
            return
        self.order = [rid for rid in self.order if rid is not None]
        self.positions = {rid: i for i, rid in enumerate(self.order)}  # type: ignore[misc]
        self.holes = 0

    def _index(self, resource: Resource) -> None:
        rid = resource["id"]
        for attr, folded in self.unique_attrs.items():
            value = resource.get(attr)
            if isinstance(value, str):
                self.unique[attr][fold(value, folded)] = rid
        for attr, folded in self.shared_attrs.items():
            value = resource.get(attr)
            if isinstance(value, str):
                self.shared[attr].setdefault(fold(value, folded), set()).add(rid)

    def _unindex(self, resource: Resource) -> None:
        rid = resource["id"]
        for attr, folded in self.unique_attrs.items():
            key = fold(resource.get(attr), folded)
            if self.unique[attr].get(key) == rid:
                del self.unique[attr][key]
        for attr, folded in self.shared_attrs.items():
            value = resource.get(attr)
            if not isinstance(value, str):
                continue
            key = fold(value, folded)
            ids = self.shared[attr].get(key)
            if ids is not None:
                ids.discard(rid)
                if not ids:
                    del self.shared[attr][key]


@dataclass
class Store:
    """A table per resource type, the member -> groups index, a revision counter, the lock."""

    tables: dict[str, Table] = field(default_factory=dict)
    member_of: dict[str, set[str]] = field(default_factory=dict)
    revision: int = 0
    lock: threading.RLock = field(default_factory=threading.RLock)

    @classmethod
    def of(cls, registry: Registry) -> Store:
        """A table for every resource type of `registry`, unique where its schema says `server`."""
        return cls(tables={rt.name: Table(rt.name, unique_attributes(registry, rt))
                           for rt in registry.resource_types.values()})

    def table(self, rtype: str) -> Table:
        return self.tables[rtype]

    def find(self, rid: str) -> tuple[str, Resource] | None:
        """The resource type and resource with id `rid`, searching every table."""
        for name, table in self.tables.items():
            found = table.get(rid)
            if found is not None:
                return name, found
        return None

    def next_version(self) -> str:
        """A new weak entity tag (RFC 7232 §2.3); the store-wide revision makes it unique."""
        self.revision += 1
        return f'W/"{self.revision}"'

    def groups_of(self, member_id: str) -> set[str]:
        return self.member_of.get(member_id, set())

    def set_members(self, group_id: str, old: list[str], new: list[str]) -> None:
        """Move the member -> groups index of `group_id` from member ids `old` to `new`."""
        for mid in set(old) - set(new):
            groups = self.member_of.get(mid)
            if groups is not None:
                groups.discard(group_id)
                if not groups:
                    del self.member_of[mid]
        for mid in set(new) - set(old):
            self.member_of.setdefault(mid, set()).add(group_id)


def unique_attributes(registry: Registry, rtype: ResourceType) -> dict[str, bool]:
    """Top-level string attributes of the core schema with `uniqueness: server` (not `id`)."""
    schema = registry.schema(rtype.schema)
    return {a.name: not a.case_exact for a in (schema.attributes if schema else ())
            if a.uniqueness == "server" and a.type == "string" and not a.multi_valued}
