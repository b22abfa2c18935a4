"""User lifecycle defects (RFC 7644 §3.3-3.6, RFC 7643 §3-4.1): create, read, replace, delete,
deactivate and the attributes every resource carries.

A class is the reference bridge with that part swapped, served by the factory its @defect
names after the defect id; a function is the factory itself (tests/broken/bridges/registry.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlsplit

from scimcert.bridge.pipeline import Pipeline
from scimcert.bridge.store import Resource
from scimcert.scim.errors import INVALID_VALUE, bad_request, not_found
from scimcert.scim.filter.ast import Node
from tests.broken.bridges.asgi import Exchange, answers
from tests.broken.bridges.registry import defect


@defect(
    "created-answers-200",
    requirements=["rfc7644/3.3/created-201"],
    summary="A create answers 200 OK instead of 201 Created",
    proves=[
        "content_type/test_media_type.py::test_create_with_request_media_type_succeeds",
        "groups/test_create.py::test_group_create_answers_201",
        "users/test_create.py::test_create_answers_201",
    ],
)
@answers
def created_answers_200(exchange: Exchange) -> None:
    """Answers a create with 200, not 201."""
    if exchange.status == 201:
        exchange.status = 200


@defect(
    "location-missing",
    requirements=["rfc7644/3.3/location-header"],
    summary="A create answers without a Location header",
    proves=[
        "users/test_create.py::test_create_location_header_equals_meta_location",
    ],
)
@answers
def location_missing(exchange: Exchange) -> None:
    """Sends no Location header on create."""
    exchange.set_header(b"location", None)


@defect(
    "location-internal-host",
    requirements=["rfc7644/3.3/location-header"],
    summary="Location names the bridge's internal host, not meta.location",
    proves=[
        "users/test_create.py::test_create_location_header_equals_meta_location",
    ],
)
@answers
def location_internal_host(exchange: Exchange) -> None:
    """Builds Location from its internal host name, so it differs from meta.location."""
    location = exchange.header(b"location")
    if location is not None:
        parts = urlsplit(location.decode())
        exchange.set_header(b"location", f"http://scim-bridge.internal:3002{parts.path}".encode())


@defect(
    "lost-deactivation",
    requirements=["entra/users/soft-delete-readable", "okta/patch/pathless-active"],
    summary="A change of active is acknowledged in the answer but not stored",
    proves=[
        "users/test_lifecycle.py::test_deactivated_user_is_found_by_filter",
        "users/test_lifecycle.py::test_deactivated_user_is_readable_by_id",
        "users/test_patch.py::test_patch_operation_changes_the_user",
    ],
)
class LostDeactivation(Pipeline):
    """Answers a change of `active` as done but keeps the old value in the store."""

    def update(self, rtype: str, old: Resource, resource: Resource) -> Resource:
        if rtype != "User":
            return super().update(rtype, old, resource)
        asked = resource["active"]
        stored = super().update(rtype, old, {**resource, "active": old["active"]})
        return {**stored, "active": asked}


class _PasswordShown(Pipeline):
    """Shows a `password` found in a resource instead of leaving it out (returned=never)."""

    def project(self, rtype: str, view: Resource, attributes: Sequence[str] | None,
                excluded: Sequence[str] | None) -> dict[str, Any]:
        out = super().project(rtype, view, attributes, excluded)
        if "password" in view:
            out["password"] = view["password"]
        return out


@defect(
    "password-returned",
    requirements=["rfc7643/4.1.1/password-never-returned"],
    summary="The password sent on create is stored and returned",
    proves=[
        "users/test_password.py::test_password_absent_from_create_answer",
        "users/test_password.py::test_password_absent_from_list",
        "users/test_password.py::test_password_absent_from_patch_answer",
        "users/test_password.py::test_password_absent_from_put_answer",
        "users/test_password.py::test_password_absent_from_read",
    ],
)
class PasswordReturned(_PasswordShown):
    """Stores the password it is sent and returns it in every representation of the user."""

    def prepare(self, rtype: str, body: Any, old: Resource | None) -> Resource:
        resource = super().prepare(rtype, body, old)
        password = body.get("password") if isinstance(body, dict) else None
        if rtype == "User" and isinstance(password, str):
            resource["password"] = password
        return resource


@defect(
    "password-echoed-by-put",
    requirements=["rfc7643/4.1.1/password-never-returned"],
    summary="The PUT answer echoes the password of the request body",
    proves=[
        "users/test_password.py::test_password_absent_from_put_answer",
    ],
)
class PasswordEchoedByPut(_PasswordShown):
    """Drops the password from the store but echoes the PUT body's password in the PUT answer."""

    def replace(self, rtype: str, rid: str, body: Any, if_match: str | None = None) -> Resource:
        replaced = super().replace(rtype, rid, body, if_match)
        password = body.get("password") if isinstance(body, dict) else None
        return {**replaced, "password": password} if isinstance(password, str) else replaced


@defect(
    "put-moves-to-body-id",
    requirements=["rfc7644/3.5.1/put-readonly-ignored"],
    summary="PUT stores the resource under the readOnly id sent in the body",
    proves=[
        "users/test_replace.py::test_put_never_changes_the_id",
    ],
)
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


@defect(
    "deactivated-hidden",
    requirements=["entra/users/soft-delete-readable"],
    summary="Queries leave out deactivated users as if they were deleted",
    proves=[
        "query/test_lookups.py::test_inactive_user_is_found_by_username_eq",
        "users/test_lifecycle.py::test_deactivated_user_is_found_by_filter",
    ],
)
class DeactivatedHidden(Pipeline):
    """Leaves deactivated users out of query results, as if they were deleted."""

    def evaluate(self, node: Node, view: Resource, rt: Any, lenient: bool) -> bool:
        if view.get("active") is False:
            return False
        return super().evaluate(node, view, rt, lenient)


@defect(
    "core-schema-only",
    requirements=["rfc7643/3/schemas-listed"],
    summary="schemas lists only the core URN although enterprise attributes are set",
    proves=[
        "users/test_create.py::test_schemas_lists_core_and_extension",
    ],
)
class CoreSchemaOnly(Pipeline):
    """Answers `schemas` with the core URN alone, even when extension attributes are set."""

    def project(self, rtype: str, view: Resource, attributes: Sequence[str] | None,
                excluded: Sequence[str] | None) -> dict[str, Any]:
        out = super().project(rtype, view, attributes, excluded)
        return {**out, "schemas": [self.resource_type(rtype).schema]}


@defect(
    "deleted-answers-200",
    requirements=["rfc7644/3.6/delete-204"],
    summary="DELETE answers 200 instead of 204 No Content",
    proves=[
        "groups/test_create.py::test_group_delete_answers_204",
        "users/test_delete.py::test_delete_answers_204",
    ],
)
@answers
def deleted_answers_200(exchange: Exchange) -> None:
    """Answers DELETE with 200, not 204."""
    if exchange.method == "DELETE" and exchange.status == 204:
        exchange.status = 200


@defect(
    "soft-delete-listed",
    requirements=["rfc7644/3.6/deleted-not-listed", "rfc7644/3.6/deleted-no-conflict"],
    summary="A deleted user answers 404 but stays in queries and holds its userName",
    strict=True,
    note=("Runs with --scim-strict: rfc7644/3.6/deleted-no-conflict is graded SHOULD after the "
          "RFC-text audit, so its failure is a deviation unless strict."),
    proves=[
        "users/test_delete.py::test_deleted_user_is_not_listed",
        "users/test_delete.py::test_deleted_username_can_be_reused",
    ],
)
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


@defect(
    "delete-keeps-memberships",
    requirements=["rfc7644/3.6/deleted-leaves-groups"],
    summary="A deleted user stays in the members of its groups",
    strict=True,
    note=("deleted-leaves-groups is SHOULD in the catalogue (RFC 7644 §3.6); without --scim-strict"
          " the stale member is a deviation"),
    proves=[
        "users/test_delete.py::test_deleted_user_leaves_group_members",
    ],
)
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


@defect(
    "active-as-string",
    requirements=["rfc7643/2.3.2/boolean-literal"],
    summary="active is written as the string \"True\" or \"False\"",
    proves=[
        "users/test_lifecycle.py::test_active_is_a_json_boolean",
    ],
)
class ActiveAsString(Pipeline):
    """Writes `active` as the string "True"/"False", as .NET's bool.ToString() does."""

    def project(self, rtype: str, view: Resource, attributes: Sequence[str] | None,
                excluded: Sequence[str] | None) -> dict[str, Any]:
        out = super().project(rtype, view, attributes, excluded)
        if isinstance(out.get("active"), bool):
            out["active"] = str(out["active"])
        return out


@defect(
    "meta-dates-as-http-dates",
    requirements=["rfc7643/2.3.5/datetime-format"],
    summary="meta.created and meta.lastModified are HTTP dates, not xsd:dateTime",
    proves=[
        "users/test_meta.py::test_meta_dates_are_xsd_datetimes",
    ],
)
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


@defect(
    "created-as-date",
    requirements=["rfc7643/3.1/last-modified-equals-created"],
    summary="meta.created is stored as a date, so it differs from lastModified",
    proves=[
        "users/test_meta.py::test_last_modified_equals_created_on_new_user",
    ],
)
class CreatedAsDate(Pipeline):
    """Stores meta.created in a date column, so it loses its time and differs from lastModified."""

    def create(self, rtype: str, body: Any) -> Resource:
        stored = super().create(rtype, body)
        dated = {**stored, "meta": {**stored["meta"],
                                    "created": stored["meta"]["created"][:10] + "T00:00:00Z"}}
        self.store.table(rtype).put(dated)
        return dated


@defect(
    "client-id-kept",
    requirements=["rfc7643/3.1/id-server-assigned", "rfc7644/3.3/read-only-create-ignored"],
    summary="A create uses the id the client sent",
    proves=[
        "schema/test_attributes.py::test_read_only_attribute_is_ignored_on_create",
        "users/test_create.py::test_client_supplied_id_is_ignored",
    ],
)
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


@defect(
    "meta-resource-type-is-endpoint",
    requirements=["rfc7644/3.3.1/meta-resource-type"],
    summary="meta.resourceType is the endpoint name (Users), not User",
    proves=[
        "users/test_meta.py::test_meta_resource_type_is_user",
    ],
)
class MetaResourceTypeIsEndpoint(Pipeline):
    """Writes the endpoint name ("Users") as meta.resourceType instead of the type ("User")."""

    def project(self, rtype: str, view: Resource, attributes: Sequence[str] | None,
                excluded: Sequence[str] | None) -> dict[str, Any]:
        out = super().project(rtype, view, attributes, excluded)
        if "meta" in out:
            endpoint = self.resource_type(rtype).endpoint.strip("/")
            out["meta"] = {**out["meta"], "resourceType": endpoint}
        return out


@defect(
    "phone-numbers-normalised",
    requirements=["entra/users/stored-as-sent"],
    summary="Phone numbers are stored in E.164 form, not as sent",
    proves=[
        "users/test_create.py::test_read_returns_every_attribute_sent",
    ],
)
class PhoneNumbersNormalised(Pipeline):
    """Stores phone numbers in E.164 form ("+15550100"), not as the client sent them."""

    def prepare(self, rtype: str, body: Any, old: Resource | None) -> Resource:
        resource = super().prepare(rtype, body, old)
        if "phoneNumbers" in resource:
            resource["phoneNumbers"] = [
                {**p, "value": re.sub(r"[^0-9+]", "", str(p.get("value", "")))}
                for p in resource["phoneNumbers"]]
        return resource


@defect(
    "reactivation-ignored",
    requirements=["entra/users/reactivate"],
    summary="A suspended user stays suspended when active=true arrives",
    proves=[
        "users/test_lifecycle.py::test_reactivated_user_is_active",
        "provisioning/test_sync.py::test_a_user_enabled_again_becomes_active",
    ],
)
class ReactivationIgnored(Pipeline):
    """Keeps a suspended user suspended when active=true arrives."""

    def update(self, rtype: str, old: Resource, resource: Resource) -> Resource:
        if rtype == "User" and old["active"] is False:
            resource = {**resource, "active": False}
        return super().update(rtype, old, resource)


@defect(
    "delete-of-missing-succeeds",
    requirements=["rfc7644/3.6/deleted-404"],
    summary="DELETE of a resource already gone answers 204",
    proves=[
        "users/test_delete.py::test_deleted_user_answers_404",
    ],
)
class DeleteOfMissingSucceeds(Pipeline):
    """Answers a DELETE of a resource that is already gone with 204, as if idempotent."""

    def delete(self, rtype: str, rid: str, if_match: str | None = None) -> None:
        if self.store.table(rtype).get(rid) is None:
            return
        super().delete(rtype, rid, if_match)


@defect(
    "put-keeps-stored-values",
    requirements=["rfc7644/3.5.1/put-replaces"],
    summary="PUT fills only attributes the resource lacks; stored values win",
    proves=[
        "users/test_lifecycle.py::test_put_with_active_false_deactivates",
        "users/test_replace.py::test_put_replaces_attribute_values",
    ],
)
class PutKeepsStoredValues(Pipeline):
    """PUT only fills attributes the resource lacks: stored values win over the ones sent."""

    def replace(self, rtype: str, rid: str, body: Any, if_match: str | None = None) -> Resource:
        stored = {k: v for k, v in self.get(rtype, rid).items() if k not in ("id", "meta")}
        merged = {**body, **stored} if isinstance(body, dict) else body
        return super().replace(rtype, rid, merged, if_match)


@defect(
    "put-merges",
    requirements=["rfc7644/3.5.1/put-omitted-cleared"],
    summary="PUT keeps the attributes its body omits",
    strict=True,
    note="put-omitted-cleared is MAY in the catalogue: only a failure under --scim-strict.",
    proves=[
        "users/test_replace.py::test_put_clears_omitted_attribute",
    ],
)
class PutMerges(Pipeline):
    """PUT merges the body into the stored resource, keeping attributes it omits."""

    def replace(self, rtype: str, rid: str, body: Any, if_match: str | None = None) -> Resource:
        stored = {k: v for k, v in self.get(rtype, rid).items() if k not in ("id", "meta")}
        merged = {**stored, **body} if isinstance(body, dict) else body
        return super().replace(rtype, rid, merged, if_match)


@defect(
    "read-by-id-as-list",
    requirements=["rfc7644/3.4.1/read-by-id"],
    summary="GET by id answers a ListResponse holding the resource",
    proves=[
        "users/test_create.py::test_read_by_id_returns_the_user",
    ],
)
@answers
def read_by_id_as_list(exchange: Exchange) -> None:
    """Answers GET by id with a ListResponse holding the resource."""
    body = exchange.json()
    kind = (body.get("meta") or {}).get("resourceType") if isinstance(body, dict) else None
    if exchange.method == "GET" and exchange.status == 200 and kind in ("User", "Group"):
        listing = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
                   "totalResults": 1, "startIndex": 1, "itemsPerPage": 1, "Resources": [body]}
        exchange.set_body(json.dumps(listing).encode())


@defect(
    "created-minimal",
    requirements=["rfc7644/3.3/body-representation"],
    summary="A create is answered with id and meta only",
    strict=True,
    note="body-representation is SHOULD in the catalogue: only a failure under --scim-strict.",
    proves=[
        "users/test_create.py::test_create_answer_carries_the_created_user",
    ],
)
@answers
def created_minimal(exchange: Exchange) -> None:
    """Answers a create with id and meta only."""
    body = exchange.json()
    if exchange.status == 201 and isinstance(body, dict):
        kept = ("schemas", "id", "userName", "displayName", "meta")
        exchange.set_body(json.dumps({k: v for k, v in body.items() if k in kept}).encode())


@defect(
    "ids-from-max-plus-one",
    requirements=["rfc7643/3.1/id-never-reassigned"],
    summary="A new id is the highest id in use plus one, so a deleted id comes back",
    proves=["users/test_meta.py::test_ids_of_deleted_resources_are_never_given_again"],
)
class IdsFromMaxPlusOne(Pipeline):
    """Numbers resources as `SELECT MAX(id) + 1` over every table does: after the newest
    resource is deleted, the next create is given its id again."""

    def create(self, rtype: str, body: Any) -> Resource:
        with self.store.lock:
            resource = self.prepare(rtype, body, None)
            self.check_unique(rtype, resource, None)
            used = [int(r["id"]) for table in self.store.tables.values() for r in table
                    if str(r["id"]).isdigit()]
            stored = self.account.stamp(rtype, resource, rid=str(max(used, default=0) + 1))
            self.commit(rtype, None, stored)
        return stored


@defect(
    "schemas-stored-as-sent",
    requirements=["rfc7643/3/schemas-declared-only"],
    summary="The schemas array of a request is stored and returned as sent",
    proves=["users/test_create.py::test_unknown_schema_urn_is_not_kept"],
)
class SchemasStoredAsSent(Pipeline):
    """Keeps the `schemas` array of a POST or PUT as the client sent it and returns it, so a
    URN the resource type does not have is listed in the user."""

    def prepare(self, rtype: str, body: Any, old: Resource | None) -> Resource:
        resource = super().prepare(rtype, body, old)
        sent = body.get("schemas") if isinstance(body, dict) else None
        if isinstance(sent, list) and sent:
            resource["schemas"] = list(sent)
        return resource

    def project(self, rtype: str, view: Resource, attributes: Sequence[str] | None,
                excluded: Sequence[str] | None) -> dict[str, Any]:
        out = super().project(rtype, view, attributes, excluded)
        return {**out, "schemas": view["schemas"]} if view.get("schemas") else out


@defect(
    "last-modified-frozen",
    requirements=["rfc7643/3.1/last-modified-advances"],
    summary="meta.lastModified stays at the create time after every change",
    strict=True,
    note="last-modified-advances is SHOULD in the catalogue: only a failure under --scim-strict.",
    proves=["users/test_meta.py::test_last_modified_moves_forward_after_a_change"],
)
class LastModifiedFrozen(Pipeline):
    """Sets meta.lastModified when a resource is inserted and never again: an update keeps the
    create time."""

    def update(self, rtype: str, old: Resource, resource: Resource) -> Resource:
        stored = super().update(rtype, old, resource)
        frozen = {**stored, "meta": {**stored["meta"], "lastModified": old["meta"]["created"]}}
        self.store.table(rtype).put(frozen)
        return frozen


@defect(
    "blank-user-name-accepted",
    requirements=["rfc7643/4.1.1/username-required"],
    summary="userName must be present, but \"\" is accepted and stored",
    proves=["users/test_required.py::test_no_user_is_created_without_a_user_name"],
)
class BlankUserNameAccepted(Pipeline):
    """Checks that a resource's key (userName) is present, not that it holds a value: a user
    whose userName is "" is created and keeps it."""

    def check_required(self, rtype: str, resource: Resource) -> None:
        for name in self.keys[rtype]:
            if not isinstance(resource.get(name), str):
                raise bad_request(INVALID_VALUE, f"{name} is required")


@defect(
    "put-ignores-active",
    requirements=["okta/users/put-deactivate", "rfc7644/3.5.1/put-replaces"],
    summary="PUT ignores active: the stored state is kept",
    proves=["users/test_lifecycle.py::test_put_with_active_false_deactivates"],
)
class PutIgnoresActive(Pipeline):
    """Changes `active` only through PATCH, as Entra sends it: a PUT's `active` is dropped, so
    the user keeps its stored state and Okta's GET-then-PUT deactivation does nothing."""

    def replace(self, rtype: str, rid: str, body: Any, if_match: str | None = None) -> Resource:
        if rtype == "User" and isinstance(body, dict):
            body = {k: v for k, v in body.items() if k.lower() != "active"}
        return super().replace(rtype, rid, body, if_match)


@defect(
    "deleted-group-cached",
    requirements=["rfc7644/3.6/deleted-404"],
    summary="A deleted group is still answered by id from a cache the delete leaves",
    proves=["groups/test_create.py::test_deleted_group_answers_404"],
)
class DeletedGroupCached(Pipeline):
    """Keeps the last copy of every group it reads in a cache, meant to spare rebuilding large
    member lists, and answers from it when the store has no such group; a DELETE does not
    evict the cache, so a deleted group stays readable by id."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cached: dict[str, Resource] = {}

    def get(self, rtype: str, rid: str) -> Resource:
        if rtype not in self.relations.group_types:
            return super().get(rtype, rid)
        found = self.store.table(rtype).get(rid)
        if found is None:
            found = self.cached.get(rid)
        if found is None:
            raise not_found(f"{rtype} {rid!r} not found")
        self.cached[rid] = found
        return found


# Defects only generated data or a sequence of steps reveals (suites/properties/) -------------


@defect(
    "members-lost-after-rename",
    requirements=["rfc7644/3.5/state-follows-writes"],
    summary="After a group is renamed, membership edits start from an empty member list",
    proves=["properties/test_lifecycle.py::test_lifecycle_matches_the_model"],
)
class MembersLostAfterRename(Pipeline):
    """Keeps each group's member list cached under its displayName: a rename leaves the cache
    behind under the old name, so later PATCHes of its members start from an empty list (an
    add drops the members the group had, a removal finds nothing to remove). Only the
    sequence rename, then a membership edit, shows it; either step alone is right."""

    def patch(self, rtype: str, rid: str, message: Any, if_match: str | None = None) -> Resource:
        if rtype == "Group" and rid in self._renamed():
            ops = _operations(message)
            if any(_edits_members(op) for op in ops):
                emptied = self.view(rtype, self.get(rtype, rid), None)
                emptied.pop("members", None)
                super().replace(rtype, rid, emptied)
        before = self.get(rtype, rid)
        stored = super().patch(rtype, rid, message, if_match)
        self._note(rtype, before, stored)
        return stored

    def replace(self, rtype: str, rid: str, body: Any, if_match: str | None = None) -> Resource:
        before = self.get(rtype, rid)
        stored = super().replace(rtype, rid, body, if_match)
        self._note(rtype, before, stored)
        return stored

    def _note(self, rtype: str, before: Resource, after: Resource) -> None:
        if rtype == "Group" and before.get("displayName") != after.get("displayName"):
            self._renamed().add(after["id"])

    def _renamed(self) -> set[str]:
        if not hasattr(self, "renamed"):
            self.renamed: set[str] = set()
        return self.renamed


def _operations(message: Any) -> list[Any]:
    found = message.get("Operations") if isinstance(message, dict) else None
    return found if isinstance(found, list) else []


def _edits_members(op: Any) -> bool:
    return isinstance(op, dict) and str(op.get("op", "")).lower() in ("add", "remove") \
        and str(op.get("path", "")).lower().startswith("members")


@defect(
    "put-answers-the-request",
    requirements=["rfc7644/3.5.1/put-answer"],
    summary="A PUT of a user answers the body it was sent, not the user as stored",
    proves=["properties/test_round_trip.py::test_write_answer_is_the_resource_as_read"],
)
class PutAnswersTheRequest(Pipeline):
    """Answers a user's PUT with the request body plus id and meta: whatever the bridge
    altered or kept (1Password keeps `active` when a PUT leaves it out) is missing from the
    answer, though a GET shows it."""

    def replace(self, rtype: str, rid: str, body: Any, if_match: str | None = None) -> Resource:
        stored = super().replace(rtype, rid, body, if_match)
        if rtype != "User" or not isinstance(body, dict):
            return stored
        echoed = {k: v for k, v in body.items() if k.lower() not in ("id", "meta", "password")}
        return {**echoed, "id": stored["id"], "meta": stored["meta"]}


@defect(
    "id-follows-username",
    requirements=["rfc7643/3.1/id-stable"],
    summary="A user's id is derived from its userName, so a rename gives it a new id",
    proves=["properties/test_identity.py::test_id_is_stable_across_updates"],
)
class IdFollowsUserName(Pipeline):
    """Keys users by their userName: an update that renames a user stores it anew under a new
    id and drops the old one."""

    def update(self, rtype: str, old: Resource, resource: Resource) -> Resource:
        if rtype != "User" or old.get("userName") == resource.get("userName"):
            return super().update(rtype, old, resource)
        self.check_unique(rtype, resource, old["id"])
        self.store.table(rtype).remove(old["id"])
        self.policy.removed(rtype, old["id"])
        stored = self.account.stamp(rtype, resource)
        self.commit(rtype, None, stored)
        return stored
