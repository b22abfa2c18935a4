"""The RFC 7644 §3 pipeline over every resource type the registry declares: reads with filter,
sort, paging and projection (§3.4), create (§3.3), replace and patch (§3.5), delete (§3.6),
uniqueness (§3.3) and versions (§3.14).

Nothing here depends on what a resource type is called: group membership lives in `Relations`,
the provider's own choices in a `Policy`, what IdP quirks are accepted in `Tolerances`, and what
the draft interop profile makes it refuse in a `Profile`. Each
step is a small method, so a broken bridge (tests/broken/) overrides one to break one rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from scimcert.bridge.account import Account
from scimcert.bridge.policy import Policy
from scimcert.bridge.relations import Relations
from scimcert.bridge.settings import Settings
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
from scimcert.scim.paging import list_response, page_params
from scimcert.scim.patch import apply_patch
from scimcert.scim.profile import RFC, Profile
from scimcert.scim.projection import project
from scimcert.scim.resource import canonicalize
from scimcert.scim.schema import Registry, ResourceType
from scimcert.scim.sorting import sort_resources
from scimcert.scim.tolerance import Tolerances

ORDERS = ("ascending", "descending")


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


class Pipeline:
    """SCIM operations on the account's store: each validates, changes the store, and answers."""

    def __init__(self, account: Account, settings: Settings, *, policy: Policy,
                 relations: Relations, tolerances: Tolerances, profile: Profile = RFC) -> None:
        self.registry: Registry = account.registry
        self.account = account
        self.store = account.store
        self.settings = settings
        self.policy = policy
        self.relations = relations
        self.tolerances = tolerances
        self.profile = profile
        self.keys = {rt.name: _keys(self.registry, rt)
                     for rt in self.registry.resource_types.values()}

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
                total, page = self.unfiltered_page(rtypes[0], start, count, base, query.excluded)
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
        return list_response(resources, total=total, start_index=start)

    def unfiltered_page(self, rtype: str, start: int, count: int, base: str,
                        excluded: Sequence[str] | None) -> tuple[int, list[tuple[str, Resource]]]:
        """One page of the insertion order, without touching the other resources."""
        table = self.store.table(rtype)
        return len(table), [(rtype, self.view(rtype, r, base, excluded))
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
             excluded: Sequence[str] | None = None) -> Resource:
        """`resource` as clients see it: meta.location and what its relations derive."""
        out = dict(resource)
        endpoint = self.resource_type(rtype).endpoint
        if base is not None:
            out["meta"] = {**resource["meta"], "location": f"{base}{endpoint}/{resource['id']}"}
        self.relations.view(rtype, resource, out, base, excluded)
        return out

    def render(self, rtype: str, resource: Resource, base: str,
               attributes: Sequence[str] | None = None,
               excluded: Sequence[str] | None = None) -> dict[str, Any]:
        """The response body for one resource, projected (RFC 7644 §3.4.2.5)."""
        view = self.view(rtype, resource, base, excluded)
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
                                  self.resource_type(rtype), self.tolerances, self.profile)
            self.policy.patched(rtype, patched)
            resource = self.prepare(rtype, patched, old)
            return self.update(rtype, old, resource)

    def delete(self, rtype: str, rid: str, if_match: str | None = None) -> None:
        """DELETE (RFC 7644 §3.6): gone from the store and from every group's members."""
        with self.store.lock:
            old = self.get(rtype, rid)
            self.check_version(old, if_match)
            self.store.table(rtype).remove(rid)
            self.policy.removed(rtype, rid)
            for group_type, group, body in self.relations.without(rid):
                self.update(group_type, group, body)
            self.relations.removed(old)

    def update(self, rtype: str, old: Resource, resource: Resource) -> Resource:
        self.check_unique(rtype, resource, old["id"])
        stored = self.account.stamp(rtype, resource, rid=old["id"], created=old["meta"]["created"])
        self.commit(rtype, old, stored)
        return stored

    def prepare(self, rtype: str, body: Any, old: Resource | None) -> Resource:
        """Client input in stored form: canonical (readOnly attributes dropped, RFC 7644 §3.3),
        as the policy keeps it, with its keys checked and its members resolved."""
        if not isinstance(body, dict):
            raise bad_request(INVALID_SYNTAX, "the request body must be a JSON object")
        resource = canonicalize(body, self.registry, self.resource_type(rtype), self.tolerances,
                                self.profile)
        self.policy.prepare(rtype, resource, old)
        self.check_required(rtype, resource)
        self.relations.resolve(resource, old["id"] if old else None)
        return resource

    def check_required(self, rtype: str, resource: Resource) -> None:
        """The attributes a resource is known by are non-blank strings (other required
        attributes are checked by canonicalize)."""
        for name in self.keys[rtype]:
            value = resource.get(name)
            if not isinstance(value, str) or not value.strip():
                raise bad_request(INVALID_VALUE,
                                  f"{name} is required and must be a non-empty string")

    def check_unique(self, rtype: str, resource: Resource, own_id: str | None) -> None:
        """409 uniqueness (RFC 7644 §3.3) on every `uniqueness: server` attribute, compared
        case-insensitively unless its schema says caseExact; then the policy's own conflicts."""
        self.policy.admit(rtype, resource)
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
        """Store `new`, then let the policy and the relations follow the change."""
        self.store.table(rtype).put(new)
        self.policy.stored(rtype, old, new)
        self.relations.stored(old, new)


def etag_matches(header: str, version: str) -> bool:
    """Weak comparison of `version` with an If-Match / If-None-Match list (RFC 7232 §2.3.2)."""
    tags = [t.strip() for t in header.split(",")]
    if "*" in tags:
        return True
    return _opaque(version) in {_opaque(t) for t in tags}


def _opaque(tag: str) -> str:
    return tag[2:] if tag[:2] in ("W/", "w/") else tag


def _keys(registry: Registry, rtype: ResourceType) -> tuple[str, ...]:
    """The attributes a resource is known by: required, unique strings of its core schema.

    RFC 7643 §4.1.1: "Each User MUST include a non-empty userName value"; a blank value of any
    such key (a Group's displayName) would name nothing a client can tell apart.
    """
    schema = registry.schema(rtype.schema)
    return tuple(a.name for a in (schema.attributes if schema else ())
                 if a.required and a.uniqueness == "server" and a.type == "string"
                 and not a.multi_valued)
