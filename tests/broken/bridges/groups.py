"""Group defects (RFC 7643 §4.2, RFC 7644 §3.5.2): membership as Entra ID and Okta change it.

A class is the reference bridge with that part swapped, served by the factory its @defect
names after the defect id; a function is the factory itself (tests/broken/bridges/registry.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from starlette.applications import Starlette

from scimcert.bridge.pipeline import Pipeline, Query
from scimcert.bridge.relations import Relations
from scimcert.bridge.store import Resource
from scimcert.scim.errors import INVALID_VALUE, bad_request
from tests.broken.bridges import edits
from tests.broken.bridges.registry import defect, without_tolerance


@defect(
    "remove-members-removes-all",
    requirements=["entra/groups/remove-members-by-value"],
    summary="Remove on members with a value list removes every member",
    proves=[
        "provisioning/test_scenarios.py::test_scenario_leaves_the_state_the_idp_expects",
        "users/test_patch.py::test_patch_operation_changes_the_group",
        "groups/test_members.py::test_remove_members_by_value_list_removes_only_those",
    ],
    dialects=["entra"],
)
class RemoveMembersRemovesAll(Pipeline):
    """Reads `remove` on members with a value list as "remove every member"."""

    def patch(self, rtype: str, rid: str, message: Any, if_match: str | None = None) -> Resource:
        ops = edits.operations(message)
        if rtype == "Group" and ops:
            ops = [{"op": "remove", "path": "members"}
                   if edits.op_name(op) == "remove" and edits.op_path(op) == "members" else op
                   for op in ops]
            message = edits.with_operations(message, ops)
        return super().patch(rtype, rid, message, if_match)


@defect(
    "excluded-attributes-ignored",
    requirements=["entra/groups/excluded-members", "rfc7644/3.4.2.5/excluded-attributes"],
    summary="excludedAttributes is ignored: members and every default attribute come back",
    proves=[
        "groups/test_exclude.py::test_filter_groups_excluding_members_omits_members",
        "groups/test_exclude.py::test_get_group_excluding_members_omits_members",
        "query/test_attributes.py::test_excluded_attributes_removes_the_named_ones",
        "query/test_lookups.py::test_group_is_found_by_displayname_excluding_members",
    ],
)
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


@defect(
    "pathless-id-refused",
    requirements=["okta/groups/pathless-rename"],
    summary="A path-less replace carrying id is refused with 400 mutability",
    proves=[
        "provisioning/test_scenarios.py::test_scenario_leaves_the_state_the_idp_expects",
        "groups/test_rename.py::test_pathless_replace_renames_group",
    ],
    dialects=["okta"],
)
def pathless_id_refused(**options: Any) -> Starlette:
    """Refuses a path-less replace whose value carries the readOnly id, as Okta sends it, even
    though the id is unchanged."""
    return without_tolerance("read_only_echo", **options)


@defect(
    "first-member-only",
    requirements=["entra/groups/multiple-members-one-patch"],
    summary="An add listing several members adds only the first",
    proves=[
        "groups/test_members.py::test_add_several_members_in_one_operation",
    ],
)
class FirstMemberOnly(edits.EditedPatch):
    """Adds only the first member of an `add` whose value lists several."""

    def edit(self, rtype: str, op: Any, current: Resource) -> Any:
        value = edits.value(op)
        if edits.op_name(op) == "add" and edits.op_path(op) == "members" \
                and isinstance(value, list):
            return {**op, "value": value[:1]}
        return op


@defect(
    "user-groups-omitted",
    requirements=["rfc7643/4.1.2/groups-reflect-membership"],
    summary="A user's groups attribute is never filled",
    strict=True,
    note=("groups-reflect-membership is SHOULD in the catalogue: only a failure under "
          "--scim-strict."),
    proves=[
        "groups/test_members.py::test_user_groups_attribute_lists_group",
    ],
)
class UserGroupsOmitted(Relations):
    """Never fills a user's `groups` attribute."""

    def view(self, rtype: str, resource: Resource, out: Resource, base: str | None,
             excluded: Sequence[str] | None = None) -> None:
        super().view(rtype, resource, out, base, excluded)
        if rtype == "User":
            out.pop("groups", None)


@defect(
    "empty-members-refused",
    requirements=["entra/groups/create-without-members"],
    summary="A group create with members [] is refused as invalidValue",
    proves=[
        "groups/test_create.py::test_group_created_with_empty_members_has_no_members",
    ],
)
class EmptyMembersRefused(Pipeline):
    """Refuses a group create with `members: []` as an invalid value."""

    def prepare(self, rtype: str, body: Any, old: Resource | None) -> Resource:
        if rtype == "Group" and isinstance(body, dict) and body.get("members") == []:
            raise bad_request(INVALID_VALUE, "members must not be empty")
        return super().prepare(rtype, body, old)


@defect(
    "unknown-schema-refused",
    requirements=["entra/groups/adscim-schema"],
    summary="A body naming an unknown schema URN is refused with 400",
    proves=[
        "groups/test_create.py::test_group_create_with_adscim_schema_succeeds",
    ],
)
def unknown_schema_refused(**options: Any) -> Starlette:
    """Refuses a body whose `schemas` names a URN the resource type does not have (Entra's
    ADSCIM group URI)."""
    return without_tolerance("unknown_schema_urns", **options)


@defect(
    "remove-value-list-refused",
    requirements=["entra/groups/remove-members-by-value"],
    summary="Remove on members with a value list is refused with 400",
    proves=[
        "groups/test_members.py::test_remove_members_by_value_list_removes_only_those",
    ],
)
def remove_value_list_refused(**options: Any) -> Starlette:
    """Refuses Entra's member removal, remove on members with a value list, as RFC 7644
    §3.5.2.2 gives remove no value."""
    return without_tolerance("remove_value_list", **options)


@defect(
    "excluded-members-as-empty-list",
    requirements=["entra/groups/excluded-members"],
    summary="excludedAttributes=members answers \"members\": [] instead of no key",
    proves=["groups/test_exclude.py::test_get_group_excluding_members_omits_members",
            "groups/test_exclude.py::test_filter_groups_excluding_members_omits_members"],
)
class ExcludedMembersAsEmptyList(Pipeline):
    """Serialises a group with a fixed set of keys: excluded members are written as an empty
    list. RFC 7643 §2.5 reads [] as unassigned, but Entra's documented answer has no key."""

    def project(self, rtype: str, view: Resource, attributes: Sequence[str] | None,
                excluded: Sequence[str] | None) -> dict[str, Any]:
        out = super().project(rtype, view, attributes, excluded)
        if rtype in self.relations.group_types and "members" not in out \
                and any(name.strip().lower() == "members" for name in excluded or ()):
            out["members"] = []
        return out


@defect(
    "group-put-keeps-members",
    requirements=["okta/groups/put-members"],
    summary="A group PUT keeps the members it had, whatever members it carries",
    proves=[
        "provisioning/test_scenarios.py::test_scenario_leaves_the_state_the_idp_expects",
    ],
    dialects=["okta-aiw"],
)
class GroupPutKeepsMembers(Pipeline):
    """Reads a group PUT as a rename only: the members stay as they were, as bridges that sync
    membership through PATCH alone do. Only Okta's App Integration Wizard apps push members with
    PUT (idp-behaviour §3.1), so no other dialect meets it."""

    def replace(self, rtype: str, rid: str, body: Any, if_match: str | None = None) -> Resource:
        if rtype == "Group" and isinstance(body, dict):
            held = self.get(rtype, rid).get("members")
            body = {k: v for k, v in body.items() if k != "members"}
            if held:
                body["members"] = [{"value": m["value"]} for m in held]
        return super().replace(rtype, rid, body, if_match)
