"""Schema-characteristic defects (RFC 7643 §7): mutability, returned and canonical values.

A class is the reference bridge with that part swapped, served by the factory its @defect
names after the defect id; a function is the factory itself (tests/broken/bridges/registry.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scimcert.bridge.pipeline import Pipeline
from scimcert.bridge.store import Resource
from scimcert.scim.errors import INVALID_VALUE, bad_request
from tests.broken.bridges import edits
from tests.broken.bridges.asgi import Exchange, answers, rename_scim_type
from tests.broken.bridges.registry import defect
from tests.broken.bridges.users import PasswordReturned


@defect(
    "nick-name-dropped",
    requirements=["rfc7643/7/read-write-round-trip"],
    summary="nickName is dropped on write, with no error",
    strict=True,
    note=("Runs with --scim-strict: rfc7643/7/read-write-round-trip is graded SHOULD after the "
          "RFC-text audit, so its failure is a deviation unless strict."),
    proves=[
        "schema/test_attributes.py::test_read_write_attribute_round_trips_on_create",
    ],
)
class NickNameDropped(Pipeline):
    """Drops nickName, which the 1Password account has no field for, and answers 201 anyway."""

    def prepare(self, rtype: str, body: Any, old: Resource | None) -> Resource:
        resource = super().prepare(rtype, body, old)
        resource.pop("nickName", None)
        return resource


@defect(
    "group-create-drops-members",
    requirements=["rfc7643/7/read-write-round-trip"],
    summary="A group create ignores members: the group starts empty",
    strict=True,
    note="read-write-round-trip is MAY in the catalogue: only a failure under --scim-strict.",
    proves=["groups/test_create.py::test_group_created_with_members_lists_them",
            "schema/test_attributes.py::test_read_write_attribute_round_trips_on_create"],
)
class GroupCreateDropsMembers(Pipeline):
    """Creates every group empty, as Entra and Okta create theirs, and answers 201: members a
    POST lists are dropped, and only a later PATCH or PUT adds members."""

    def create(self, rtype: str, body: Any) -> Resource:
        if rtype == "Group" and isinstance(body, dict):
            body = {k: v for k, v in body.items() if k.lower() != "members"}
        return super().create(rtype, body)


@defect(
    "password-on-request",
    requirements=["rfc7643/7/returned-never"],
    summary="The password is kept and returned when attributes asks for it",
    proves=[
        "schema/test_attributes.py::test_never_returned_attribute_is_in_no_answer",
    ],
)
class PasswordOnRequest(PasswordReturned):
    """Keeps the password and returns it when attributes asks for it (returned=never)."""

    def project(self, rtype: str, view: Resource, attributes: Sequence[str] | None,
                excluded: Sequence[str] | None) -> dict[str, Any]:
        out = Pipeline.project(self, rtype, view, attributes, excluded)
        if "password" in view and any(a.strip().lower() == "password" for a in attributes or ()):
            out["password"] = view["password"]
        return out


@defect(
    "email-type-other-refused",
    requirements=["rfc7643/7/canonical-values"],
    summary="Only work and home are accepted as email types",
    strict=True,
    note="canonical-values is SHOULD in the catalogue: only a failure under --scim-strict.",
    proves=[
        "schema/test_attributes.py::test_canonical_values_are_accepted",
    ],
)
class EmailTypeOtherRefused(Pipeline):
    """Accepts only "work" and "home" as email types, refusing the canonical "other"."""

    def prepare(self, rtype: str, body: Any, old: Resource | None) -> Resource:
        resource = super().prepare(rtype, body, old)
        for email in resource.get("emails", ()):
            if email.get("type") not in (None, "work", "home"):
                raise bad_request(INVALID_VALUE, f"email type {email['type']!r} is not supported")
        return resource


@defect(
    "read-only-patch-ignored",
    requirements=["rfc7644/3.5.2/read-only-patch-refused"],
    summary="PATCH on a readOnly attribute is skipped and answered 200",
    proves=[
        "schema/test_attributes.py::test_patch_on_read_only_attribute_is_refused",
    ],
)
class ReadOnlyPatchIgnored(edits.EditedPatch):
    """Skips PATCH operations on readOnly attributes and answers 200."""

    def edit(self, rtype: str, op: Any, current: Resource) -> Any:
        attr = self.attribute(rtype, edits.path(op))
        return None if attr is not None and attr.mutability == "readOnly" else op


@defect(
    "mutability-as-invalid-value",
    requirements=["rfc7644/3.12/mutability-scim-type"],
    summary="A readOnly change is refused with scimType invalidValue",
    strict=True,
    note="mutability-scim-type is SHOULD in the catalogue: only a failure under --scim-strict.",
    proves=[
        "schema/test_attributes.py::test_patch_on_read_only_attribute_names_mutability",
    ],
)
@answers
def mutability_as_invalid_value(exchange: Exchange) -> None:
    """Refuses a readOnly change with scimType invalidValue."""
    rename_scim_type(exchange, "mutability", "invalidValue")


@defect(
    "user-groups-joined-on-create",
    requirements=["rfc7644/3.3/read-only-create-ignored"],
    summary="A created user's readOnly groups value adds it to those groups",
    proves=["groups/test_members.py::test_user_groups_attribute_is_read_only"],
)
class UserGroupsJoinedOnCreate(Pipeline):
    """Reads the readOnly `groups` of a created user as memberships to make, as bridges whose
    backend keeps membership on the user record do: each group it names gains the user as a
    member, instead of the value being ignored (RFC 7644 §3.3)."""

    def create(self, rtype: str, body: Any) -> Resource:
        created = super().create(rtype, body)
        if rtype not in self.relations.member_types or not isinstance(body, dict):
            return created
        for item in body.get("groups") or ():
            gid = item.get("value") if isinstance(item, dict) else None
            found = self.store.find(gid) if isinstance(gid, str) else None
            if found is None or found[0] not in self.relations.group_types:
                continue
            gtype, group = found
            with self.store.lock:
                members = [*group.get("members", ()), {"value": created["id"]}]
                self.update(gtype, group, self.prepare(gtype, {**group, "members": members},
                                                       group))
        return created


@defect(
    "client-meta-created-kept",
    requirements=["rfc7644/3.3/read-only-create-ignored"],
    summary="A create keeps the meta.created the client sent",
    proves=["users/test_meta.py::test_client_supplied_meta_is_ignored"],
)
class ClientMetaCreatedKept(Pipeline):
    """Keeps a client's meta.created on create, a path meant for importing accounts with their
    original dates, instead of ignoring the readOnly meta (RFC 7643 §3.1)."""

    def create(self, rtype: str, body: Any) -> Resource:
        created = super().create(rtype, body)
        meta = body.get("meta") if isinstance(body, dict) else None
        sent = meta.get("created") if isinstance(meta, dict) else None
        if not isinstance(sent, str):
            return created
        with self.store.lock:
            dated = {**created, "meta": {**created["meta"], "created": sent}}
            self.store.table(rtype).put(dated)
        return dated


@defect(
    "astral-characters-dropped",
    requirements=["rfc7643/7/read-write-round-trip"],
    summary="Characters beyond the BMP (emoji, math letters) are dropped from strings",
    strict=True,
    note="read-write-round-trip is MAY in the catalogue: only a failure under --scim-strict.",
    proves=["properties/test_round_trip.py::test_created_resource_reads_back_what_was_sent"],
)
class AstralCharactersDropped(Pipeline):
    """Stores strings in a three-byte UTF-8 column (MySQL's utf8): a character beyond the
    Basic Multilingual Plane is dropped. The examples' non-ASCII text is all in the BMP."""

    def prepare(self, rtype: str, body: Any, old: Resource | None) -> Resource:
        return super().prepare(rtype, _bmp(body), old)


def _bmp(value: Any) -> Any:
    if isinstance(value, str):
        return "".join(c for c in value if ord(c) <= 0xFFFF)
    if isinstance(value, list):
        return [_bmp(v) for v in value]
    if isinstance(value, dict):
        return {k: _bmp(v) for k, v in value.items()}
    return value
