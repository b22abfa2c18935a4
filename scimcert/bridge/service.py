"""The SCIM behaviour of the reference bridge, without HTTP: one overridable method per operation.

Broken bridges in tests/broken/ subclass `Service` and override one method to break one rule,
so each rule lives in a small named method.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from scimcert.bridge import bulk, discovery
from scimcert.bridge.account import Account, timestamp
from scimcert.bridge.store import Resource, Table
from scimcert.scim.errors import (
    INVALID_SYNTAX,
    INVALID_VALUE,
    ScimError,
    bad_request,
    conflict,
    not_found,
)
from scimcert.scim.filter import evaluate, parse, validate
from scimcert.scim.filter.ast import And, Compare, Node
from scimcert.scim.paging import page_params
from scimcert.scim.patch import apply_patch
from scimcert.scim.projection import project
from scimcert.scim.resource import canonicalize
from scimcert.scim.schema import Registry, ResourceType
from scimcert.scim.sorting import sort_resources
from scimcert.scim.tolerance import Tolerances
from scimcert.scim.urns import LIST_RESPONSE_URN

ORDERS = ("ascending", "descending")
# Attributes the bridge never keeps: RFC 7643 §4.1.1 password is writeOnly, and 1Password users
# choose their own password, so a value sent by the IdP (Okta sends a placeholder) is dropped.
DISCARDED = ("password",)
# The attribute each core resource type is known by, which must be a non-empty string.
NAMES = {"User": "userName", "Group": "displayName"}


@dataclass(frozen=True)
class Settings:
    """Limits the bridge enforces and advertises in /ServiceProviderConfig."""

    max_payload: int = 1_048_576
    max_results: int = 1000
    max_operations: int = 1000
    default_count: int = 100
    auth: bool = True


@dataclass(frozen=True)
class Query:
    """The query parameters of RFC 7644 §3.4.2, as sent (strings or a SearchRequest's values)."""

    filter: str | None = None
    sort_by: str | None = None
    sort_order: str | None = None
    start_index: str | int | None = None
    count: str | int | None = None
    attributes: Sequence[str] | None = None
    excluded: Sequence[str] | None = None


class Service:
    """SCIM operations on an `Account`: each method validates, changes the store, and answers."""

    def __init__(self, registry: Registry, account: Account, settings: Settings,
                 tolerances: Tolerances | None = None) -> None:
        self.registry = registry
        self.account = account
        self.store = account.store
        self.settings = settings
        self.tolerances = Tolerances.all() if tolerances is None else tolerances

    # Reads

    def resource_type(self, rtype: str) -> ResourceType:
        return self.registry.resource_type(rtype)

    def get(self, rtype: str, rid: str) -> Resource:
        """The stored resource `rid`, or 404."""
        found = self.store.table(rtype).get(rid)
        if found is None:
            raise not_found(f"{rtype} {rid!r} not found")
        return found

    def list(self, rtype: str, query: Query, base: str) -> dict[str, Any]:
        """A ListResponse for a GET on the endpoint or a SearchRequest (RFC 7644 §3.4.2-3)."""
        return self.search([rtype], query, base)

    def search(self, rtypes: Sequence[str], query: Query, base: str) -> dict[str, Any]:
        """Filter, sort and page resources of one or more types into a ListResponse."""
        start, count = page_params(
            query.start_index,
            query.count,
            default_count=min(self.settings.default_count, self.settings.max_results),
            max_count=self.settings.max_results,
        )
        order = self.sort_order(query.sort_order)
        node, lenient = self.filters(rtypes, query.filter)
        if query.sort_by:
            self.check_sort_by(rtypes, query.sort_by)
        with self.store.lock:
            if len(rtypes) == 1 and node is None and not query.sort_by:
                members = not _excludes(query.excluded, "members")
                total, page = self.unfiltered_page(rtypes[0], start, count, base, members)
            else:
                matched = [
                    pair
                    for rtype in rtypes
                    for pair in self.matches(rtype, node, base, rtype in lenient)
                ]
                if query.sort_by:
                    matched = self.sorted(matched, query.sort_by, order)
                total, page = len(matched), matched[start - 1 : start - 1 + count]
        resources = [self.project(rtype, view, query.attributes, query.excluded)
                     for rtype, view in page]
        return list_response(total, start, resources)

    def unfiltered_page(self, rtype: str, start: int, count: int, base: str,
                        members: bool) -> tuple[int, list[tuple[str, Resource]]]:
        """One page of the insertion order, without touching the other resources."""
        table = self.store.table(rtype)
        return len(table), [(rtype, self.view(rtype, r, base, members=members))
                            for r in table.page(start - 1, count)]

    def filters(self, rtypes: Sequence[str],
                text: str | None) -> tuple[Node | None, set[str]]:
        """The parsed filter per resource type; 400 invalidFilter unless some type knows it all.

        In a root search (RFC 7644 §3.4.3) a filter may name attributes that only some resource
        types have; for the others those attributes are unassigned, so comparisons on them are
        false (RFC 7644 §3.4.2.2). Returns the filter and the types it is not valid for.
        """
        lenient: set[str] = set()
        if text is None:
            return None, lenient
        node = parse(text, self.tolerances)
        error: ScimError | None = None
        for rtype in rtypes:
            try:
                validate(node, self.registry, self.resource_type(rtype))
            except ScimError as exc:
                error = exc
                lenient.add(rtype)
        if error is not None and len(lenient) == len(rtypes):
            raise error
        return node, lenient

    def matches(self, rtype: str, node: Node | None, base: str,
                lenient: bool = False) -> Iterable[tuple[str, Resource]]:
        """Views of the resources of `rtype` matching `node`, found through an index when it can."""
        rt = self.resource_type(rtype)
        table = self.store.table(rtype)
        for resource in self.candidates(table, rt, node):
            view = self.view(rtype, resource, base)
            if node is None or self.evaluate(node, view, rt, lenient):
                yield rtype, view

    def evaluate(self, node: Node, view: Resource, rt: ResourceType, lenient: bool) -> bool:
        if not lenient:
            return evaluate(node, view, self.registry, rt)
        try:
            return evaluate(node, view, self.registry, rt)
        except ScimError:
            # An invalid comparison on an attribute this type lacks: unassigned, so false.
            return False

    def candidates(self, table: Table, rt: ResourceType, node: Node | None) -> Iterable[Resource]:
        ids = self.indexed_ids(table, rt, node)
        if ids is None:
            return iter(table)
        return [r for r in map(table.get, ids) if r is not None]

    def indexed_ids(self, table: Table, rt: ResourceType, node: Node | None) -> list[str] | None:
        """Ids that can match an `eq` on an indexed attribute (alone or under a top-level `and`).

        None when no index applies. The full filter is still evaluated on every candidate.
        """
        if isinstance(node, And):
            found = self.indexed_ids(table, rt, node.left)
            return found if found is not None else self.indexed_ids(table, rt, node.right)
        if not (isinstance(node, Compare) and node.op == "eq" and node.path.sub is None):
            return None
        attr = self.registry.attribute(rt, node.path)
        if attr is None or attr.schema.lower() not in ("common", rt.schema.lower()):
            return None
        if not table.indexed(attr.name):
            return None
        if not isinstance(node.value, str):
            return []
        return table.lookup(attr.name, node.value)

    def sort_order(self, text: str | None) -> str:
        if text is None:
            return "ascending"
        if text.lower() not in ORDERS:
            raise bad_request(INVALID_VALUE,
                              f"sortOrder must be ascending or descending, not {text!r}")
        return text.lower()

    def check_sort_by(self, rtypes: Sequence[str], sort_by: str) -> None:
        known = [rt for rt in rtypes if self.registry.attribute(self.resource_type(rt), sort_by)]
        if not known:
            raise bad_request(INVALID_VALUE, f"sortBy names an unknown attribute {sort_by!r}")

    def sorted(self, matched: list[tuple[str, Resource]], sort_by: str,
               order: str) -> list[tuple[str, Resource]]:
        """Each type's resources sorted; a root search lists the types one after another."""
        out: list[tuple[str, Resource]] = []
        for rtype in dict.fromkeys(rt for rt, _ in matched):
            views = [v for rt, v in matched if rt == rtype]
            rt = self.resource_type(rtype)
            ordered = sort_resources(views, self.registry, rt, sort_by, order)
            out.extend((rtype, v) for v in ordered)
        return out

    # Rendering

    def view(self, rtype: str, resource: Resource, base: str | None,
             *, members: bool = True) -> Resource:
        """`resource` with what the bridge derives: meta.location, member display/$ref, groups."""
        out = dict(resource)
        endpoint = self.resource_type(rtype).endpoint
        if base is not None:
            out["meta"] = {**resource["meta"], "location": f"{base}{endpoint}/{resource['id']}"}
        if rtype == "Group" and "members" in resource:
            if members:
                out["members"] = [self.member_view(m, base) for m in resource["members"]]
            else:
                del out["members"]
        elif rtype == "User":
            groups = self.store.groups_of(resource["id"])
            if groups:
                out["groups"] = self.groups_view(groups, base)
        return out

    def member_view(self, member: dict[str, Any], base: str | None) -> dict[str, Any]:
        value, kind = member["value"], member["type"]
        out: dict[str, Any] = {"value": value}
        target = self.store.table(kind).get(value)
        if base is not None:
            out["$ref"] = f"{base}{self.resource_type(kind).endpoint}/{value}"
        if target is not None:
            display = target.get("displayName") or target.get("userName")
            if display is not None:
                out["display"] = display
        out["type"] = kind
        return out

    def groups_view(self, group_ids: set[str], base: str | None) -> list[dict[str, Any]]:
        table = self.store.table("Group")
        out = []
        for gid in sorted(group_ids, key=lambda g: table.positions.get(g, 0)):
            group = table.get(gid)
            if group is None:
                continue
            item: dict[str, Any] = {"value": gid}
            if base is not None:
                item["$ref"] = f"{base}/Groups/{gid}"
            item["display"] = group["displayName"]
            item["type"] = "direct"
            out.append(item)
        return out

    def render(self, rtype: str, resource: Resource, base: str,
               attributes: Sequence[str] | None = None,
               excluded: Sequence[str] | None = None) -> dict[str, Any]:
        """The response body for one resource, projected (RFC 7644 §3.4.2.5)."""
        members = not _excludes(excluded, "members")
        view = self.view(rtype, resource, base, members=members)
        return self.project(rtype, view, attributes, excluded)

    def project(self, rtype: str, view: Resource, attributes: Sequence[str] | None,
                excluded: Sequence[str] | None) -> dict[str, Any]:
        return project(view, self.registry, self.resource_type(rtype),
                       list(attributes) if attributes else None,
                       list(excluded) if excluded else None)

    # Writes

    def create(self, rtype: str, body: Any) -> Resource:
        """POST (RFC 7644 §3.3): a new resource with a server-assigned id."""
        with self.store.lock:
            resource = self.prepare(rtype, body, None)
            self.check_unique(rtype, resource, None)
            stored = self.account.stamp(rtype, resource)
            self.commit(rtype, None, stored)
        return stored

    def replace(self, rtype: str, rid: str, body: Any, if_match: str | None = None) -> Resource:
        """PUT (RFC 7644 §3.5.1): attributes not sent are removed; id and created are kept."""
        with self.store.lock:
            old = self.get(rtype, rid)
            self.check_version(old, if_match)
            resource = self.prepare(rtype, body, old)
            return self.update(rtype, old, resource)

    def patch(self, rtype: str, rid: str, message: Any, if_match: str | None = None) -> Resource:
        """PATCH (RFC 7644 §3.5.2), applied atomically to the resource as clients see it."""
        if not isinstance(message, dict):
            raise bad_request(INVALID_SYNTAX, "the PATCH body must be a JSON object (a PatchOp)")
        with self.store.lock:
            old = self.get(rtype, rid)
            self.check_version(old, if_match)
            patched = apply_patch(self.view(rtype, old, None), message, self.registry,
                                  self.resource_type(rtype), self.tolerances)
            if rtype == "User" and "active" not in patched:
                # A PATCH remove leaves `active` unassigned (RFC 7644 §3.5.2.2); unassigned means
                # this bridge's create default, true — unlike a PUT that omits it, which keeps
                # the 1Password state (see prepare).
                patched["active"] = True
            resource = self.prepare(rtype, patched, old)
            return self.update(rtype, old, resource)

    def delete(self, rtype: str, rid: str, if_match: str | None = None) -> None:
        """DELETE (RFC 7644 §3.6): gone from the store and from every group's members."""
        with self.store.lock:
            old = self.get(rtype, rid)
            self.check_version(old, if_match)
            self.store.table(rtype).remove(rid)
            if rtype == "User":
                self.account.forget(rid)
            for gid in list(self.store.groups_of(rid)):
                group = self.store.table("Group").get(gid)
                if group is not None:
                    members = [m for m in group.get("members", ()) if m["value"] != rid]
                    bare = {k: v for k, v in group.items() if k not in ("id", "meta", "members")}
                    self.update("Group", group, {**bare, "members": members} if members else bare)
            self.store.member_of.pop(rid, None)
            if rtype == "Group":
                gone = _member_ids(old)
                self.store.set_members(rid, gone, [])
                self.touch_all(gone)

    def bulk(self, request: Any, base: str) -> dict[str, Any]:
        """POST /Bulk (RFC 7644 §3.7)."""
        return bulk.run(self, request, base)

    def update(self, rtype: str, old: Resource, resource: Resource) -> Resource:
        self.check_unique(rtype, resource, old["id"])
        stored = self.account.stamp(rtype, resource, rid=old["id"], created=old["meta"]["created"])
        self.commit(rtype, old, stored)
        return stored

    def prepare(self, rtype: str, body: Any, old: Resource | None) -> Resource:
        """Client input in stored form: canonical, write-only values dropped, members resolved."""
        if not isinstance(body, dict):
            raise bad_request(INVALID_SYNTAX, "the request body must be a JSON object")
        resource = canonicalize(body, self.registry, self.resource_type(rtype), self.tolerances)
        for name in DISCARDED:
            resource.pop(name, None)
        for name in ("id", "meta", "groups"):
            resource.pop(name, None)
        self.check_required(rtype, resource)
        if rtype == "User":
            # `active` mirrors the 1Password suspension state, so it is always present; a write
            # that leaves it out does not change the state.
            resource["active"] = resource.get("active", old["active"] if old else True)
        elif rtype == "Group":
            members = self.resolve_members(resource.pop("members", None) or [],
                                           old["id"] if old else None)
            if members:
                resource["members"] = members
        return resource

    def check_required(self, rtype: str, resource: Resource) -> None:
        """The name a User or Group is known by is a non-empty string (other types' required
        attributes are checked by canonicalize)."""
        name = NAMES.get(rtype)
        if name is None:
            return
        value = resource.get(name)
        if not isinstance(value, str) or not value.strip():
            raise bad_request(INVALID_VALUE, f"{name} is required and must be a non-empty string")

    def resolve_members(self, members: list[Any], own_id: str | None) -> list[dict[str, str]]:
        """Members as stored: one {value, type} per distinct existing User or Group id."""
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

    def check_unique(self, rtype: str, resource: Resource, own_id: str | None) -> None:
        """409 uniqueness (RFC 7644 §3.3) on every `uniqueness: server` attribute: userName and
        group displayName case-insensitively, as their schemas say caseExact false."""
        if rtype == "Group":
            self.account.check_unmanaged(resource["displayName"])
        table = self.store.table(rtype)
        for attr in table.unique_attrs:
            value = resource.get(attr)
            owner = table.owner(attr, value) if value is not None else None
            if owner is not None and owner != own_id:
                raise conflict(f"{attr} {value!r} is already taken")

    def check_version(self, resource: Resource, if_match: str | None) -> None:
        """412 unless If-Match names the current version (RFC 7644 §3.14, RFC 7232 §3.1)."""
        if if_match is None:
            return
        if not etag_matches(if_match, resource["meta"]["version"]):
            raise ScimError(412, f"If-Match {if_match} does not match version "
                                 f"{resource['meta']['version']}")

    def commit(self, rtype: str, old: Resource | None, new: Resource) -> None:
        """Store `new` and keep the indexes, derived attributes and 1Password state in step."""
        self.store.table(rtype).put(new)
        if rtype == "User":
            if old is None:
                self.account.invite(new["id"], new["active"])
            elif old["active"] != new["active"]:
                self.account.set_active(new["id"], new["active"])
            if old is not None and _display(old) != _display(new):
                self.touch_all(self.store.groups_of(new["id"]))
            return
        before, after = _member_ids(old) if old else [], _member_ids(new)
        self.store.set_members(new["id"], before, after)
        renamed = old is not None and _display(old) != _display(new)
        self.touch_all(after if renamed else set(before) ^ set(after))
        if renamed:
            self.touch_all(self.store.groups_of(new["id"]))

    def touch_all(self, ids: Iterable[str]) -> None:
        """Give each resource in `ids` a new version: what it derives from others changed."""
        for rid in ids:
            found = self.store.find(rid)
            if found is None:
                continue
            rtype, resource = found
            meta = {**resource["meta"], "version": self.store.next_version()}
            self.store.table(rtype).put({**resource, "meta": meta})

    # Discovery (RFC 7644 §4)

    def service_provider_config(self, base: str) -> dict[str, Any]:
        return discovery.service_provider_config(self.settings, base)

    def resource_types(self, base: str) -> dict[str, Any]:
        return list_response_all(discovery.resource_types(self.registry, base))

    def resource_type_resource(self, name: str, base: str) -> dict[str, Any]:
        return discovery.one(discovery.resource_types(self.registry, base), name, "ResourceType")

    def schemas(self, base: str) -> dict[str, Any]:
        return list_response_all(discovery.schemas(self.registry, base))

    def schema_resource(self, urn: str, base: str) -> dict[str, Any]:
        return discovery.one(discovery.schemas(self.registry, base), urn, "Schema")

    def now(self) -> str:
        return timestamp(self.account.clock())


def list_response(total: int, start: int, resources: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "schemas": [LIST_RESPONSE_URN],
        "totalResults": total,
        "startIndex": start,
        "itemsPerPage": len(resources),
        "Resources": resources,
    }


def list_response_all(resources: list[dict[str, Any]]) -> dict[str, Any]:
    return list_response(len(resources), 1, resources)


def etag_matches(header: str, version: str) -> bool:
    """Weak comparison of `version` with an If-Match / If-None-Match list (RFC 7232 §2.3.2)."""
    tags = [t.strip() for t in header.split(",")]
    if "*" in tags:
        return True
    return _opaque(version) in {_opaque(t) for t in tags}


def _opaque(tag: str) -> str:
    return tag[2:] if tag[:2] in ("W/", "w/") else tag


def _excludes(excluded: Sequence[str] | None, name: str) -> bool:
    return bool(excluded) and name.lower() in (e.strip().lower() for e in excluded or ())


def _member_ids(group: Resource | None) -> list[str]:
    return [m["value"] for m in (group or {}).get("members", ())]


def _display(resource: Resource) -> Any:
    return resource.get("displayName") or resource.get("userName")

