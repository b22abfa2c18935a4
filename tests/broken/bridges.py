"""Defective variants of the reference bridge, one realistic defect each.

The defects and the requirements each must fail are data: fixtures/broken/defects.json.

A defect that lives in the SCIM behaviour is a subclass of one part of the bridge (the pipeline,
relations, discovery or bulk) overriding one method; a defect in the HTTP layer is a thin ASGI
wrapper around `create_app` that edits the request or the answer.
Every factory has the signature of `create_app` (the harness calls `factory(tokens=[token])`),
so `--scim-app tests/broken/bridges.py:<factory>` points the suites at it.
"""

from __future__ import annotations

import dataclasses
import json
import operator
import re
from collections.abc import Callable, Sequence
from datetime import datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from starlette.applications import Starlette
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from scimcert.bridge.app import Parts, create_app
from scimcert.bridge.bulk import Bulk
from scimcert.bridge.discovery import Discovery
from scimcert.bridge.pipeline import Pipeline, Query
from scimcert.bridge.relations import Relations
from scimcert.bridge.store import Resource
from scimcert.scim.errors import (
    INVALID_FILTER,
    INVALID_PATH,
    INVALID_SYNTAX,
    INVALID_VALUE,
    MUTABILITY,
    UNIQUENESS,
    ScimError,
    bad_request,
    not_found,
)
from scimcert.scim.filter import parse, to_string
from scimcert.scim.filter.ast import And, Compare, Node, Not, Or, Present, ValuePath
from scimcert.scim.schema import AttrPath, ResourceType
from scimcert.scim.sorting import sort_resources
from scimcert.scim.urns import BULK_RESPONSE_URN, ENTERPRISE_URN, USER_URN

Factory = Callable[..., ASGIApp]
Headers = list[tuple[bytes, bytes]]


PARTS = {Pipeline: "pipeline", Relations: "relations", Discovery: "discovery", Bulk: "bulk"}


def _serving(part: type) -> Factory:
    """A factory of the reference bridge with `part` in place of the part it subclasses."""
    role = next(role for base, role in PARTS.items() if issubclass(part, base))

    def factory(**options: Any) -> Starlette:
        return create_app(parts=Parts(**{role: part}), **options)

    factory.__doc__ = part.__doc__
    return factory


# Helpers on request bodies ---------------------------------------------------------------------


def _operations(message: Any) -> list[Any]:
    """The Operations list of a PatchOp message (key matched in any case), or []."""
    if not isinstance(message, dict):
        return []
    for key, value in message.items():
        if isinstance(key, str) and key.lower() == "operations" and isinstance(value, list):
            return value
    return []


def _with_operations(message: dict[str, Any], ops: list[Any]) -> dict[str, Any]:
    kept = {k: v for k, v in message.items()
            if not (isinstance(k, str) and k.lower() == "operations")}
    return {**kept, "Operations": ops}


def _folded(item: Any) -> dict[str, Any]:
    return {k.lower(): v for k, v in item.items()} if isinstance(item, dict) else {}


def _op_name(item: Any) -> str:
    return str(_folded(item).get("op", "")).lower()


def _op_path(item: Any) -> str:
    return str(_folded(item).get("path") or "").lower()


# Discovery -------------------------------------------------------------------------------------


class PatchAdvertisedUnimplemented(Pipeline):
    """Advertises patch in ServiceProviderConfig but answers every PATCH with 501."""

    def patch(self, rtype: str, rid: str, message: Any, if_match: str | None = None) -> Resource:
        raise ScimError(501, "PATCH is not implemented")


class SchemasWithoutUser(Discovery):
    """Leaves the core User schema out of /Schemas while /ResourceTypes names it."""

    def schemas(self, base: str) -> dict[str, Any]:
        listing = super().schemas(base)
        served = [s for s in listing["Resources"] if s["id"] != USER_URN]
        return {**listing, "totalResults": len(served), "itemsPerPage": len(served),
                "Resources": served}


class FeatureFlagsAsStrings(Discovery):
    """Declares ServiceProviderConfig feature flags as strings ("true") instead of booleans."""

    def service_provider_config(self, base: str) -> dict[str, Any]:
        config = super().service_provider_config(base)
        for name, value in config.items():
            if isinstance(value, dict) and isinstance(value.get("supported"), bool):
                config[name] = {**value, "supported": str(value["supported"]).lower()}
        return config


# Users -----------------------------------------------------------------------------------------


class LostDeactivation(Pipeline):
    """Answers a change of `active` as done but keeps the old value in the store."""

    def update(self, rtype: str, old: Resource, resource: Resource) -> Resource:
        if rtype != "User":
            return super().update(rtype, old, resource)
        asked = resource["active"]
        stored = super().update(rtype, old, {**resource, "active": old["active"]})
        return {**stored, "active": asked}


class StringBooleanIgnored(Pipeline):
    """Skips PATCH operations whose `active` value is a string such as Entra's "False"."""

    def patch(self, rtype: str, rid: str, message: Any, if_match: str | None = None) -> Resource:
        ops = _operations(message)
        kept = [op for op in ops if not _string_active(op)]
        if ops and not kept:
            return self.get(rtype, rid)
        return super().patch(rtype, rid, _with_operations(message, kept) if ops else message,
                             if_match)


def _string_active(op: Any) -> bool:
    fields = _folded(op)
    value = fields.get("value")
    if _op_path(op) == "active":
        return isinstance(value, str)
    return isinstance(value, dict) and isinstance(_folded(value).get("active"), str)


class PasswordShown(Pipeline):
    """Shows a `password` found in a resource instead of leaving it out (returned=never)."""

    def project(self, rtype: str, view: Resource, attributes: Sequence[str] | None,
                excluded: Sequence[str] | None) -> dict[str, Any]:
        out = super().project(rtype, view, attributes, excluded)
        if "password" in view:
            out["password"] = view["password"]
        return out


class PasswordReturned(PasswordShown):
    """Stores the password it is sent and returns it in every representation of the user."""

    def prepare(self, rtype: str, body: Any, old: Resource | None) -> Resource:
        resource = super().prepare(rtype, body, old)
        password = body.get("password") if isinstance(body, dict) else None
        if rtype == "User" and isinstance(password, str):
            resource["password"] = password
        return resource


class PasswordEchoedByPut(PasswordShown):
    """Drops the password from the store but echoes the PUT body's password in the PUT answer."""

    def replace(self, rtype: str, rid: str, body: Any, if_match: str | None = None) -> Resource:
        replaced = super().replace(rtype, rid, body, if_match)
        password = body.get("password") if isinstance(body, dict) else None
        return {**replaced, "password": password} if isinstance(password, str) else replaced


class PutMovesToBodyId(Pipeline):
    """PUT stores the resource under the `id` in the body instead of ignoring that readOnly id."""

    def replace(self, rtype: str, rid: str, body: Any, if_match: str | None = None) -> Resource:
        replaced = super().replace(rtype, rid, body, if_match)
        chosen = body.get("id") if isinstance(body, dict) else None
        if not isinstance(chosen, str) or chosen == rid:
            return replaced
        with self.store.lock:
            table = self.store.table(rtype)
            table.remove(rid)
            moved = {**replaced, "id": chosen}
            table.put(moved)
        return moved


class CaseSensitivePatchOps(Pipeline):
    """Refuses PATCH op names that are not lower case, such as Entra's "Replace"."""

    def patch(self, rtype: str, rid: str, message: Any, if_match: str | None = None) -> Resource:
        for index, op in enumerate(_operations(message)):
            name = _folded(op).get("op")
            if name not in ("add", "replace", "remove"):
                raise bad_request(INVALID_SYNTAX,
                                  f"Operations[{index}].op must be add, replace or remove")
        return super().patch(rtype, rid, message, if_match)


class SoftDeleteListed(Pipeline):
    """Deletes by marking: GET answers 404, but queries and uniqueness still see the resource."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deleted: set[str] = set()

    def get(self, rtype: str, rid: str) -> Resource:
        if rid in self.deleted:
            raise not_found(f"{rtype} {rid!r} not found")
        return super().get(rtype, rid)

    def delete(self, rtype: str, rid: str, if_match: str | None = None) -> None:
        with self.store.lock:
            self.check_version(self.get(rtype, rid), if_match)
            self.deleted.add(rid)


class DeleteKeepsMemberships(Pipeline):
    """Deletes a user but leaves it in the members of its groups."""

    def delete(self, rtype: str, rid: str, if_match: str | None = None) -> None:
        if rtype != "User":
            super().delete(rtype, rid, if_match)
            return
        with self.store.lock:
            self.check_version(self.get(rtype, rid), if_match)
            self.store.table(rtype).remove(rid)
            self.policy.removed(rtype, rid)


class DeactivatedHidden(Pipeline):
    """Leaves deactivated users out of query results, as if they were deleted."""

    def evaluate(self, node: Node, view: Resource, rt: Any, lenient: bool) -> bool:
        if view.get("active") is False:
            return False
        return super().evaluate(node, view, rt, lenient)


class CoreSchemaOnly(Pipeline):
    """Answers `schemas` with the core URN alone, even when extension attributes are set."""

    def project(self, rtype: str, view: Resource, attributes: Sequence[str] | None,
                excluded: Sequence[str] | None) -> dict[str, Any]:
        out = super().project(rtype, view, attributes, excluded)
        return {**out, "schemas": [self.resource_type(rtype).schema]}


# Uniqueness ------------------------------------------------------------------------------------


class CaseSensitiveUniqueness(Pipeline):
    """Checks userName uniqueness with a case-sensitive comparison."""

    def check_unique(self, rtype: str, resource: Resource, own_id: str | None) -> None:
        if rtype != "User":
            super().check_unique(rtype, resource, own_id)
            return
        taken = any(user["userName"] == resource["userName"] and user["id"] != own_id
                    for user in self.store.table("User"))
        if taken:
            raise ScimError(409, f"userName {resource['userName']!r} is already taken",
                            "uniqueness")


class NoUniqueness(Pipeline):
    """Never refuses a duplicate userName: every create makes a new user."""

    def check_unique(self, rtype: str, resource: Resource, own_id: str | None) -> None:
        if rtype != "User":
            super().check_unique(rtype, resource, own_id)


class GroupNamesNotUnique(Pipeline):
    """Accepts a second group with a displayName already in use."""

    def check_unique(self, rtype: str, resource: Resource, own_id: str | None) -> None:
        if rtype != "Group":
            super().check_unique(rtype, resource, own_id)


# Groups ----------------------------------------------------------------------------------------


class RemoveMembersRemovesAll(Pipeline):
    """Reads `remove` on members with a value list as "remove every member"."""

    def patch(self, rtype: str, rid: str, message: Any, if_match: str | None = None) -> Resource:
        ops = _operations(message)
        if rtype == "Group" and ops:
            ops = [{"op": "remove", "path": "members"}
                   if _op_name(op) == "remove" and _op_path(op) == "members" else op
                   for op in ops]
            message = _with_operations(message, ops)
        return super().patch(rtype, rid, message, if_match)


class AddMembersReplaces(Pipeline):
    """Treats `add` on members as `replace`: the members a group had before are lost."""

    def patch(self, rtype: str, rid: str, message: Any, if_match: str | None = None) -> Resource:
        ops = _operations(message)
        if rtype == "Group" and ops:
            ops = [{**op, "op": "replace"}
                   if _op_name(op) == "add" and _op_path(op) == "members" else op
                   for op in ops]
            message = _with_operations(message, ops)
        return super().patch(rtype, rid, message, if_match)


class ExcludedAttributesIgnored(Pipeline):
    """Ignores excludedAttributes: every default attribute is returned."""

    def render(self, rtype: str, resource: Resource, base: str,
               attributes: Sequence[str] | None = None,
               excluded: Sequence[str] | None = None) -> dict[str, Any]:
        return super().render(rtype, resource, base, attributes, None)

    def project(self, rtype: str, view: Resource, attributes: Sequence[str] | None,
                excluded: Sequence[str] | None) -> dict[str, Any]:
        return super().project(rtype, view, attributes, None)

    def search(self, rtypes: Sequence[str], query: Query, base: str) -> dict[str, Any]:
        return super().search(rtypes, dataclasses.replace(query, excluded=None), base)


# Query -----------------------------------------------------------------------------------------


class CaseSensitiveUserNameFilter(Pipeline):
    """Compares `userName eq` case-sensitively although userName is caseExact false."""

    def evaluate(self, node: Node, view: Resource, rt: Any, lenient: bool) -> bool:
        if not super().evaluate(node, view, rt, lenient):
            return False
        return _exact_user_names(node, view)


def _exact_user_names(node: Node, view: Resource) -> bool:
    """False when a top-level `userName eq` of `node` (or of its `and`s) differs in case."""
    if isinstance(node, And):
        return _exact_user_names(node.left, view) and _exact_user_names(node.right, view)
    if isinstance(node, Compare) and node.op == "eq" and node.path.sub is None \
            and node.path.attr.lower() == "username":
        return view.get("userName") == node.value
    return True


class CountIgnored(Pipeline):
    """Ignores count: every match from startIndex on is returned."""

    def search(self, rtypes: Sequence[str], query: Query, base: str) -> dict[str, Any]:
        return super().search(rtypes, dataclasses.replace(query, count=None), base)


class ItemsPerPageIsCount(Pipeline):
    """States the count asked for as itemsPerPage, even on a page holding fewer resources."""

    def search(self, rtypes: Sequence[str], query: Query, base: str) -> dict[str, Any]:
        answer = super().search(rtypes, query, base)
        asked = str(query.count).strip() if query.count is not None else ""
        if not asked.isdigit():
            return answer
        return {**answer, "itemsPerPage": int(asked)}


class TotalResultsIsPageSize(Pipeline):
    """States the size of the page as totalResults instead of the number of matches."""

    def search(self, rtypes: Sequence[str], query: Query, base: str) -> dict[str, Any]:
        answer = super().search(rtypes, query, base)
        return {**answer, "totalResults": len(answer["Resources"])}


class ZeroBasedStartIndex(Pipeline):
    """Reads startIndex as a 0-based offset, so startIndex=1 skips the first result."""

    def search(self, rtypes: Sequence[str], query: Query, base: str) -> dict[str, Any]:
        sent = query.start_index
        if sent is None or not str(sent).strip().lstrip("-").isdigit():
            return super().search(rtypes, query, base)
        offset = max(int(sent), 0)
        answer = super().search(rtypes, dataclasses.replace(query, start_index=offset + 1), base)
        return {**answer, "startIndex": max(int(sent), 1)}


class NoMatchAnswers404(Pipeline):
    """Answers 404 for a filter that matches nothing instead of an empty ListResponse."""

    def search(self, rtypes: Sequence[str], query: Query, base: str) -> dict[str, Any]:
        answer = super().search(rtypes, query, base)
        if query.filter and answer["totalResults"] == 0:
            raise not_found("no resource matches the filter")
        return answer


class AndEvaluatedAsOr(Pipeline):
    """Evaluates `and` like `or`."""

    def filters(self, rtypes: Sequence[str], text: str | None) -> tuple[Node | None, set[str]]:
        node, lenient = super().filters(rtypes, text)
        return (_and_as_or(node) if node is not None else None), lenient


def _and_as_or(node: Node) -> Node:
    if isinstance(node, And | Or):
        return Or(_and_as_or(node.left), _and_as_or(node.right))
    if isinstance(node, Not):
        return Not(_and_as_or(node.inner))
    if isinstance(node, ValuePath):
        return ValuePath(node.path, _and_as_or(node.filter))
    return node


# Errors ----------------------------------------------------------------------------------------


class WrongTypeCrashes(Pipeline):
    """Trims userName before validating the body, so a body of the wrong shape raises (500)."""

    def create(self, rtype: str, body: Any) -> Resource:
        if rtype == "User":
            body = {**body, "userName": body["userName"].strip()}
        return super().create(rtype, body)


# ETag, bulk, sort ------------------------------------------------------------------------------


class IfMatchIgnored(Pipeline):
    """Advertises etag but never checks If-Match: a stale version overwrites the resource."""

    def check_version(self, resource: Resource, if_match: str | None) -> None:
        return None


class VersionNeverChanges(Pipeline):
    """Keeps the first version of a resource as its ETag, whatever changes."""

    def update(self, rtype: str, old: Resource, resource: Resource) -> Resource:
        stored = super().update(rtype, old, resource)
        kept = {**stored, "meta": {**stored["meta"], "version": old["meta"]["version"]}}
        self.store.table(rtype).put(kept)
        return kept


class BulkLimitNotEnforced(Bulk):
    """Advertises maxOperations but splits a longer BulkRequest into batches instead of a 413."""

    def run(self, request: Any, base: str) -> dict[str, Any]:
        ops, size = _operations(request), self.max_operations
        if len(ops) <= size:
            return super().run(request, base)
        run = super().run
        batches = [run({**request, "Operations": ops[i:i + size]}, base)
                   for i in range(0, len(ops), size)]
        return {"schemas": [BULK_RESPONSE_URN],
                "Operations": [result for batch in batches for result in batch["Operations"]]}


class BulkOperationsIsolated(Bulk):
    """Runs each bulk operation on its own, so a bulkId: reference never resolves."""

    def run(self, request: Any, base: str) -> dict[str, Any]:
        ops = _operations(request)
        if not ops:
            return super().run(request, base)
        run = super().run
        results = [run({**request, "Operations": [op]}, base)["Operations"] for op in ops]
        return {"schemas": [BULK_RESPONSE_URN],
                "Operations": [result for found in results for result in found]}


class BulkIdDropped(Bulk):
    """Leaves bulkId out of the results of a BulkResponse."""

    def run(self, request: Any, base: str) -> dict[str, Any]:
        answer = super().run(request, base)
        results = [{k: v for k, v in r.items() if k != "bulkId"} for r in answer["Operations"]]
        return {**answer, "Operations": results}


class DescendingIgnored(Pipeline):
    """Accepts sortOrder but always sorts ascending."""

    def sort_order(self, text: str | None) -> str:
        super().sort_order(text)
        return "ascending"


# Shared shapes of the defects below --------------------------------------------------------------


class _EditedPatch(Pipeline):
    """Rewrites or drops each PATCH operation (`edit`) before the reference applies the rest."""

    def patch(self, rtype: str, rid: str, message: Any, if_match: str | None = None) -> Resource:
        ops = _operations(message)
        current = self.view(rtype, self.get(rtype, rid), None)
        kept = [e for op in ops for e in _as_list(self.edit(rtype, op, current))]
        if ops and not kept:
            return self.get(rtype, rid)
        return super().patch(rtype, rid, _with_operations(message, kept) if ops else message,
                             if_match)

    def edit(self, rtype: str, op: Any, current: Resource) -> Any:
        """The operation to apply instead of `op`: one, a list of several, or None."""
        return op

    def attribute(self, rtype: str, path: str) -> Any:
        """The attribute a plain (filter-less) PATCH path names, or None."""
        if "[" in path or not path:
            return None
        return self.registry.attribute(self.resource_type(rtype), AttrPath.parse(path))


class _RewrittenFilter(Pipeline):
    """Rewrites each comparison of a filter (`leaf`) before the reference validates it."""

    def filters(self, rtypes: Sequence[str], text: str | None) -> tuple[Node | None, set[str]]:
        if text is None:
            return super().filters(rtypes, text)
        rt = self.resource_type(rtypes[0])
        node = _map_leaves(parse(text, self.tolerances), lambda leaf: self.leaf(leaf, rt))
        return super().filters(rtypes, to_string(node))

    def leaf(self, node: Node, rt: ResourceType) -> Node:
        return node


def _as_list(edited: Any) -> list[Any]:
    if edited is None:
        return []
    return edited if isinstance(edited, list) else [edited]


def _map_leaves(node: Node, change: Callable[[Node], Node]) -> Node:
    if isinstance(node, And | Or):
        return type(node)(_map_leaves(node.left, change), _map_leaves(node.right, change))
    if isinstance(node, Not):
        return Not(_map_leaves(node.inner, change))
    return change(node)


def _never(path: AttrPath) -> Node:
    return And(Present(path), Not(Present(path)))


def _path(op: Any) -> str:
    return str(_folded(op).get("path") or "")


def _value(op: Any) -> Any:
    return _folded(op).get("value")


# Users, more -----------------------------------------------------------------------------------


class ActiveAsString(Pipeline):
    """Writes `active` as the string "True"/"False", as .NET's bool.ToString() does."""

    def project(self, rtype: str, view: Resource, attributes: Sequence[str] | None,
                excluded: Sequence[str] | None) -> dict[str, Any]:
        out = super().project(rtype, view, attributes, excluded)
        if isinstance(out.get("active"), bool):
            out["active"] = str(out["active"])
        return out


class MetaDatesAsHttpDates(Pipeline):
    """Writes meta.created and meta.lastModified as HTTP dates, not xsd:dateTime."""

    def project(self, rtype: str, view: Resource, attributes: Sequence[str] | None,
                excluded: Sequence[str] | None) -> dict[str, Any]:
        out = super().project(rtype, view, attributes, excluded)
        meta = dict(out.get("meta") or {})
        for name in ("created", "lastModified"):
            if name in meta:
                meta[name] = format_datetime(datetime.fromisoformat(meta[name]), usegmt=True)
        return {**out, "meta": meta} if meta else out


class CreatedAsDate(Pipeline):
    """Stores meta.created in a date column, so it loses its time and differs from lastModified."""

    def create(self, rtype: str, body: Any) -> Resource:
        stored = super().create(rtype, body)
        dated = {**stored, "meta": {**stored["meta"],
                                    "created": stored["meta"]["created"][:10] + "T00:00:00Z"}}
        self.store.table(rtype).put(dated)
        return dated


class ClientIdKept(Pipeline):
    """Creates the resource under the `id` the client sent, when it sent one."""

    def create(self, rtype: str, body: Any) -> Resource:
        created = super().create(rtype, body)
        chosen = body.get("id") if isinstance(body, dict) else None
        if not isinstance(chosen, str):
            return created
        with self.store.lock:
            table = self.store.table(rtype)
            table.remove(created["id"])
            moved = {**created, "id": chosen}
            table.put(moved)
        return moved


class MetaResourceTypeIsEndpoint(Pipeline):
    """Writes the endpoint name ("Users") as meta.resourceType instead of the type ("User")."""

    def project(self, rtype: str, view: Resource, attributes: Sequence[str] | None,
                excluded: Sequence[str] | None) -> dict[str, Any]:
        out = super().project(rtype, view, attributes, excluded)
        if "meta" in out:
            endpoint = self.resource_type(rtype).endpoint.strip("/")
            out["meta"] = {**out["meta"], "resourceType": endpoint}
        return out


class NickNameDropped(Pipeline):
    """Drops nickName, which the 1Password account has no field for, and answers 201 anyway."""

    def prepare(self, rtype: str, body: Any, old: Resource | None) -> Resource:
        resource = super().prepare(rtype, body, old)
        resource.pop("nickName", None)
        return resource


class PhoneNumbersNormalised(Pipeline):
    """Stores phone numbers in E.164 form ("+15550100"), not as the client sent them."""

    def prepare(self, rtype: str, body: Any, old: Resource | None) -> Resource:
        resource = super().prepare(rtype, body, old)
        if "phoneNumbers" in resource:
            resource["phoneNumbers"] = [
                {**p, "value": re.sub(r"[^0-9+]", "", str(p.get("value", "")))}
                for p in resource["phoneNumbers"]]
        return resource


class DoubleEncodedText(Pipeline):
    """Stores text fields double-encoded: the UTF-8 bytes read back as Latin-1."""

    def prepare(self, rtype: str, body: Any, old: Resource | None) -> Resource:
        resource = super().prepare(rtype, body, old)
        for name in ("displayName", "nickName", "title"):
            if isinstance(resource.get(name), str):
                resource[name] = resource[name].encode("utf-8").decode("latin-1")
        return resource


class SchemasDroppedOnSelection(Pipeline):
    """Leaves `schemas` out whenever attributes or excludedAttributes is given."""

    def project(self, rtype: str, view: Resource, attributes: Sequence[str] | None,
                excluded: Sequence[str] | None) -> dict[str, Any]:
        out = super().project(rtype, view, attributes, excluded)
        if attributes or excluded:
            out.pop("schemas", None)
        return out


class IdExcludable(Pipeline):
    """Honours excludedAttributes=id although id is returned=always."""

    def project(self, rtype: str, view: Resource, attributes: Sequence[str] | None,
                excluded: Sequence[str] | None) -> dict[str, Any]:
        out = super().project(rtype, view, attributes, excluded)
        if any(name.strip().lower() == "id" for name in excluded or ()):
            out.pop("id", None)
        return out


class PasswordOnRequest(PasswordReturned):
    """Keeps the password and returns it when attributes asks for it (returned=never)."""

    def project(self, rtype: str, view: Resource, attributes: Sequence[str] | None,
                excluded: Sequence[str] | None) -> dict[str, Any]:
        out = Pipeline.project(self, rtype, view, attributes, excluded)
        if "password" in view and any(a.strip().lower() == "password" for a in attributes or ()):
            out["password"] = view["password"]
        return out


class ReactivationIgnored(Pipeline):
    """Keeps a suspended user suspended when active=true arrives."""

    def update(self, rtype: str, old: Resource, resource: Resource) -> Resource:
        if rtype == "User" and old["active"] is False:
            resource = {**resource, "active": False}
        return super().update(rtype, old, resource)


class DeleteOfMissingSucceeds(Pipeline):
    """Answers a DELETE of a resource that is already gone with 204, as if idempotent."""

    def delete(self, rtype: str, rid: str, if_match: str | None = None) -> None:
        if self.store.table(rtype).get(rid) is None:
            return
        super().delete(rtype, rid, if_match)


class UnknownIdAnswers400(Pipeline):
    """Answers an id it does not know with 400 invalidValue instead of 404."""

    def get(self, rtype: str, rid: str) -> Resource:
        found = self.store.table(rtype).get(rid)
        if found is None:
            raise bad_request(INVALID_VALUE, f"{rid!r} is not a {rtype} id")
        return found


class PutKeepsStoredValues(Pipeline):
    """PUT only fills attributes the resource lacks: stored values win over the ones sent."""

    def replace(self, rtype: str, rid: str, body: Any, if_match: str | None = None) -> Resource:
        stored = {k: v for k, v in self.get(rtype, rid).items() if k not in ("id", "meta")}
        merged = {**body, **stored} if isinstance(body, dict) else body
        return super().replace(rtype, rid, merged, if_match)


class PutMerges(Pipeline):
    """PUT merges the body into the stored resource, keeping attributes it omits."""

    def replace(self, rtype: str, rid: str, body: Any, if_match: str | None = None) -> Resource:
        stored = {k: v for k, v in self.get(rtype, rid).items() if k not in ("id", "meta")}
        merged = {**stored, **body} if isinstance(body, dict) else body
        return super().replace(rtype, rid, merged, if_match)


class IfMatchAgainstLastModified(Pipeline):
    """Compares If-Match with meta.lastModified instead of the version: a current ETag gets 412."""

    def check_version(self, resource: Resource, if_match: str | None) -> None:
        if if_match is not None and if_match.strip('W/"') != resource["meta"]["lastModified"]:
            raise ScimError(412, f"If-Match {if_match} does not match")


class VersionUnquoted(Pipeline):
    """Writes meta.version bare (3) while the ETag header is W/"3"."""

    def project(self, rtype: str, view: Resource, attributes: Sequence[str] | None,
                excluded: Sequence[str] | None) -> dict[str, Any]:
        out = super().project(rtype, view, attributes, excluded)
        version = (out.get("meta") or {}).get("version")
        if isinstance(version, str):
            out["meta"] = {**out["meta"], "version": version.removeprefix("W/").strip('"')}
        return out


class UniquenessOnUpdateUntyped(Pipeline):
    """Refuses an update to a taken userName with 409 but no scimType."""

    def update(self, rtype: str, old: Resource, resource: Resource) -> Resource:
        try:
            return super().update(rtype, old, resource)
        except ScimError as exc:
            if exc.scim_type != UNIQUENESS:
                raise
            raise ScimError(409, exc.detail) from exc


class EmailTypeOtherRefused(Pipeline):
    """Accepts only "work" and "home" as email types, refusing the canonical "other"."""

    def prepare(self, rtype: str, body: Any, old: Resource | None) -> Resource:
        resource = super().prepare(rtype, body, old)
        for email in resource.get("emails", ()):
            if email.get("type") not in (None, "work", "home"):
                raise bad_request(INVALID_VALUE, f"email type {email['type']!r} is not supported")
        return resource


# PATCH, more -----------------------------------------------------------------------------------


class PatchAnswersOldResource(Pipeline):
    """Answers PATCH with the resource as it was before the change."""

    def patch(self, rtype: str, rid: str, message: Any, if_match: str | None = None) -> Resource:
        before = self.get(rtype, rid)
        super().patch(rtype, rid, message, if_match)
        return before


class AddSimpleIgnored(_EditedPatch):
    """Applies `add` with a path only to multi-valued attributes; other adds do nothing."""

    def edit(self, rtype: str, op: Any, current: Resource) -> Any:
        attr = self.attribute(rtype, _path(op))
        if _op_name(op) == "add" and attr is not None and not attr.multi_valued:
            return None
        return op


class AddPathlessIgnored(_EditedPatch):
    """Ignores `add` operations without a path."""

    def edit(self, rtype: str, op: Any, current: Resource) -> Any:
        return None if _op_name(op) == "add" and not _path(op) else op


class UrnPathRefused(_EditedPatch):
    """Answers a URN-qualified PATCH path with 400 invalidPath: only short names are parsed."""

    def edit(self, rtype: str, op: Any, current: Resource) -> Any:
        if _op_path(op).startswith("urn:"):
            raise bad_request(INVALID_PATH, f"cannot parse path {_path(op)!r}")
        return op


class RemoveSetsEmpty(_EditedPatch):
    """Clears an attribute on `remove` by setting it to "" instead of unassigning it."""

    def edit(self, rtype: str, op: Any, current: Resource) -> Any:
        attr = self.attribute(rtype, _path(op))
        if _op_name(op) == "remove" and attr is not None and not attr.multi_valued \
                and attr.type == "string" and ":" not in _path(op):
            return {"op": "replace", "path": _path(op), "value": ""}
        return op


class RemoveFilterDropped(_EditedPatch):
    """Drops the value filter of a `remove` path, removing every value of the attribute."""

    def edit(self, rtype: str, op: Any, current: Resource) -> Any:
        if _op_name(op) == "remove" and "[" in _path(op):
            return {**op, "path": _path(op).split("[", 1)[0]}
        return op


class ReplaceAbsentIgnored(_EditedPatch):
    """Applies `replace` only to attributes that already have a value."""

    def edit(self, rtype: str, op: Any, current: Resource) -> Any:
        top = _path(op).split(".", 1)[0].lower()
        present = {name.lower() for name in current}
        if _op_name(op) == "replace" and top and ":" not in top and "[" not in top \
                and top not in present:
            return None
        return op


class ReplaceMultiValuedAppends(_EditedPatch):
    """Treats `replace` on a multi-valued attribute as `add`: old values stay."""

    def edit(self, rtype: str, op: Any, current: Resource) -> Any:
        attr = self.attribute(rtype, _path(op))
        if _op_name(op) == "replace" and attr is not None and attr.multi_valued:
            return {**op, "op": "add"}
        return op


class ReplacePathlessIgnored(_EditedPatch):
    """Ignores `replace` operations without a path."""

    def edit(self, rtype: str, op: Any, current: Resource) -> Any:
        return None if _op_name(op) == "replace" and not _path(op) else op


class UserNameReplaceIgnored(_EditedPatch):
    """Ignores `replace` on userName, because 1Password account emails cannot change."""

    def edit(self, rtype: str, op: Any, current: Resource) -> Any:
        return None if _op_name(op) == "replace" and _op_path(op) == "username" else op


class SubAttributeReplacesParent(_EditedPatch):
    """Reads `replace` on name.givenName as setting name to {givenName}: other parts are lost."""

    def edit(self, rtype: str, op: Any, current: Resource) -> Any:
        path = _path(op)
        if _op_name(op) == "replace" and "." in path and ":" not in path and "[" not in path:
            top, sub = path.split(".", 1)
            return [{"op": "remove", "path": top},
                    {"op": "add", "path": top, "value": {sub: _value(op)}}]
        return op


class ReplaceValueFilterRefused(_EditedPatch):
    """Answers `replace` on a value-filter path with 400 invalidPath."""

    def edit(self, rtype: str, op: Any, current: Resource) -> Any:
        if _op_name(op) == "replace" and "[" in _path(op):
            raise bad_request(INVALID_PATH, "value filters in PATCH paths are not supported")
        return op


class PathlessIdRefused(_EditedPatch):
    """Refuses a path-less replace whose value carries the readOnly id, as Okta sends it."""

    def edit(self, rtype: str, op: Any, current: Resource) -> Any:
        value = _value(op)
        if not _path(op) and isinstance(value, dict) and "id" in _folded(value):
            raise bad_request(MUTABILITY, "id is readOnly")
        return op


class PathlessPathKeysIgnored(_EditedPatch):
    """Ignores keys of a path-less value that are attribute paths (name.givenName, URNs)."""

    def edit(self, rtype: str, op: Any, current: Resource) -> Any:
        value = _value(op)
        if _path(op) or not isinstance(value, dict):
            return op
        kept = {k: v for k, v in value.items() if "." not in k and ":" not in k}
        return {**op, "value": kept} if kept else None


class RemoveWithoutPathIgnored(_EditedPatch):
    """Answers `remove` without a path with 200 and changes nothing, instead of noTarget."""

    def edit(self, rtype: str, op: Any, current: Resource) -> Any:
        return None if _op_name(op) == "remove" and not _path(op) else op


class ReadOnlyPatchIgnored(_EditedPatch):
    """Skips PATCH operations on readOnly attributes and answers 200."""

    def edit(self, rtype: str, op: Any, current: Resource) -> Any:
        attr = self.attribute(rtype, _path(op))
        return None if attr is not None and attr.mutability == "readOnly" else op


class FirstMemberOnly(_EditedPatch):
    """Adds only the first member of an `add` whose value lists several."""

    def edit(self, rtype: str, op: Any, current: Resource) -> Any:
        value = _value(op)
        if _op_name(op) == "add" and _op_path(op) == "members" and isinstance(value, list):
            return {**op, "value": value[:1]}
        return op


# Groups, more ----------------------------------------------------------------------------------


class UserGroupsOmitted(Relations):
    """Never fills a user's `groups` attribute."""

    def view(self, rtype: str, resource: Resource, out: Resource, base: str | None,
             excluded: Sequence[str] | None = None) -> None:
        super().view(rtype, resource, out, base, excluded)
        if rtype == "User":
            out.pop("groups", None)


class EmptyMembersRefused(Pipeline):
    """Refuses a group create with `members: []` as an invalid value."""

    def prepare(self, rtype: str, body: Any, old: Resource | None) -> Resource:
        if rtype == "Group" and isinstance(body, dict) and body.get("members") == []:
            raise bad_request(INVALID_VALUE, "members must not be empty")
        return super().prepare(rtype, body, old)


class UnknownSchemaRefused(Pipeline):
    """Refuses a body whose `schemas` names a URN it does not know (Entra's ADSCIM group URI)."""

    def prepare(self, rtype: str, body: Any, old: Resource | None) -> Resource:
        schemas = body.get("schemas") if isinstance(body, dict) else None
        unknown = [s for s in schemas or () if self.registry.schema(str(s)) is None]
        if unknown:
            raise bad_request(INVALID_VALUE, f"unknown schemas {unknown}")
        return super().prepare(rtype, body, old)


class GroupListingRefused(Pipeline):
    """Answers GET /Groups without a filter with 501: it only looks groups up."""

    def list(self, rtype: str, query: Query, base: str) -> dict[str, Any]:
        if rtype == "Group" and query.filter is None:
            raise ScimError(501, "listing groups needs a filter")
        return super().list(rtype, query, base)


# Filters, more ---------------------------------------------------------------------------------


class ExternalIdCaseInsensitive(Pipeline):
    """Compares externalId without regard to case although it is caseExact."""

    def evaluate(self, node: Node, view: Resource, rt: Any, lenient: bool) -> bool:
        folded = _map_leaves(node, _fold_external_id)
        if isinstance(view.get("externalId"), str):
            view = {**view, "externalId": view["externalId"].casefold()}
        return super().evaluate(folded, view, rt, lenient)

    def indexed_ids(self, table: Any, rt: ResourceType, node: Node | None) -> list[str] | None:
        # The index is case-exact, so this bridge scans instead.
        return None


class OrdinalStringOrdering(Pipeline):
    """Orders strings code point by code point in gt/ge/lt/le, ignoring caseExact: "Bob" < "al"."""

    def evaluate(self, node: Node, view: Resource, rt: Any, lenient: bool) -> bool:
        if isinstance(node, And):
            return (self.evaluate(node.left, view, rt, lenient)
                    and self.evaluate(node.right, view, rt, lenient))
        if isinstance(node, Or):
            return (self.evaluate(node.left, view, rt, lenient)
                    or self.evaluate(node.right, view, rt, lenient))
        if isinstance(node, Not):
            return not self.evaluate(node.inner, view, rt, lenient)
        if isinstance(node, Compare) and node.op in ORDERING and isinstance(node.value, str):
            value = _simple_value(view, node.path)
            if isinstance(value, str):
                return ORDERING[node.op](value, node.value)
        return super().evaluate(node, view, rt, lenient)


ORDERING = {"gt": operator.gt, "ge": operator.ge, "lt": operator.lt, "le": operator.le}


def _simple_value(view: Resource, path: AttrPath) -> Any:
    """The value at a single-valued path of `view`, names matched in any case."""
    holder: Any = view
    if path.urn and path.urn.lower() != USER_URN.lower():
        holder = _any_case(view, path.urn)
    value = _any_case(holder, path.attr)
    return _any_case(value, path.sub) if path.sub else value


def _any_case(holder: Any, name: str) -> Any:
    if not isinstance(holder, dict):
        return None
    return next((v for k, v in holder.items() if k.lower() == name.lower()), None)


def _fold_external_id(node: Node) -> Node:
    if isinstance(node, Compare) and node.path.attr.lower() == "externalid" \
            and isinstance(node.value, str):
        return Compare(node.path, node.op, node.value.casefold())
    return node


class FilterUnimplemented(Pipeline):
    """Advertises filter but answers every filtered query with 501."""

    def filters(self, rtypes: Sequence[str], text: str | None) -> tuple[Node | None, set[str]]:
        if text is not None:
            raise ScimError(501, "filtering is not implemented")
        return super().filters(rtypes, text)


class StartsWithAsContains(_RewrittenFilter):
    """Evaluates `sw` like `co` (a LIKE '%x%' query)."""

    def leaf(self, node: Node, rt: ResourceType) -> Node:
        if isinstance(node, Compare) and node.op == "sw":
            return Compare(node.path, "co", node.value)
        return node


class BooleanOrdering(_RewrittenFilter):
    """Orders booleans false < true instead of refusing gt/ge/lt/le on them."""

    def leaf(self, node: Node, rt: ResourceType) -> Node:
        if not (isinstance(node, Compare) and isinstance(node.value, bool)
                and node.op in ("gt", "ge", "lt", "le")):
            return node
        above = node.op in ("gt", "ge")
        if node.op in ("ge", "le") and node.value is (not above):
            return Present(node.path)
        if node.op in ("gt", "lt") and node.value is above:
            return _never(node.path)
        return Compare(node.path, "eq", above)


class CaseSensitiveAttributeNames(_RewrittenFilter):
    """Refuses attribute names in a filter unless written in their schema's case."""

    def leaf(self, node: Node, rt: ResourceType) -> Node:
        path = getattr(node, "path", None)
        attr = self.registry.attribute(rt, path) if path is not None else None
        parent = self.registry.attribute(rt, AttrPath(path.attr, None, path.urn)) \
            if attr is not None else None
        urns = set(rt.schema_urns) | {None}
        if attr is not None and (parent.name != path.attr or path.urn not in urns
                                 or (path.sub is not None and attr.name != path.sub)):
            raise bad_request(INVALID_FILTER, f"unknown attribute {path}")
        return node


class ComplexWithoutSubAttributeMatchesNothing(_RewrittenFilter):
    """Compares only simple attributes: a filter on a complex attribute itself matches nothing."""

    def leaf(self, node: Node, rt: ResourceType) -> Node:
        path = getattr(node, "path", None)
        attr = self.registry.attribute(rt, path) \
            if isinstance(node, Compare | Present) else None
        if attr is not None and attr.type == "complex" and path.sub is None:
            return _never(path)
        return node


class UrnQualifiedMatchesNothing(_RewrittenFilter):
    """Looks a URN-qualified filter attribute up by its full text, so it never matches."""

    def leaf(self, node: Node, rt: ResourceType) -> Node:
        path = getattr(node, "path", None)
        if isinstance(node, Compare | Present) and path.urn:
            return _never(path)
        return node


class SchemasNotFilterable(_RewrittenFilter):
    """Treats `schemas` as an attribute it does not store, so filtering on it matches nothing."""

    def leaf(self, node: Node, rt: ResourceType) -> Node:
        path = getattr(node, "path", None)
        if isinstance(node, Compare | Present) and path.attr.lower() == "schemas":
            return _never(path)
        return node


class ValuePathFlattened(_RewrittenFilter):
    """Evaluates emails[type eq "home" and primary eq true] across different emails."""

    def leaf(self, node: Node, rt: ResourceType) -> Node:
        if isinstance(node, ValuePath):
            outer = node.path
            return _map_leaves(node.filter, lambda inner: type(inner)(
                AttrPath(outer.attr, inner.path.attr, outer.urn), *_rest(inner)))
        return node


def _rest(node: Node) -> tuple[Any, ...]:
    return (node.op, node.value) if isinstance(node, Compare) else ()


class FirstValueOnly(Pipeline):
    """Compares a multi-valued attribute's first value only."""

    def evaluate(self, node: Node, view: Resource, rt: Any, lenient: bool) -> bool:
        first = {k: v[:1] if isinstance(v, list) and v and isinstance(v[0], dict) else v
                 for k, v in view.items()}
        return super().evaluate(node, first, rt, lenient)


class NoPrecedence(Pipeline):
    """Evaluates `and` and `or` left to right, without `and` binding tighter."""

    def filters(self, rtypes: Sequence[str], text: str | None) -> tuple[Node | None, set[str]]:
        node, lenient = super().filters(rtypes, text)
        return (_left_to_right(node) if node is not None else None), lenient


def _left_to_right(node: Node) -> Node:
    if isinstance(node, Or) and isinstance(node.right, And):
        inner = node.right
        return And(_left_to_right(Or(node.left, inner.left)), _left_to_right(inner.right))
    if isinstance(node, And | Or):
        return type(node)(_left_to_right(node.left), _left_to_right(node.right))
    if isinstance(node, Not):
        return Not(_left_to_right(node.inner))
    return node


class UnparsableFilterIgnored(Pipeline):
    """Ignores a filter it cannot parse and lists every resource."""

    def filters(self, rtypes: Sequence[str], text: str | None) -> tuple[Node | None, set[str]]:
        try:
            return super().filters(rtypes, text)
        except ScimError as exc:
            if exc.scim_type != INVALID_FILTER:
                raise
            return None, set()


class FilterErrorUntyped(Pipeline):
    """Refuses a malformed filter with 400 but no scimType."""

    def filters(self, rtypes: Sequence[str], text: str | None) -> tuple[Node | None, set[str]]:
        try:
            return super().filters(rtypes, text)
        except ScimError as exc:
            raise ScimError(exc.status, exc.detail) from exc


class ValuePathSubAttributeRefused(Pipeline):
    """Refuses a sub-attribute after a value filter (emails[type eq "work"].value)."""

    def filters(self, rtypes: Sequence[str], text: str | None) -> tuple[Node | None, set[str]]:
        if text is not None and re.search(r"\]\.\w", text):
            raise bad_request(INVALID_FILTER, "no sub-attribute may follow a value filter")
        return super().filters(rtypes, text)


# Paging, attributes, search, more --------------------------------------------------------------


class CountZeroIsDefault(Pipeline):
    """Reads count=0 as "not given" and returns a default-sized page."""

    def search(self, rtypes: Sequence[str], query: Query, base: str) -> dict[str, Any]:
        if str(query.count).strip() == "0":
            query = dataclasses.replace(query, count=None)
        return super().search(rtypes, query, base)


class NegativeCountUnlimited(Pipeline):
    """Reads a negative count as "no limit"."""

    def search(self, rtypes: Sequence[str], query: Query, base: str) -> dict[str, Any]:
        if str(query.count).strip().startswith("-"):
            query = dataclasses.replace(query, count=None)
        return super().search(rtypes, query, base)


class StartIndexBelowOneRefused(Pipeline):
    """Refuses a startIndex below 1 with 400 instead of reading it as 1."""

    def search(self, rtypes: Sequence[str], query: Query, base: str) -> dict[str, Any]:
        sent = str(query.start_index).strip()
        if query.start_index is not None and sent.lstrip("-").isdigit() and int(sent) < 1:
            raise bad_request(INVALID_VALUE, "startIndex must be 1 or more")
        return super().search(rtypes, query, base)


class AttributesAddToDefaults(Pipeline):
    """Reads `attributes` as extra attributes: every default attribute is still returned."""

    def project(self, rtype: str, view: Resource, attributes: Sequence[str] | None,
                excluded: Sequence[str] | None) -> dict[str, Any]:
        return super().project(rtype, view, None, excluded)


class AttributesTopLevelOnly(Pipeline):
    """Cuts `attributes` to top-level names: name.familyName returns the whole name."""

    def project(self, rtype: str, view: Resource, attributes: Sequence[str] | None,
                excluded: Sequence[str] | None) -> dict[str, Any]:
        tops = None
        if attributes:
            paths = [AttrPath.parse(a.strip()) for a in attributes]
            tops = [str(AttrPath(p.attr, None, p.urn)) for p in paths]
        return super().project(rtype, view, tops, excluded)


class SearchIgnoresAttributes(Pipeline):
    """Ignores `attributes` in a POST .search SearchRequest (GET honours it)."""

    def list(self, rtype: str, query: Query, base: str) -> dict[str, Any]:
        return Pipeline.search(self, [rtype], query, base)

    def search(self, rtypes: Sequence[str], query: Query, base: str) -> dict[str, Any]:
        return super().search(rtypes, dataclasses.replace(query, attributes=None), base)


# Sorting, more ---------------------------------------------------------------------------------


class DescendingByDefault(Pipeline):
    """Sorts descending when sortOrder is not given."""

    def sort_order(self, text: str | None) -> str:
        return "descending" if text is None else super().sort_order(text)


class SortBySubAttributeRefused(Pipeline):
    """Refuses a sortBy naming a sub-attribute (name.familyName) with 400."""

    def check_sort_by(self, rtypes: Sequence[str], sort_by: str) -> None:
        if "." in sort_by.rsplit(":", 1)[-1]:
            raise bad_request(INVALID_VALUE, "sortBy must name a top-level attribute")
        super().check_sort_by(rtypes, sort_by)


class OrdinalSort(Pipeline):
    """Sorts strings by code point (a binary collation), whatever their caseExact."""

    def sorted(self, matched: list[tuple[str, Resource]], sort_by: str,
               order: str) -> list[tuple[str, Resource]]:
        def key(pair: tuple[str, Resource]) -> tuple[bool, str]:
            value = _sort_value(pair[1], sort_by)
            return value is None, "" if value is None else str(value)

        return sorted(matched, key=key, reverse=order == "descending")


def _sort_value(resource: Resource, sort_by: str) -> Any:
    """The value at a sortBy path (URN prefix ignored), or None."""
    value: Any = resource
    for step in sort_by.rsplit(":", 1)[-1].split("."):
        value = _folded(value).get(step.lower()) if isinstance(value, dict) else None
    return value


class MissingValuesFirst(Pipeline):
    """Sorts resources without the sortBy value first when ascending, last when descending."""

    def sorted(self, matched: list[tuple[str, Resource]], sort_by: str,
               order: str) -> list[tuple[str, Resource]]:
        ordered = super().sorted(matched, sort_by, order)
        missing = [pair for pair in ordered if _sort_value(pair[1], sort_by) is None]
        present = [pair for pair in ordered if _sort_value(pair[1], sort_by) is not None]
        return missing + present if order == "ascending" else present + missing


class SortAfterPaging(Pipeline):
    """Takes the page in insertion order first, then sorts only that page."""

    def search(self, rtypes: Sequence[str], query: Query, base: str) -> dict[str, Any]:
        if not query.sort_by:
            return super().search(rtypes, query, base)
        answer = super().search(rtypes, dataclasses.replace(query, sort_by=None), base)
        ordered = sort_resources(answer["Resources"], self.registry,
                                 self.resource_type(rtypes[0]), query.sort_by,
                                 self.sort_order(query.sort_order))
        return {**answer, "Resources": ordered}


# Bulk, more ------------------------------------------------------------------------------------


class BulkStopsAtFirstError(Bulk):
    """Stops a BulkRequest at its first failed operation, as if failOnErrors were 1."""

    def run(self, request: Any, base: str) -> dict[str, Any]:
        if isinstance(request, dict) and "failOnErrors" not in request:
            request = {**request, "failOnErrors": 1}
        return super().run(request, base)


class FailOnErrorsIgnored(Bulk):
    """Ignores failOnErrors: every operation is attempted."""

    def run(self, request: Any, base: str) -> dict[str, Any]:
        if isinstance(request, dict):
            request = {k: v for k, v in request.items() if k != "failOnErrors"}
        return super().run(request, base)


class BulkLocationMissing(Bulk):
    """Leaves location out of the results of a BulkResponse."""

    def run(self, request: Any, base: str) -> dict[str, Any]:
        answer = super().run(request, base)
        results = [{k: v for k, v in r.items() if k != "location"} for r in answer["Operations"]]
        return {**answer, "Operations": results}


class BulkResponseWrongUrn(Bulk):
    """Names the BulkRequest URN in the schemas of its BulkResponse."""

    def run(self, request: Any, base: str) -> dict[str, Any]:
        answer = super().run(request, base)
        return {**answer, "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"]}


class PayloadLimitUnderstated(Discovery):
    """Advertises a maxPayloadSize 16 times smaller than the limit it enforces."""

    def service_provider_config(self, base: str) -> dict[str, Any]:
        config = super().service_provider_config(base)
        bulk = {**config["bulk"], "maxPayloadSize": self.settings.max_payload // 16}
        return {**config, "bulk": bulk}


# Discovery, more -------------------------------------------------------------------------------


class ConfigWithoutSchemas(Discovery):
    """Leaves the `schemas` attribute out of /ServiceProviderConfig."""

    def service_provider_config(self, base: str) -> dict[str, Any]:
        config = super().service_provider_config(base)
        return {k: v for k, v in config.items() if k != "schemas"}


class ResourceTypesBareArray(Discovery):
    """Answers GET /ResourceTypes with a bare JSON array instead of a ListResponse."""

    def resource_types(self, base: str) -> Any:
        return super().resource_types(base)["Resources"]


class SchemasWithoutTotal(Discovery):
    """Answers GET /Schemas with a ListResponse that has no totalResults."""

    def schemas(self, base: str) -> dict[str, Any]:
        listing = super().schemas(base)
        return {k: v for k, v in listing.items() if k != "totalResults"}


class ResourceTypesWithoutSchemas(Discovery):
    """Leaves `schemas` out of each ResourceType."""

    def resource_types(self, base: str) -> dict[str, Any]:
        listing = super().resource_types(base)
        kept = [{k: v for k, v in rt.items() if k != "schemas"} for rt in listing["Resources"]]
        return {**listing, "Resources": kept}


class ExtensionSchemaStub(Discovery):
    """Lists the enterprise extension schema without its attribute definitions."""

    def schemas(self, base: str) -> dict[str, Any]:
        listing = super().schemas(base)
        served = [{k: v for k, v in s.items() if k != "attributes"} if s["id"] == ENTERPRISE_URN
                  else s for s in listing["Resources"]]
        return {**listing, "Resources": served}


class SchemaNulls(Discovery):
    """Writes unset attribute characteristics as null (canonicalValues: null)."""

    def schemas(self, base: str) -> dict[str, Any]:
        listing = super().schemas(base)
        served = [{**s, "attributes": [{"canonicalValues": None, **a} for a in s["attributes"]]}
                  for s in listing["Resources"]]
        return {**listing, "Resources": served}


class ResourceTypeByIdMissing(Discovery):
    """Lists resource types but answers 404 for each one read by id."""

    def resource_type(self, name: str, base: str) -> dict[str, Any]:
        raise not_found(f"ResourceType {name!r} not found")


class UnknownSchemaIdAnswers400(Discovery):
    """Answers an unknown schema id with 400 invalidValue instead of 404."""

    def schema(self, urn: str, base: str) -> dict[str, Any]:
        if self.registry.schema(urn) is None:
            raise bad_request(INVALID_VALUE, f"{urn!r} is not a schema URN")
        return super().schema(urn, base)


patch_advertised_unimplemented = _serving(PatchAdvertisedUnimplemented)
schemas_without_user = _serving(SchemasWithoutUser)
feature_flags_as_strings = _serving(FeatureFlagsAsStrings)
lost_deactivation = _serving(LostDeactivation)
string_boolean_ignored = _serving(StringBooleanIgnored)
password_returned = _serving(PasswordReturned)
put_moves_to_body_id = _serving(PutMovesToBodyId)
case_sensitive_patch_ops = _serving(CaseSensitivePatchOps)
soft_delete_listed = _serving(SoftDeleteListed)
delete_keeps_memberships = _serving(DeleteKeepsMemberships)
case_sensitive_uniqueness = _serving(CaseSensitiveUniqueness)
no_uniqueness = _serving(NoUniqueness)
remove_members_removes_all = _serving(RemoveMembersRemovesAll)
add_members_replaces = _serving(AddMembersReplaces)
excluded_attributes_ignored = _serving(ExcludedAttributesIgnored)
case_sensitive_username_filter = _serving(CaseSensitiveUserNameFilter)
total_results_is_page_size = _serving(TotalResultsIsPageSize)
zero_based_start_index = _serving(ZeroBasedStartIndex)
no_match_answers_404 = _serving(NoMatchAnswers404)
and_evaluated_as_or = _serving(AndEvaluatedAsOr)
wrong_type_crashes = _serving(WrongTypeCrashes)
if_match_ignored = _serving(IfMatchIgnored)
bulk_operations_isolated = _serving(BulkOperationsIsolated)
bulk_id_dropped = _serving(BulkIdDropped)
descending_ignored = _serving(DescendingIgnored)
deactivated_hidden = _serving(DeactivatedHidden)
core_schema_only = _serving(CoreSchemaOnly)
group_names_not_unique = _serving(GroupNamesNotUnique)
count_ignored = _serving(CountIgnored)
password_echoed_by_put = _serving(PasswordEchoedByPut)
items_per_page_is_count = _serving(ItemsPerPageIsCount)
version_never_changes = _serving(VersionNeverChanges)
bulk_limit_not_enforced = _serving(BulkLimitNotEnforced)
active_as_string = _serving(ActiveAsString)
meta_dates_as_http_dates = _serving(MetaDatesAsHttpDates)
created_as_date = _serving(CreatedAsDate)
client_id_kept = _serving(ClientIdKept)
meta_resource_type_is_endpoint = _serving(MetaResourceTypeIsEndpoint)
nick_name_dropped = _serving(NickNameDropped)
phone_numbers_normalised = _serving(PhoneNumbersNormalised)
double_encoded_text = _serving(DoubleEncodedText)
schemas_dropped_on_selection = _serving(SchemasDroppedOnSelection)
id_excludable = _serving(IdExcludable)
password_on_request = _serving(PasswordOnRequest)
reactivation_ignored = _serving(ReactivationIgnored)
delete_of_missing_succeeds = _serving(DeleteOfMissingSucceeds)
unknown_id_answers_400 = _serving(UnknownIdAnswers400)
put_keeps_stored_values = _serving(PutKeepsStoredValues)
put_merges = _serving(PutMerges)
if_match_against_last_modified = _serving(IfMatchAgainstLastModified)
version_unquoted = _serving(VersionUnquoted)
uniqueness_on_update_untyped = _serving(UniquenessOnUpdateUntyped)
email_type_other_refused = _serving(EmailTypeOtherRefused)
patch_answers_old_resource = _serving(PatchAnswersOldResource)
add_simple_ignored = _serving(AddSimpleIgnored)
add_pathless_ignored = _serving(AddPathlessIgnored)
urn_path_refused = _serving(UrnPathRefused)
remove_sets_empty = _serving(RemoveSetsEmpty)
remove_filter_dropped = _serving(RemoveFilterDropped)
replace_absent_ignored = _serving(ReplaceAbsentIgnored)
replace_multi_valued_appends = _serving(ReplaceMultiValuedAppends)
replace_pathless_ignored = _serving(ReplacePathlessIgnored)
user_name_replace_ignored = _serving(UserNameReplaceIgnored)
sub_attribute_replaces_parent = _serving(SubAttributeReplacesParent)
replace_value_filter_refused = _serving(ReplaceValueFilterRefused)
pathless_id_refused = _serving(PathlessIdRefused)
pathless_path_keys_ignored = _serving(PathlessPathKeysIgnored)
remove_without_path_ignored = _serving(RemoveWithoutPathIgnored)
read_only_patch_ignored = _serving(ReadOnlyPatchIgnored)
first_member_only = _serving(FirstMemberOnly)
user_groups_omitted = _serving(UserGroupsOmitted)
empty_members_refused = _serving(EmptyMembersRefused)
unknown_schema_refused = _serving(UnknownSchemaRefused)
group_listing_refused = _serving(GroupListingRefused)
external_id_case_insensitive = _serving(ExternalIdCaseInsensitive)
ordinal_string_ordering = _serving(OrdinalStringOrdering)
filter_unimplemented = _serving(FilterUnimplemented)
starts_with_as_contains = _serving(StartsWithAsContains)
boolean_ordering = _serving(BooleanOrdering)
case_sensitive_attribute_names = _serving(CaseSensitiveAttributeNames)
complex_without_sub_attribute = _serving(ComplexWithoutSubAttributeMatchesNothing)
urn_qualified_matches_nothing = _serving(UrnQualifiedMatchesNothing)
schemas_not_filterable = _serving(SchemasNotFilterable)
value_path_flattened = _serving(ValuePathFlattened)
first_value_only = _serving(FirstValueOnly)
no_precedence = _serving(NoPrecedence)
unparsable_filter_ignored = _serving(UnparsableFilterIgnored)
filter_error_untyped = _serving(FilterErrorUntyped)
value_path_sub_attribute_refused = _serving(ValuePathSubAttributeRefused)
count_zero_is_default = _serving(CountZeroIsDefault)
negative_count_unlimited = _serving(NegativeCountUnlimited)
start_index_below_one_refused = _serving(StartIndexBelowOneRefused)
attributes_add_to_defaults = _serving(AttributesAddToDefaults)
attributes_top_level_only = _serving(AttributesTopLevelOnly)
search_ignores_attributes = _serving(SearchIgnoresAttributes)
descending_by_default = _serving(DescendingByDefault)
sort_by_sub_attribute_refused = _serving(SortBySubAttributeRefused)
ordinal_sort = _serving(OrdinalSort)
missing_values_first = _serving(MissingValuesFirst)
sort_after_paging = _serving(SortAfterPaging)
bulk_stops_at_first_error = _serving(BulkStopsAtFirstError)
fail_on_errors_ignored = _serving(FailOnErrorsIgnored)
bulk_location_missing = _serving(BulkLocationMissing)
bulk_response_wrong_urn = _serving(BulkResponseWrongUrn)
payload_limit_understated = _serving(PayloadLimitUnderstated)
config_without_schemas = _serving(ConfigWithoutSchemas)
resource_types_bare_array = _serving(ResourceTypesBareArray)
schemas_without_total = _serving(SchemasWithoutTotal)
resource_types_without_schemas = _serving(ResourceTypesWithoutSchemas)
extension_schema_stub = _serving(ExtensionSchemaStub)
schema_nulls = _serving(SchemaNulls)
resource_type_by_id_missing = _serving(ResourceTypeByIdMissing)
unknown_schema_id_answers_400 = _serving(UnknownSchemaIdAnswers400)


# HTTP-level defects: ASGI wrappers -------------------------------------------------------------


class Exchange:
    """One request and its buffered answer, as a wrapper may edit them."""

    # A plain class, not a dataclass: a file loaded by path (as --scim-app loads this one) may be
    # missing from sys.modules, where @dataclass looks up the module of string annotations.
    def __init__(self, method: str, path: str = "", query: bytes = b"",
                 sent: Headers = ()) -> None:
        self.method = method
        self.path = path
        self.query = dict(parse_qsl(query.decode("latin-1")))
        self.sent = dict(sent)
        self.status = 0
        self.headers: Headers = []
        self.body = b""

    def header(self, name: bytes) -> bytes | None:
        return next((v for k, v in self.headers if k == name), None)

    def set_header(self, name: bytes, value: bytes | None) -> None:
        self.headers = [(k, v) for k, v in self.headers if k != name]
        if value is not None:
            self.headers.append((name, value))

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def set_body(self, body: bytes, media_type: bytes | None = None) -> None:
        self.body = body
        self.set_header(b"content-length", str(len(body)).encode())
        if media_type is not None:
            self.set_header(b"content-type", media_type)


Edit = Callable[[Exchange], None]
RequestEdit = Callable[[Scope, Sequence[str]], Scope]


class Rewrite:
    """ASGI middleware: lets `on_request` change the request scope, buffers the answer and lets
    `on_answer` change its status, headers or body."""

    def __init__(self, app: ASGIApp, tokens: Sequence[str], *, on_answer: Edit | None = None,
                 on_request: RequestEdit | None = None) -> None:
        self.app = app
        self.tokens = tokens
        self.on_answer = on_answer
        self.on_request = on_request

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.on_request is not None:
            scope = self.on_request(scope, self.tokens)
        if self.on_answer is None:
            await self.app(scope, receive, send)
            return
        exchange = Exchange(scope["method"], scope["path"], scope.get("query_string", b""),
                            scope["headers"])

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                exchange.status = message["status"]
                exchange.headers = list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                exchange.body += message.get("body", b"")

        await self.app(scope, receive, capture)
        self.on_answer(exchange)
        await send({"type": "http.response.start", "status": exchange.status,
                    "headers": exchange.headers})
        await send({"type": "http.response.body", "body": exchange.body})


def _wrapping(*, on_answer: Edit | None = None, on_request: RequestEdit | None = None,
             doc: str, **fixed: Any) -> Factory:
    """A factory of the reference bridge (with `fixed` options) behind a `Rewrite`."""

    def factory(*, tokens: Sequence[str] = (), **options: Any) -> Rewrite:
        app = create_app(tokens=tokens, **{**options, **fixed})
        return Rewrite(app, tokens, on_answer=on_answer, on_request=on_request)

    factory.__doc__ = doc
    return factory


def _created_as_200(exchange: Exchange) -> None:
    if exchange.status == 201:
        exchange.status = 200


def _drop_location(exchange: Exchange) -> None:
    exchange.set_header(b"location", None)


def _internal_location(exchange: Exchange) -> None:
    location = exchange.header(b"location")
    if location is not None:
        parts = urlsplit(location.decode())
        exchange.set_header(b"location", f"http://scim-bridge.internal:3002{parts.path}".encode())


def _deleted_as_200(exchange: Exchange) -> None:
    if exchange.method == "DELETE" and exchange.status == 204:
        exchange.status = 200


def _drop_etag(exchange: Exchange) -> None:
    exchange.set_header(b"etag", None)


def _plain_json(exchange: Exchange) -> None:
    media = exchange.header(b"content-type")
    if media is not None and media.startswith(b"application/scim+json"):
        exchange.set_header(b"content-type", b"application/json")


def _integer_error_status(exchange: Exchange) -> None:
    body = exchange.json()
    if exchange.status >= 400 and isinstance(body, dict) and isinstance(body.get("status"), str):
        exchange.set_body(json.dumps({**body, "status": int(body["status"])}).encode())


def _plain_401(exchange: Exchange) -> None:
    if exchange.status == 401:
        exchange.set_body(b"Unauthorized", b"text/plain; charset=utf-8")


def _no_challenge(exchange: Exchange) -> None:
    if exchange.status == 401:
        exchange.set_header(b"www-authenticate", None)


def _with_authorization(scope: Scope, value: bytes) -> Scope:
    headers = [(k, v) for k, v in scope["headers"] if k != b"authorization"]
    return {**scope, "headers": [*headers, (b"authorization", value)]}


def _any_bearer(scope: Scope, tokens: Sequence[str]) -> Scope:
    """Checks only that a Bearer credential is present, never its value."""
    sent = dict(scope["headers"]).get(b"authorization", b"")
    scheme, _, credential = sent.partition(b" ")
    if scheme.lower() == b"bearer" and credential.strip() and tokens:
        return _with_authorization(scope, b"Bearer " + tokens[0].encode())
    return scope


def _without_if_none_match(scope: Scope, tokens: Sequence[str]) -> Scope:
    return {**scope, "headers": [(k, v) for k, v in scope["headers"] if k != b"if-none-match"]}


def _query_token(scope: Scope, tokens: Sequence[str]) -> Scope:
    """Accepts the token as an access_token query parameter (RFC 6750 §2.3)."""
    query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
    token = query.get("access_token")
    if token in tokens:
        return _with_authorization(scope, b"Bearer " + token.encode())
    return scope


class MalformedJsonCrashes:
    """ASGI middleware: decodes JSON bodies itself and lets a decode error become a bare 500,
    as a framework's default error handler answers an unhandled exception."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        chunks = []
        more = True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        raw = b"".join(chunks)
        try:
            json.loads(raw)
        except ValueError:
            await send({"type": "http.response.start", "status": 500,
                        "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
            await send({"type": "http.response.body", "body": b"Internal Server Error"})
            return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": raw, "more_body": False}

        await self.app(scope, replay, send)


def malformed_json_crashes(**options: Any) -> ASGIApp:
    """Answers a body that is not JSON with a plain-text 500 instead of a SCIM 400."""
    return MalformedJsonCrashes(create_app(**options))


def auth_disabled(**options: Any) -> Starlette:
    """Serves SCIM without checking credentials at all."""
    return create_app(**{**options, "no_auth": True})


created_answers_200 = _wrapping(
    on_answer=_created_as_200, doc="Answers a create with 200, not 201.")
location_missing = _wrapping(on_answer=_drop_location, doc="Sends no Location header on create.")
location_internal_host = _wrapping(
    on_answer=_internal_location,
    doc="Builds Location from its internal host name, so it differs from meta.location.")
deleted_answers_200 = _wrapping(on_answer=_deleted_as_200, doc="Answers DELETE with 200, not 204.")
if_none_match_ignored = _wrapping(
    on_request=_without_if_none_match,
    doc="Ignores If-None-Match: a GET of an unchanged resource answers 200 with the body.")
etag_header_missing = _wrapping(
    on_answer=_drop_etag, doc="Advertises etag but sends no ETag header.")
json_content_type = _wrapping(
    on_answer=_plain_json, doc="Answers with Content-Type application/json.")
error_status_integer = _wrapping(
    on_answer=_integer_error_status, doc="Writes the Error status as a JSON number.")
unauthorized_plain_text = _wrapping(
    on_answer=_plain_401, doc="Answers 401 with a plain-text body, not a SCIM Error.")
unauthorized_without_challenge = _wrapping(
    on_answer=_no_challenge, doc="Answers 401 without a WWW-Authenticate header.")
any_bearer_token = _wrapping(
    on_request=_any_bearer, doc="Accepts any Bearer credential, checking only the scheme.")
query_token_accepted = _wrapping(
    on_request=_query_token, doc="Accepts the bearer token from the access_token query parameter.")


def _if_none_match_any(scope: Scope, tokens: Sequence[str]) -> Scope:
    """Reads any If-None-Match as "*"."""
    headers = [(k, b"*" if k == b"if-none-match" else v) for k, v in scope["headers"]]
    return {**scope, "headers": headers}


def _plus_kept(scope: Scope, tokens: Sequence[str]) -> Scope:
    """Percent-decodes the query string without reading "+" as a space."""
    return {**scope, "query_string": scope.get("query_string", b"").replace(b"+", b"%2B")}


def _discovery_filter_dropped(scope: Scope, tokens: Sequence[str]) -> Scope:
    if not scope["path"].endswith(("/ResourceTypes", "/Schemas")):
        return scope
    query = parse_qsl(scope.get("query_string", b"").decode("latin-1"))
    kept = [(k, v) for k, v in query if k.lower() != "filter"]
    return {**scope, "query_string": urlencode(kept).encode()}


def _edit_error(exchange: Exchange, status: int, change: Callable[[dict[str, Any]], Any]) -> None:
    body = exchange.json()
    if exchange.status == status and isinstance(body, dict):
        exchange.set_body(json.dumps(change(body)).encode())


def _scim_type_renamed(old: str, new: str) -> Edit:
    def edit(exchange: Exchange) -> None:
        _edit_error(exchange, 400, lambda body: {**body, "scimType": new}
                    if body.get("scimType") == old else body)
    return edit


def _by_id_as_list(exchange: Exchange) -> None:
    body = exchange.json()
    kind = (body.get("meta") or {}).get("resourceType") if isinstance(body, dict) else None
    if exchange.method == "GET" and exchange.status == 200 and kind in ("User", "Group"):
        listing = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
                   "totalResults": 1, "startIndex": 1, "itemsPerPage": 1, "Resources": [body]}
        exchange.set_body(json.dumps(listing).encode())


def _limit_unnamed(exchange: Exchange) -> None:
    _edit_error(exchange, 413, lambda body: {**body, "detail": "Request Entity Too Large"})


def _detail_dropped(exchange: Exchange) -> None:
    _edit_error(exchange, 404, lambda body: {k: v for k, v in body.items() if k != "detail"})


def _validation_as_422(exchange: Exchange) -> None:
    body = exchange.json()
    if exchange.status == 400 and isinstance(body, dict) and body.get("scimType") == INVALID_VALUE:
        exchange.status = 422
        exchange.set_body(json.dumps({**body, "status": "422"}).encode())


def _405_as_404(exchange: Exchange) -> None:
    if exchange.status == 405:
        exchange.status = 404
        exchange.set_header(b"allow", None)
        body = exchange.json()
        if isinstance(body, dict):
            exchange.set_body(json.dumps({**body, "status": "404"}).encode())


def _discovery_paged(exchange: Exchange) -> None:
    body = exchange.json()
    if not (exchange.path.endswith(("/ResourceTypes", "/Schemas")) and isinstance(body, dict)):
        return
    start = int(exchange.query.get("startIndex", "1") or 1)
    count = exchange.query.get("count")
    end = None if count is None else start - 1 + int(count)
    page = body.get("Resources", [])[start - 1:end]
    exchange.set_body(json.dumps({**body, "startIndex": start, "itemsPerPage": len(page),
                                  "Resources": page}).encode())


def _created_minimal(exchange: Exchange) -> None:
    body = exchange.json()
    if exchange.status == 201 and isinstance(body, dict):
        kept = ("schemas", "id", "userName", "displayName", "meta")
        exchange.set_body(json.dumps({k: v for k, v in body.items() if k in kept}).encode())


def _json_unless_asked(exchange: Exchange) -> None:
    if b"scim+json" not in exchange.sent.get(b"accept", b""):
        _plain_json(exchange)


def _refusing(*, when: Callable[[Scope], bool], status: int, detail: str, doc: str) -> Factory:
    """A factory of the reference bridge behind a check answering `status` when `when` holds."""

    def factory(**options: Any) -> ASGIApp:
        app = create_app(**options)

        async def refusing(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http" or not when(scope):
                await app(scope, receive, send)
                return
            body = json.dumps(ScimError(status, detail).body()).encode()
            await send({"type": "http.response.start", "status": status,
                        "headers": [(b"content-type", b"application/scim+json"),
                                    (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})

        return refusing

    factory.__doc__ = doc
    return factory


def _sent(scope: Scope, name: bytes) -> bytes:
    return dict(scope["headers"]).get(name, b"").lower()


def _unknown_endpoint(scope: Scope) -> bool:
    known = ("Users", "Groups", "Bulk", "ServiceProviderConfig", "ResourceTypes", "Schemas", "Me",
             ".search")
    parts = scope["path"].split("/scim/v2/", 1)
    return len(parts) == 2 and parts[1].split("/", 1)[0] not in known


if_none_match_any = _wrapping(
    on_request=_if_none_match_any, doc="Answers 304 to any If-None-Match, whatever it names.")
plus_kept_in_query = _wrapping(
    on_request=_plus_kept, doc="Decodes + in the query string as a literal +, not a space.")
discovery_filter_ignored = _wrapping(
    on_request=_discovery_filter_dropped, doc="Ignores a filter on discovery endpoints (200).")
invalid_syntax_as_invalid_value = _wrapping(
    on_answer=_scim_type_renamed("invalidSyntax", "invalidValue"),
    doc="Reports unparsable JSON with scimType invalidValue.")
mutability_as_invalid_value = _wrapping(
    on_answer=_scim_type_renamed("mutability", "invalidValue"),
    doc="Refuses a readOnly change with scimType invalidValue.")
read_by_id_as_list = _wrapping(
    on_answer=_by_id_as_list, doc="Answers GET by id with a ListResponse holding the resource.")
limit_unnamed = _wrapping(
    on_answer=_limit_unnamed, doc="Answers 413 with a detail that names no limit.")
not_found_without_detail = _wrapping(
    on_answer=_detail_dropped, doc="Answers 404 with an Error that has no detail.")
validation_as_422 = _wrapping(
    on_answer=_validation_as_422, doc="Answers a value of the wrong type with 422, not 400.")
unsupported_method_404 = _wrapping(
    on_answer=_405_as_404, doc="Answers an unsupported method with 404, not 405.")
discovery_paged = _wrapping(
    on_answer=_discovery_paged, doc="Pages /ResourceTypes and /Schemas by startIndex and count.")
created_minimal = _wrapping(
    on_answer=_created_minimal, doc="Answers a create with id and meta only.")
json_unless_scim_asked = _wrapping(
    on_answer=_json_unless_asked,
    doc="Answers application/json unless the Accept header names application/scim+json.")
charset_refused = _refusing(
    when=lambda scope: b";" in _sent(scope, b"content-type"), status=415,
    detail="unsupported Content-Type", doc="Refuses a Content-Type with a charset with 415.")
json_request_refused = _refusing(
    when=lambda scope: _sent(scope, b"content-type").startswith(b"application/json"),
    status=415, detail="send application/scim+json",
    doc="Refuses a request body sent as application/json with 415.")
accept_json_refused = _refusing(
    when=lambda scope: _sent(scope, b"accept") == b"application/json", status=406,
    detail="only application/scim+json is served",
    doc="Refuses Accept: application/json with 406.")
search_post_unimplemented = _refusing(
    when=lambda scope: scope["method"] == "POST" and scope["path"].endswith("/.search"),
    status=501, detail="POST .search is not implemented",
    doc="Answers POST .search with 501.")
unknown_endpoint_501 = _refusing(
    when=_unknown_endpoint, status=501, detail="not implemented",
    doc="Answers a request to an unknown endpoint with 501, not 404.")


# Representations: bodies that break their schema (suites/representation) ---------------------


class UserWithoutSchemas(Pipeline):
    """Leaves `schemas` out of every User it answers."""

    def project(self, rtype: str, view: Resource, attributes: Sequence[str] | None,
                excluded: Sequence[str] | None) -> dict[str, Any]:
        out = super().project(rtype, view, attributes, excluded)
        return {k: v for k, v in out.items() if k != "schemas"} if rtype == "User" else out


class GroupMembersAsStrings(Pipeline):
    """Answers Group members as a list of bare ids instead of complex values."""

    def project(self, rtype: str, view: Resource, attributes: Sequence[str] | None,
                excluded: Sequence[str] | None) -> dict[str, Any]:
        out = super().project(rtype, view, attributes, excluded)
        if rtype == "Group" and isinstance(out.get("members"), list):
            out = {**out, "members": [m["value"] for m in out["members"]]}
        return out


class ManagerAsString(Pipeline):
    """Answers the enterprise manager as the manager's id string, not a complex value."""

    def project(self, rtype: str, view: Resource, attributes: Sequence[str] | None,
                excluded: Sequence[str] | None) -> dict[str, Any]:
        out = super().project(rtype, view, attributes, excluded)
        extension = out.get(ENTERPRISE_URN)
        if isinstance(extension, dict) and isinstance(extension.get("manager"), dict):
            manager = extension["manager"].get("value")
            out = {**out, ENTERPRISE_URN: {**extension, "manager": manager}}
        return out


class BulkResponseWithoutSchemas(Bulk):
    """Answers a bulk request with Operations but no `schemas`."""

    def run(self, request: Any, base: str) -> dict[str, Any]:
        answer = super().run(request, base)
        return {k: v for k, v in answer.items() if k != "schemas"}


def _scim_1_error(exchange: Exchange) -> None:
    body = exchange.json()
    if exchange.status >= 400 and isinstance(body, dict) and "schemas" in body:
        exchange.set_body(json.dumps({**body, "schemas": ["urn:scim:schemas:core:1.0"]}).encode())


user_without_schemas = _serving(UserWithoutSchemas)
group_members_as_strings = _serving(GroupMembersAsStrings)
manager_as_string = _serving(ManagerAsString)
bulk_response_without_schemas = _serving(BulkResponseWithoutSchemas)
error_scim_1_schema = _wrapping(
    on_answer=_scim_1_error, doc="Names the SCIM 1.1 core URN in the schemas of its Error bodies.")
