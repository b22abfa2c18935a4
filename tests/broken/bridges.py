"""Defective variants of the reference bridge, one realistic defect each.

The defects and the requirements each must fail are data: fixtures/broken/defects.json.

A defect that lives in the SCIM behaviour is a `Service` subclass overriding one method; a defect
in the HTTP layer is a thin ASGI wrapper around `create_app` that edits the request or the answer.
Every factory has the signature of `create_app` (the harness calls `factory(tokens=[token])`),
so `--scim-app tests/broken/bridges.py:<factory>` points the suites at it.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from starlette.applications import Starlette
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from scimcert.bridge import bulk as bulk_module
from scimcert.bridge.app import create_app
from scimcert.bridge.service import Query, Service
from scimcert.bridge.store import Resource
from scimcert.scim.errors import INVALID_SYNTAX, ScimError, bad_request, not_found
from scimcert.scim.filter.ast import And, Compare, Node, Not, Or, ValuePath
from scimcert.scim.schema import USER_URN

Factory = Callable[..., ASGIApp]
Headers = list[tuple[bytes, bytes]]


def _serving(service_class: type[Service]) -> Factory:
    """A factory of the reference bridge running `service_class`."""

    def factory(**options: Any) -> Starlette:
        return create_app(service_class=service_class, **options)

    factory.__doc__ = service_class.__doc__
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


class PatchAdvertisedUnimplemented(Service):
    """Advertises patch in ServiceProviderConfig but answers every PATCH with 501."""

    def patch(self, rtype: str, rid: str, message: Any, if_match: str | None = None) -> Resource:
        raise ScimError(501, "PATCH is not implemented")


class SchemasWithoutUser(Service):
    """Leaves the core User schema out of /Schemas while /ResourceTypes names it."""

    def schemas(self, base: str) -> dict[str, Any]:
        listing = super().schemas(base)
        served = [s for s in listing["Resources"] if s["id"] != USER_URN]
        return {**listing, "totalResults": len(served), "itemsPerPage": len(served),
                "Resources": served}


class FeatureFlagsAsStrings(Service):
    """Declares ServiceProviderConfig feature flags as strings ("true") instead of booleans."""

    def service_provider_config(self, base: str) -> dict[str, Any]:
        config = super().service_provider_config(base)
        for name, value in config.items():
            if isinstance(value, dict) and isinstance(value.get("supported"), bool):
                config[name] = {**value, "supported": str(value["supported"]).lower()}
        return config


# Users -----------------------------------------------------------------------------------------


class LostDeactivation(Service):
    """Answers a change of `active` as done but keeps the old value in the store."""

    def update(self, rtype: str, old: Resource, resource: Resource) -> Resource:
        if rtype != "User":
            return super().update(rtype, old, resource)
        asked = resource["active"]
        stored = super().update(rtype, old, {**resource, "active": old["active"]})
        return {**stored, "active": asked}


class StringBooleanIgnored(Service):
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


class PasswordShown(Service):
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


class PutMovesToBodyId(Service):
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


class CaseSensitivePatchOps(Service):
    """Refuses PATCH op names that are not lower case, such as Entra's "Replace"."""

    def patch(self, rtype: str, rid: str, message: Any, if_match: str | None = None) -> Resource:
        for index, op in enumerate(_operations(message)):
            name = _folded(op).get("op")
            if name not in ("add", "replace", "remove"):
                raise bad_request(INVALID_SYNTAX,
                                  f"Operations[{index}].op must be add, replace or remove")
        return super().patch(rtype, rid, message, if_match)


class SoftDeleteListed(Service):
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


class DeleteKeepsMemberships(Service):
    """Deletes a user but leaves it in the members of its groups."""

    def delete(self, rtype: str, rid: str, if_match: str | None = None) -> None:
        if rtype != "User":
            super().delete(rtype, rid, if_match)
            return
        with self.store.lock:
            self.check_version(self.get(rtype, rid), if_match)
            self.store.table(rtype).remove(rid)
            self.account.forget(rid)


class DeactivatedHidden(Service):
    """Leaves deactivated users out of query results, as if they were deleted."""

    def evaluate(self, node: Node, view: Resource, rt: Any, lenient: bool) -> bool:
        if view.get("active") is False:
            return False
        return super().evaluate(node, view, rt, lenient)


class CoreSchemaOnly(Service):
    """Answers `schemas` with the core URN alone, even when extension attributes are set."""

    def project(self, rtype: str, view: Resource, attributes: Sequence[str] | None,
                excluded: Sequence[str] | None) -> dict[str, Any]:
        out = super().project(rtype, view, attributes, excluded)
        return {**out, "schemas": [self.resource_type(rtype).schema]}


# Uniqueness ------------------------------------------------------------------------------------


class CaseSensitiveUniqueness(Service):
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


class NoUniqueness(Service):
    """Never refuses a duplicate userName: every create makes a new user."""

    def check_unique(self, rtype: str, resource: Resource, own_id: str | None) -> None:
        if rtype != "User":
            super().check_unique(rtype, resource, own_id)


class GroupNamesNotUnique(Service):
    """Accepts a second group with a displayName already in use."""

    def check_unique(self, rtype: str, resource: Resource, own_id: str | None) -> None:
        if rtype != "Group":
            super().check_unique(rtype, resource, own_id)


# Groups ----------------------------------------------------------------------------------------


class RemoveMembersRemovesAll(Service):
    """Reads `remove` on members with a value list as "remove every member"."""

    def patch(self, rtype: str, rid: str, message: Any, if_match: str | None = None) -> Resource:
        ops = _operations(message)
        if rtype == "Group" and ops:
            ops = [{"op": "remove", "path": "members"}
                   if _op_name(op) == "remove" and _op_path(op) == "members" else op
                   for op in ops]
            message = _with_operations(message, ops)
        return super().patch(rtype, rid, message, if_match)


class AddMembersReplaces(Service):
    """Treats `add` on members as `replace`: the members a group had before are lost."""

    def patch(self, rtype: str, rid: str, message: Any, if_match: str | None = None) -> Resource:
        ops = _operations(message)
        if rtype == "Group" and ops:
            ops = [{**op, "op": "replace"}
                   if _op_name(op) == "add" and _op_path(op) == "members" else op
                   for op in ops]
            message = _with_operations(message, ops)
        return super().patch(rtype, rid, message, if_match)


class ExcludedAttributesIgnored(Service):
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


class CaseSensitiveUserNameFilter(Service):
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


class CountIgnored(Service):
    """Ignores count: every match from startIndex on is returned."""

    def search(self, rtypes: Sequence[str], query: Query, base: str) -> dict[str, Any]:
        return super().search(rtypes, dataclasses.replace(query, count=None), base)


class ItemsPerPageIsCount(Service):
    """States the count asked for as itemsPerPage, even on a page holding fewer resources."""

    def search(self, rtypes: Sequence[str], query: Query, base: str) -> dict[str, Any]:
        answer = super().search(rtypes, query, base)
        asked = str(query.count).strip() if query.count is not None else ""
        if not asked.isdigit():
            return answer
        return {**answer, "itemsPerPage": int(asked)}


class TotalResultsIsPageSize(Service):
    """States the size of the page as totalResults instead of the number of matches."""

    def search(self, rtypes: Sequence[str], query: Query, base: str) -> dict[str, Any]:
        answer = super().search(rtypes, query, base)
        return {**answer, "totalResults": len(answer["Resources"])}


class ZeroBasedStartIndex(Service):
    """Reads startIndex as a 0-based offset, so startIndex=1 skips the first result."""

    def search(self, rtypes: Sequence[str], query: Query, base: str) -> dict[str, Any]:
        sent = query.start_index
        if sent is None or not str(sent).strip().lstrip("-").isdigit():
            return super().search(rtypes, query, base)
        offset = max(int(sent), 0)
        answer = super().search(rtypes, dataclasses.replace(query, start_index=offset + 1), base)
        return {**answer, "startIndex": max(int(sent), 1)}


class NoMatchAnswers404(Service):
    """Answers 404 for a filter that matches nothing instead of an empty ListResponse."""

    def search(self, rtypes: Sequence[str], query: Query, base: str) -> dict[str, Any]:
        answer = super().search(rtypes, query, base)
        if query.filter and answer["totalResults"] == 0:
            raise not_found("no resource matches the filter")
        return answer


class AndEvaluatedAsOr(Service):
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


class WrongTypeCrashes(Service):
    """Trims userName before validating the body, so a body of the wrong shape raises (500)."""

    def create(self, rtype: str, body: Any) -> Resource:
        if rtype == "User":
            body = {**body, "userName": body["userName"].strip()}
        return super().create(rtype, body)


# ETag, bulk, sort ------------------------------------------------------------------------------


class IfMatchIgnored(Service):
    """Advertises etag but never checks If-Match: a stale version overwrites the resource."""

    def check_version(self, resource: Resource, if_match: str | None) -> None:
        return None


class VersionNeverChanges(Service):
    """Keeps the first version of a resource as its ETag, whatever changes."""

    def update(self, rtype: str, old: Resource, resource: Resource) -> Resource:
        stored = super().update(rtype, old, resource)
        kept = {**stored, "meta": {**stored["meta"], "version": old["meta"]["version"]}}
        self.store.table(rtype).put(kept)
        return kept


class BulkLimitNotEnforced(Service):
    """Advertises maxOperations but splits a longer BulkRequest into batches instead of a 413."""

    def bulk(self, request: Any, base: str) -> dict[str, Any]:
        ops, size = _operations(request), self.settings.max_operations
        if len(ops) <= size:
            return super().bulk(request, base)
        run = super().bulk
        batches = [run({**request, "Operations": ops[i:i + size]}, base)
                   for i in range(0, len(ops), size)]
        return {"schemas": [bulk_module.RESPONSE_URN],
                "Operations": [result for batch in batches for result in batch["Operations"]]}


class BulkOperationsIsolated(Service):
    """Runs each bulk operation on its own, so a bulkId: reference never resolves."""

    def bulk(self, request: Any, base: str) -> dict[str, Any]:
        ops = _operations(request)
        if not ops:
            return super().bulk(request, base)
        run = super().bulk
        results = [run({**request, "Operations": [op]}, base)["Operations"] for op in ops]
        return {"schemas": [bulk_module.RESPONSE_URN],
                "Operations": [result for found in results for result in found]}


class BulkIdDropped(Service):
    """Leaves bulkId out of the results of a BulkResponse."""

    def bulk(self, request: Any, base: str) -> dict[str, Any]:
        answer = super().bulk(request, base)
        results = [{k: v for k, v in r.items() if k != "bulkId"} for r in answer["Operations"]]
        return {**answer, "Operations": results}


class DescendingIgnored(Service):
    """Accepts sortOrder but always sorts ascending."""

    def sort_order(self, text: str | None) -> str:
        super().sort_order(text)
        return "ascending"


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


# HTTP-level defects: ASGI wrappers -------------------------------------------------------------


class Exchange:
    """One request and its buffered answer, as a wrapper may edit them."""

    # A plain class, not a dataclass: a file loaded by path (as --scim-app loads this one) may be
    # missing from sys.modules, where @dataclass looks up the module of string annotations.
    def __init__(self, method: str) -> None:
        self.method = method
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
        exchange = Exchange(scope["method"])

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
