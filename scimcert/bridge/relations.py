"""Group membership: a group's `members` (RFC 7643 §4.2) and the `groups` a member derives from
them (RFC 7643 §4.1.2), kept in step through every write and delete.

Which resource types take part comes from the registry, not from their names: a type whose core
schema has `members` holds members, and a type whose core schema has a readOnly `groups` shows the
groups it belongs to. Any resource of any type may be a member.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from scimcert.bridge.store import Resource, Store
from scimcert.scim.errors import INVALID_VALUE, bad_request
from scimcert.scim.resource import READ_ONLY
from scimcert.scim.schema import Registry, ResourceType

MEMBERS = "members"
GROUPS = "groups"


class Relations:
    """Members and groups of the resources in `store`, and the versions that depend on them."""

    def __init__(self, registry: Registry, store: Store) -> None:
        self.registry = registry
        self.store = store
        types = list(registry.resource_types.values())
        self.group_types = tuple(rt.name for rt in types if _declared(registry, rt, MEMBERS))
        self.member_types = frozenset(rt.name for rt in types
                                      if _declared(registry, rt, GROUPS, read_only=True))

    # Reads

    def view(self, rtype: str, resource: Resource, out: Resource, base: str | None,
             excluded: Sequence[str] | None = None) -> None:
        """Add to `out`, a copy of `resource`, what membership derives: each member's display and
        $ref, or the groups of a member. Members are left out when `excluded` names them, which
        spares building a large list a client does not want (Entra asks so for every group)."""
        if MEMBERS in resource:
            if _excludes(excluded, MEMBERS):
                del out[MEMBERS]
            else:
                out[MEMBERS] = [self.member_view(m, base) for m in resource[MEMBERS]]
        elif rtype in self.member_types:
            groups = self.store.groups_of(resource["id"])
            if groups:
                out[GROUPS] = self.groups_view(groups, base)

    def member_view(self, member: dict[str, Any], base: str | None) -> dict[str, Any]:
        value, kind = member["value"], member["type"]
        out: dict[str, Any] = {"value": value}
        target = self.store.table(kind).get(value)
        if base is not None:
            out["$ref"] = f"{base}{self.registry.resource_type(kind).endpoint}/{value}"
        if target is not None:
            display = display_name(target)
            if display is not None:
                out["display"] = display
        out["type"] = kind
        return out

    def groups_view(self, group_ids: Iterable[str], base: str | None) -> list[dict[str, Any]]:
        """A member's `groups`, in the order the groups were created; every membership is
        direct, as members are never expanded."""
        out = []
        for rtype, group in self.groups(group_ids):
            gid = group["id"]
            item: dict[str, Any] = {"value": gid}
            if base is not None:
                item["$ref"] = f"{base}{self.registry.resource_type(rtype).endpoint}/{gid}"
            display = display_name(group)
            if display is not None:
                item["display"] = display
            item["type"] = "direct"
            out.append(item)
        return out

    def groups(self, group_ids: Iterable[str]) -> list[tuple[str, Resource]]:
        """(type, group) of each id that is a live group, by group type, then creation order."""
        found = []
        for gid in group_ids:
            for rank, rtype in enumerate(self.group_types):
                table = self.store.table(rtype)
                group = table.get(gid)
                if group is not None:
                    found.append(((rank, table.positions.get(gid, 0)), rtype, group))
                    break
        return [(rtype, group) for _, rtype, group in sorted(found, key=lambda f: f[0])]

    # Writes

    def resolve(self, resource: Resource, own_id: str | None) -> None:
        """Replace the members a client sent by their stored form (see `resolve_members`)."""
        members = self.resolve_members(resource.pop(MEMBERS, None) or [], own_id)
        if members:
            resource[MEMBERS] = members

    def resolve_members(self, members: list[Any], own_id: str | None) -> list[dict[str, str]]:
        """Members as stored: one {value, type} per distinct id of an existing resource."""
        out: dict[str, dict[str, str]] = {}
        for member in members:
            value = member.get("value") if isinstance(member, dict) else None
            if not isinstance(value, str) or not value:
                raise bad_request(INVALID_VALUE, "every member needs a value (a User or Group id)")
            found = self.store.find(value)
            if found is None or value == own_id:
                raise bad_request(INVALID_VALUE, f"member {value!r} is not a User or Group here")
            out[value] = {"value": value, "type": found[0]}
        return list(out.values())

    def stored(self, old: Resource | None, new: Resource) -> None:
        """Index the members of `new`, and give a new version to every resource whose derived
        attributes changed: members that joined or left, and, on a rename, every member (their
        `groups` display) and every group (its members' display)."""
        before, after = member_ids(old), member_ids(new)
        if before or after:
            self.store.set_members(new["id"], before, after)
        renamed = old is not None and display_name(old) != display_name(new)
        self.touch(after if renamed else set(before) ^ set(after))
        if renamed:
            self.touch(self.store.groups_of(new["id"]))

    def without(self, rid: str) -> Iterator[tuple[str, Resource, Resource]]:
        """(type, group, new body) of each group listing `rid`, with that member taken out: a
        deleted resource is no longer a member of anything (RFC 7644 §3.6)."""
        for gid in list(self.store.groups_of(rid)):
            found = self.groups([gid])
            if not found:
                continue
            rtype, group = found[0]
            members = [m for m in group.get(MEMBERS, ()) if m["value"] != rid]
            bare = {k: v for k, v in group.items() if k not in ("id", "meta", MEMBERS)}
            yield rtype, group, ({**bare, MEMBERS: members} if members else bare)

    def removed(self, old: Resource) -> None:
        """Forget a deleted resource in the index, and give its former members a new version."""
        self.store.member_of.pop(old["id"], None)
        gone = member_ids(old)
        if gone:
            self.store.set_members(old["id"], gone, [])
            self.touch(gone)

    def touch(self, ids: Iterable[str]) -> None:
        """Give each resource in `ids` a new version: what it derives from others changed."""
        for rid in ids:
            found = self.store.find(rid)
            if found is None:
                continue
            rtype, resource = found
            meta = {**resource["meta"], "version": self.store.next_version()}
            self.store.table(rtype).put({**resource, "meta": meta})


def member_ids(group: Resource | None) -> list[str]:
    return [m["value"] for m in (group or {}).get(MEMBERS, ())]


def display_name(resource: Resource) -> Any:
    """What a member or group is shown as: its displayName, else its userName."""
    return resource.get("displayName") or resource.get("userName")


def _declared(registry: Registry, rtype: ResourceType, name: str, *,
              read_only: bool = False) -> bool:
    schema = registry.schema(rtype.schema)
    attr = schema.attribute(name) if schema else None
    return attr is not None and (not read_only or attr.mutability == READ_ONLY)


def _excludes(excluded: Sequence[str] | None, name: str) -> bool:
    return bool(excluded) and name.lower() in (e.strip().lower() for e in excluded or ())
