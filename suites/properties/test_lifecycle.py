"""The stateful property: users created, changed by PATCH and PUT, deactivated, reactivated and
deleted; groups created, renamed and deleted; members added, removed and replaced — each step
sent to the target and applied to the model (the strict RFC core) side by side, and after every
step every resource read back and compared: the same resources, the same values, the same
memberships and active flags, and a user's `groups` matching the groups' members.

What the RFCs leave open is accepted either way and the model follows the target's choice
(harness/properties/model.py): a PUT clearing or keeping what it omits, a deleted user left in
members, members' `display`. A failure prints the shortest sequence of requests that shows it.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from scimcert.harness.checks import expect, filed
from scimcert.harness.messages import patch_op
from scimcert.harness.outcome import not_applicable
from scimcert.harness.properties.model import Expectation, Model, kept_immutable, member_ids
from scimcert.harness.properties.strategies import Unique
from scimcert.scim.errors import ScimError

STATE = "rfc7644/3.5/state-follows-writes"
GROUPS = "rfc7643/4.1.2/groups-reflect-membership"
MAX_USERS = 4
MAX_GROUPS = 2

pytestmark = [pytest.mark.writes, pytest.mark.feature("patch"), pytest.mark.properties]


# A user's `groups` is graded under GROUPS by its own check; the test names only STATE, so a
# finding of the lifecycle leaves the groups requirement to the tests that name it.
@pytest.mark.requirement(STATE)
def test_lifecycle_matches_the_model(runner, lab, forge, registry, user_type, group_type):
    if user_type is None or group_type is None:
        not_applicable("the target declares no User and Group resource types")
    if registry.top_attribute(group_type, "members") is None:
        not_applicable("the target's Group declares no members")

    class Lifecycle(RuleBasedStateMachine):
        """One run: a model of what this run made, and the requests that made it."""

        def __init__(self) -> None:
            super().__init__()
            runner.begin()
            self.model = Model(registry)
            self.touched: dict[str, Expectation] = {}
            self.removed: dict[str, Any] = {}
            self.step = "the start"

        # Steps on users -----------------------------------------------------------------

        @initialize(data=st.data())
        def start(self, data: st.DataObject) -> None:
            for _ in range(3):
                self.create_user(data)
            first = self.users[0]
            self.created(group_type, {"schemas": [group_type.schema],
                                      "displayName": Unique("group"),
                                      "members": [{"value": first}]})

        @precondition(lambda self: len(self.users) < MAX_USERS)
        @rule(data=st.data())
        def create_user(self, data: st.DataObject) -> None:
            # Required attributes only: PATCH and PUT bring the rest, and a short create keeps
            # the shrunk sequence short. What a full create stores is test_round_trip's.
            self.created(user_type, data.draw(forge.minimal(user_type), "user"))

        @precondition(lambda self: self.users)
        @rule(data=st.data(), how=st.sampled_from(["PATCH", "PUT", "deactivation",
                                                    "reactivation"]))
        def update_user(self, data: st.DataObject, how: str) -> None:
            rid = data.draw(st.sampled_from(self.users), "user")
            state = self.model.live[rid].state
            if how == "PUT":
                body = forge.stamp(data.draw(forge.body(user_type), "PUT body"), lab.tag())
                self.put(rid, user_type, kept_immutable(body, state, registry, user_type),
                         f"PUT of user {rid}")
            elif how == "PATCH":
                drawn = data.draw(forge.operations(user_type), "operations")
                operations = forge.stamp(forge.resolve(drawn, state, user_type), lab.tag())
                if operations:
                    self.patched(rid, operations, f"PATCH of user {rid}")
            elif registry.top_attribute(user_type, "active") is not None:
                self.patched(rid, [{"op": "replace", "path": "active",
                                    "value": how == "reactivation"}], f"{how} of user {rid}")

        @precondition(lambda self: len(self.users) > 1)
        @rule(data=st.data())
        def delete_user(self, data: st.DataObject) -> None:
            self.deleted(data.draw(st.sampled_from(self.users), "user"), user_type)

        # Steps on groups ----------------------------------------------------------------

        @precondition(lambda self: len(self.groups) < MAX_GROUPS)
        @rule(data=st.data())
        def create_group(self, data: st.DataObject) -> None:
            members = data.draw(st.lists(st.sampled_from(self.users), unique=True,
                                         max_size=len(self.users)), "members")
            self.created(group_type, {"schemas": [group_type.schema],
                                      "displayName": Unique("group"),
                                      "members": [{"value": m} for m in members]})

        @precondition(lambda self: self.groups)
        @rule(data=st.data())
        def rename_group(self, data: st.DataObject) -> None:
            gid = data.draw(st.sampled_from(self.groups), "group")
            name = forge.stamp(Unique("renamed"), lab.tag())
            self.patched(gid, [{"op": "replace", "path": "displayName", "value": name}],
                         f"rename of group {gid}")

        @precondition(lambda self: self.groups)
        @rule(data=st.data())
        def rename_group_by_put(self, data: st.DataObject) -> None:
            gid = data.draw(st.sampled_from(self.groups), "group")
            members = [m for m in listed(self.model.live[gid].state)
                       if m not in self.model.gone]
            body = {"schemas": [group_type.schema],
                    "displayName": forge.stamp(Unique("renamed"), lab.tag()),
                    "members": [{"value": m} for m in members]}
            self.put(gid, group_type, body, f"rename of group {gid} by PUT")

        @precondition(lambda self: self.joinable)
        @rule(data=st.data())
        def add_members(self, data: st.DataObject) -> None:
            gid = data.draw(st.sampled_from(list(self.joinable)), "group")
            absent = self.joinable[gid]
            added = data.draw(st.lists(st.sampled_from(absent), min_size=1, unique=True),
                              "new members")
            self.patched(gid, [{"op": "add", "path": "members",
                                "value": [{"value": u} for u in added]}],
                         f"add of members to group {gid}")

        @precondition(lambda self: self.filled)
        @rule(data=st.data())
        def remove_member(self, data: st.DataObject) -> None:
            gid = data.draw(st.sampled_from(list(self.filled)), "group")
            held = self.filled[gid]
            uid = data.draw(st.sampled_from(held), "member")
            self.patched(gid, [{"op": "remove", "path": f'members[value eq "{uid}"]'}],
                         f"removal of member {uid} from group {gid}")

        @precondition(lambda self: self.groups)
        @rule(data=st.data())
        def replace_members(self, data: st.DataObject) -> None:
            gid = data.draw(st.sampled_from(self.groups), "group")
            members = data.draw(st.lists(st.sampled_from(self.users), unique=True, min_size=1,
                                         max_size=len(self.users)), "members")
            self.patched(gid, [{"op": "replace", "path": "members",
                                "value": [{"value": u} for u in members]}],
                         f"replacement of the members of group {gid}")

        @precondition(lambda self: self.groups)
        @rule(data=st.data())
        def delete_group(self, data: st.DataObject) -> None:
            self.deleted(data.draw(st.sampled_from(self.groups), "group"), group_type)

        # After every step ---------------------------------------------------------------

        @invariant()
        def reads_show_the_model(self) -> None:
            runner.no_server_error()
            reads = {}
            for rid, entry in list(self.model.live.items()):
                reads[rid] = read = lab.read(entry.rtype, rid)
                expectation = self.touched.pop(rid, None) or self.model.expected(rid)
                found = self.model.judge(rid, expectation, read)
                with filed(STATE):
                    expect(not found, f"after the {self.step}, {entry.rtype.name} {rid} reads "
                           "as the writes made it", expected="no difference",
                           actual=[str(d) for d in found])
            for rid, rtype in self.removed.items():
                status = lab.scim.get(f"{rtype.endpoint}/{rid}").status_code
                with filed(STATE):
                    expect(status == 404, f"after the {self.step}, the deleted {rtype.name} "
                           f"{rid} answers 404 (RFC 7644 §3.6)", expected=404, actual=status)
            self.touched.clear()
            self.removed.clear()
            for uid in self.users:
                self.groups_match(uid, reads[uid].get("groups"))

        def groups_match(self, uid: str, listed: Any) -> None:
            """A user's `groups`, when the target returns it (RFC 7643 §4.1.2 lets it leave
            it out), lists exactly the groups that list the user."""
            if listed is None:
                return
            got = {g.get("value") for g in listed if isinstance(g, dict)} - self.model.gone
            wanted = self.model.groups_of(uid)
            with filed(GROUPS):
                expect(got == wanted, f"after the {self.step}, user {uid}'s groups are the "
                       "groups listing it as a member", expected=sorted(wanted),
                       actual=sorted(str(g) for g in got))

        # Helpers ------------------------------------------------------------------------

        @property
        def users(self) -> list[str]:
            return self.model.of_type(user_type)

        @property
        def groups(self) -> list[str]:
            return self.model.of_type(group_type)

        @property
        def joinable(self) -> dict[str, list[str]]:
            """Each group with the users it does not list yet."""
            found = {gid: [u for u in self.users
                           if u not in member_ids(self.model.live[gid].state)]
                     for gid in self.groups}
            return {gid: users for gid, users in found.items() if users}

        @property
        def filled(self) -> dict[str, list[str]]:
            """Each group listing live members, with them."""
            found = {gid: [m for m in listed(self.model.live[gid].state)
                           if m not in self.model.gone] for gid in self.groups}
            return {gid: users for gid, users in found.items() if users}

        def created(self, rtype: Any, template: dict[str, Any]) -> None:
            self.step = f"create of a {rtype.name}"
            _, answer = lab.create(rtype, template)
            self.model.add(answer["id"], rtype, lab.read(rtype, answer["id"]))

        def patched(self, rid: str, operations: list[dict[str, Any]], step: str) -> None:
            self.step = step
            entry = self.model.live[rid]
            try:
                expectation = self.model.patch(rid, patch_op(*operations))
            except ScimError:
                return
            resp = lab.scim.patch(f"{entry.rtype.endpoint}/{rid}", json=patch_op(*operations))
            self.written(rid, resp, expectation)

        def put(self, rid: str, rtype: Any, body: dict[str, Any], step: str) -> None:
            self.step = step
            try:
                expectation = self.model.put(rid, body)
            except ScimError:
                return
            resp = lab.scim.put(f"{rtype.endpoint}/{rid}", json=body)
            self.written(rid, resp, expectation)

        def written(self, rid: str, resp: Any, expectation: Expectation) -> None:
            # A PATCH may answer 200 or 204 (RFC 7644 §3.5.2); a value the target holds
            # unique beyond the schema may be refused with 409.
            assume(resp.status_code != 409 and not lab.unsupported(resp))
            with filed(STATE):
                expect(resp.is_success, f"the target takes the {self.step}, which the RFC "
                       "core applies", expected="200 or 204", actual=resp.status_code,
                       resp=resp)
            self.touched[rid] = expectation

        def deleted(self, rid: str, rtype: Any) -> None:
            self.step = f"delete of {rtype.name} {rid}"
            resp = lab.scim.delete(f"{rtype.endpoint}/{rid}")
            with filed(STATE):
                expect(resp.status_code == 204, f"the target deletes {rtype.name} {rid}",
                       expected=204, actual=resp.status_code, resp=resp)
            self.removed[rid] = rtype
            self.model.delete(rid)

    runner.machine(Lifecycle)


def listed(group: dict[str, Any]) -> list[str]:
    """The member ids of `group` in the order it lists them: draws from them must not depend
    on the order of random ids, or a replayed sequence would pick other members."""
    return [m["value"] for m in group.get("members") or []
            if isinstance(m, dict) and isinstance(m.get("value"), str)]

