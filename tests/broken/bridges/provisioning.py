"""Provisioning defects: bridges an Entra ID provisioning cycle goes wrong on (suites/provisioning/
test_sync.py) — a bad token not read as one, mapped values dropped or kept, deactivation ignored,
a member removal clearing the group, existing users and groups not found, the provisioning
switch not enforced.

A class is the reference bridge with that part swapped, served by the factory its @defect
names after the defect id; a function is the factory itself (tests/broken/bridges/registry.py).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from typing import Any

from scimcert.bridge.onepassword import OnePassword
from scimcert.bridge.pipeline import Pipeline, Query
from scimcert.bridge.store import Resource
from scimcert.scim.errors import ScimError
from scimcert.scim.paging import list_response
from tests.broken.bridges.asgi import Exchange, answers
from tests.broken.bridges.registry import defect

USERNAME_EQ = re.compile(r'^\s*userName\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$', re.IGNORECASE)


@defect(
    "bad-token-server-error",
    requirements=["entra/test-connection/invalid-credentials"],
    summary="An unknown bearer token answers 500 instead of 401",
    proves=["provisioning/test_sync.py::"
            "test_connection_with_a_bad_token_fails_as_invalid_credentials"],
)
@answers
def bad_token_server_error(exchange: Exchange) -> None:
    """Answers a refused token with 500, as a bridge whose token lookup throws does."""
    if exchange.status == 401:
        exchange.status = 500
        exchange.set_header(b"www-authenticate", None)
        exchange.set_json({"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
                           "status": "500", "detail": "token lookup failed"})


@defect(
    "create-drops-external-id",
    requirements=["entra/provisioning/initial-cycle", "entra/provisioning/on-demand"],
    summary="A user created with an externalId is stored without it",
    proves=["provisioning/test_sync.py::test_initial_cycle_creates_the_users_in_scope",
            "provisioning/test_sync.py::test_provision_on_demand_creates_the_one_user"],
)
class CreateDropsExternalId(Pipeline):
    """Drops externalId from a created user."""

    def create(self, rtype: str, body: Any) -> Resource:
        if rtype == "User" and isinstance(body, dict):
            body = {k: v for k, v in body.items() if k.lower() != "externalid"}
        return super().create(rtype, body)


@defect(
    "display-name-kept-on-update",
    requirements=["entra/provisioning/incremental-cycle"],
    summary="A user's displayName never changes after the create",
    proves=["provisioning/test_sync.py::test_incremental_cycle_sends_only_the_changes"],
)
class DisplayNameKeptOnUpdate(OnePassword):
    """Keeps the displayName a user was created with, answering the update as applied."""

    def prepare(self, rtype: str, resource: Resource, old: Resource | None) -> None:
        super().prepare(rtype, resource, old)
        if rtype == "User" and old is not None and "displayName" in old:
            resource["displayName"] = old["displayName"]


@defect(
    "deactivation-ignored",
    requirements=["entra/provisioning/deactivate"],
    summary="active=false is answered 200 but the user stays active",
    proves=["provisioning/test_sync.py::"
            "test_disabled_unassigned_and_deleted_users_become_inactive"],
)
class DeactivationIgnored(Pipeline):
    """Keeps an active user active whatever an update says."""

    def update(self, rtype: str, old: Resource, resource: Resource) -> Resource:
        if rtype == "User" and old.get("active") is True:
            resource = {**resource, "active": True}
        return super().update(rtype, old, resource)


@defect(
    "member-removal-clears-group",
    requirements=["entra/provisioning/group-sync"],
    summary="Removing listed members removes every member of the group",
    proves=["provisioning/test_sync.py::test_groups_are_created_renamed_and_hold_their_members"],
)
class MemberRemovalClearsGroup(Pipeline):
    """Reads a `remove` of `members` with a value list as a removal of all members (the bug
    kortix-ai/suna PR #7297 fixed)."""

    def patch(self, rtype: str, rid: str, message: Any, if_match: str | None = None
              ) -> Resource:
        if rtype == "Group" and isinstance(message, dict):
            message = copy.deepcopy(message)
            for op in message.get("Operations") or []:
                if isinstance(op, dict) and str(op.get("op", "")).lower() == "remove" \
                        and str(op.get("path", "")).lower() == "members":
                    op.pop("value", None)
        return super().patch(rtype, rid, message, if_match)


@defect(
    "member-add-replaces-members",
    requirements=["entra/provisioning/on-demand-group"],
    summary="An add of members replaces the group's members instead of adding to them",
    proves=["provisioning/test_sync.py::"
            "test_provision_on_demand_of_a_group_adds_the_chosen_members"],
)
class MemberAddReplacesMembers(Pipeline):
    """Reads an `add` of `members` as a `replace`: a group filled one on-demand run at a time
    keeps only the last run's members (RFC 7644 §3.5.2.1: add adds to a multi-valued
    attribute)."""

    def patch(self, rtype: str, rid: str, message: Any, if_match: str | None = None
              ) -> Resource:
        if rtype == "Group" and isinstance(message, dict):
            message = copy.deepcopy(message)
            for op in message.get("Operations") or []:
                if isinstance(op, dict) and str(op.get("op", "")).lower() == "add" \
                        and str(op.get("path", "")).lower() == "members":
                    op["op"] = "replace"
        return super().patch(rtype, rid, message, if_match)


@defect(
    "group-external-id-kept",
    requirements=["1password/provisioning/managed-groups"],
    summary="A group's externalId is stored on create but an update of it is ignored",
    proves=["provisioning/test_sync.py::test_an_existing_group_with_the_same_name_is_linked"],
)
class GroupExternalIdKept(Pipeline):
    """Keeps the externalId a group was created with (none, for a group made in the app),
    answering the update as applied."""

    def update(self, rtype: str, old: Resource, resource: Resource) -> Resource:
        if rtype == "Group":
            resource = {k: v for k, v in resource.items() if k != "externalId"}
            if "externalId" in old:
                resource["externalId"] = old["externalId"]
        return super().update(rtype, old, resource)


@defect(
    "username-filter-case-sensitive",
    requirements=["1password/provisioning/link-existing"],
    summary="userName eq matches only the exact case of the stored userName",
    proves=["provisioning/test_sync.py::test_an_existing_user_with_the_same_email_is_linked"],
)
class UserNameFilterCaseSensitive(Pipeline):
    """Compares `userName eq` case-sensitively, though userName is caseExact false."""

    def search(self, rtypes: Sequence[str], query: Query, base: str) -> dict[str, Any]:
        answer = super().search(rtypes, query, base)
        found = USERNAME_EQ.match(query.filter or "")
        if found is None or list(rtypes) != ["User"]:
            return answer
        wanted = found[1].replace('\\"', '"').replace("\\\\", "\\")
        kept = [r for r in answer["Resources"] if r.get("userName") == wanted]
        return list_response(kept, total=len(kept), start_index=answer["startIndex"])


@defect(
    "excluded-members-hides-groups",
    requirements=["1password/provisioning/managed-groups"],
    summary="A group filter with excludedAttributes=members finds no group",
    proves=["provisioning/test_sync.py::test_an_existing_group_with_the_same_name_is_linked"],
)
class ExcludedMembersHidesGroups(Pipeline):
    """Answers an empty list to a group query that excludes members, as Entra asks."""

    def search(self, rtypes: Sequence[str], query: Query, base: str) -> dict[str, Any]:
        excluded = [a.lower() for a in query.excluded or []]
        if list(rtypes) == ["Group"] and query.filter and "members" in excluded:
            return list_response([], total=0, start_index=1)
        return super().search(rtypes, query, base)


@defect(
    "provisioning-switch-ignored",
    requirements=["1password/provisioning/switched-off"],
    summary="Provisioning switched off in 1Password still accepts every SCIM call",
    proves=["provisioning/test_sync.py::"
            "test_provisioning_switched_off_is_a_clear_failure_in_the_log"],
)
class ProvisioningSwitchIgnored(OnePassword):
    """Never refuses: the "Provisioning users & groups" switch is not enforced."""

    def refusal(self) -> ScimError | None:
        return None
