"""The seed's flows end to end: Entra ID's provisioning cycles (scimcert/idp/cycle.py) from a
small directory (fixtures/directory/suite-tenant.json) through the recommended mapping into the
target, then the target's state read back with plain GETs.

Test Connection, provision on demand, the initial cycle, an incremental cycle with changes,
deactivation through the mapped `active` and reactivation, groups and memberships, existing users
and groups linked rather than duplicated, and provisioning switched off in the bridge. Each test
runs its own cycles on names of its own; what the cycles create is deleted at session end.
"""

from __future__ import annotations

from typing import Any

import pytest

from scimcert.harness.checks import expect
from scimcert.harness.outcome import not_applicable
from scimcert.idp import log as logs
from scimcert.scim.urns import GROUP_URN

INVALID = "SystemForCrossDomainIdentityManagementInvalidCredentials"
IN_SCOPE = ("alex", "blake", "casey", "drew", "eli")
NOT_CREATED = ("frankie", "gray")

# The cycles are Entra ID's (default `scim` job): `--scim-dialect` without entra leaves them out.
pytestmark = [pytest.mark.writes, pytest.mark.dialect("entra")]


def failures(sync) -> list[str]:
    return [e.line() for e in sync.log.of(status=logs.FAILURE)]


def expect_no_failure(sync, requirement: str) -> None:
    found = failures(sync)
    expect(found == [], "the provisioning log holds no failure", expected=[], actual=found,
           requirement=requirement)


def read_user(scim, sync, source: str, requirement: str) -> dict[str, Any]:
    rid = sync.target(source)
    expect(rid is not None, f"{source} is linked to a target user", expected="an id",
           actual=None, requirement=requirement)
    resp = scim.get(f"/Users/{rid}")
    expect(resp.status_code == 200, f"{source}'s user is still there", expected=200,
           actual=resp.status_code, resp=resp, requirement=requirement)
    return resp.json()


def found_by_username(scim, name: str) -> list[dict[str, Any]]:
    resp = scim.get("/Users", params={"filter": f'userName eq "{name}"'})
    return resp.json().get("Resources") or [] if resp.status_code == 200 else []


def expect_mapped(scim, sync, source: str, requirement: str) -> None:
    """The user holds what the recommended mapping sends: userName = mail, displayName,
    externalId = mailNickname, active."""
    body = read_user(scim, sync, source, requirement)
    user = sync.directory.users[source]
    wanted = {"userName": user["mail"].lower(), "displayName": user["displayName"],
              "externalId": user["mailNickname"], "active": True}
    got = {"userName": str(body.get("userName", "")).lower(),
           "displayName": body.get("displayName"), "externalId": body.get("externalId"),
           "active": body.get("active")}
    expect(got == wanted, f"{source}'s user holds the mapped values", expected=wanted,
           actual=got, requirement=requirement)


def members(scim, sync, group: str, requirement: str) -> list[str]:
    rid = sync.target(group)
    expect(rid is not None, f"group {group} is linked", expected="an id", actual=None,
           requirement=requirement)
    resp = scim.get(f"/Groups/{rid}")
    expect(resp.status_code == 200, f"group {group} is there", expected=200,
           actual=resp.status_code, resp=resp, requirement=requirement)
    return sorted(str(m.get("value")) for m in resp.json().get("members") or [])


def group_external_id(scim, sync, group: str) -> Any:
    resp = scim.get(f"/Groups/{sync.target(group)}")
    return resp.json().get("externalId") if resp.status_code == 200 else None


@pytest.mark.requirement("entra/test-connection/random-guid")
def test_connection_succeeds_with_the_right_token(sync):
    entry = sync().run.test_connection()
    expect(entry.status == logs.SUCCESS, "Test Connection succeeds", expected=logs.SUCCESS,
           actual=entry.line(), requirement="entra/test-connection/random-guid")


@pytest.mark.requirement("entra/test-connection/invalid-credentials")
def test_connection_with_a_bad_token_fails_as_invalid_credentials(sync):
    entry = sync().run.test_connection(token="scimcert-not-the-token")
    expect(entry.code == INVALID, "Test Connection with a bad token reads as invalid "
           "credentials", expected=INVALID, actual=entry.line(),
           requirement="entra/test-connection/invalid-credentials")


@pytest.mark.requirement("entra/provisioning/on-demand")
def test_provision_on_demand_creates_the_one_user(scim, sync):
    run = sync()
    entries = run.on_demand("alex")
    done = [(e.action, e.status) for e in entries]
    expect(done == [(logs.CREATE, logs.SUCCESS)], "provision on demand creates the user",
           expected=[(logs.CREATE, logs.SUCCESS)], actual=[e.line() for e in entries],
           requirement="entra/provisioning/on-demand")
    expect_mapped(scim, run, "alex", "entra/provisioning/on-demand")
    others = found_by_username(scim, run.mail("blake"))
    expect(others == [], "no other user is provisioned", expected=[], actual=others,
           requirement="entra/provisioning/on-demand")


@pytest.mark.requirement("entra/provisioning/on-demand-group")
def test_provision_on_demand_of_a_group_adds_the_chosen_members(scim, sync, group_type):
    if group_type is None:
        not_applicable("the target serves no Group resource type")
    run = sync()
    first = run.on_demand_group("team", ["alex"])
    second = run.on_demand_group("team", ["blake"])
    expect_no_failure(run, "entra/provisioning/on-demand-group")
    created = [e.action for e in first if e.object == "Group"]
    expect(created[:1] == [logs.CREATE], "the first run creates the group",
           expected=logs.CREATE, actual=[e.line() for e in first],
           requirement="entra/provisioning/on-demand-group")
    wanted = sorted([run.target("alex"), run.target("blake")])
    got = members(scim, run, "team", "entra/provisioning/on-demand-group")
    expect(got == wanted, "the group holds the members of both runs", expected=wanted,
           actual={"members": got, "second run": [e.line() for e in second]},
           requirement="entra/provisioning/on-demand-group")
    others = found_by_username(scim, run.mail("casey"))
    expect(others == [], "no user outside the chosen members is provisioned", expected=[],
           actual=others, requirement="entra/provisioning/on-demand-group")


@pytest.mark.requirement("entra/provisioning/initial-cycle")
def test_initial_cycle_creates_the_users_in_scope(scim, sync):
    run = sync()
    run.cycles(1)
    expect_no_failure(run, "entra/provisioning/initial-cycle")
    for source in IN_SCOPE:
        expect_mapped(scim, run, source, "entra/provisioning/initial-cycle")
    for source in NOT_CREATED:
        found = found_by_username(scim, run.mail(source))
        expect(found == [], f"{source} (disabled or unassigned) is not created", expected=[],
               actual=found, requirement="entra/provisioning/initial-cycle")


@pytest.mark.requirement("entra/provisioning/incremental-cycle")
def test_incremental_cycle_sends_only_the_changes(scim, sync):
    run = sync()
    run.cycles(2)
    expect_no_failure(run, "entra/provisioning/incremental-cycle")
    sent = sorted((e.source, e.action, e.changed) for e in run.log.of(cycle=2, object="User")
                  if e.status == logs.SUCCESS)
    wanted = sorted([("alex", logs.UPDATE, ("displayName",)),
                     ("casey", logs.DISABLE, ("active",)), ("drew", logs.DISABLE, ("active",)),
                     ("eli", logs.DISABLE, ("active",))])
    expect(sent == wanted, "cycle 2 sends the mapped changes and nothing else",
           expected=wanted, actual=sent, requirement="entra/provisioning/incremental-cycle")
    alex = read_user(scim, run, "alex", "entra/provisioning/incremental-cycle")
    expect(alex.get("displayName") == "Alex Rivera-Stone", "the changed displayName is stored",
           expected="Alex Rivera-Stone", actual=alex.get("displayName"),
           requirement="entra/provisioning/incremental-cycle")


@pytest.mark.requirement("entra/provisioning/deactivate")
def test_disabled_unassigned_and_deleted_users_become_inactive(scim, sync):
    run = sync()
    run.cycles(2)
    for source in ("casey", "drew", "eli"):
        body = read_user(scim, run, source, "entra/provisioning/deactivate")
        expect(body.get("active") is False, f"{source} is inactive after cycle 2",
               expected=False, actual=body.get("active"),
               requirement="entra/provisioning/deactivate")
    alex = read_user(scim, run, "alex", "entra/provisioning/deactivate")
    expect(alex.get("active") is True, "a user still in scope stays active", expected=True,
           actual=alex.get("active"), requirement="entra/provisioning/deactivate")


@pytest.mark.requirement("entra/users/reactivate")
def test_a_user_enabled_again_becomes_active(scim, sync):
    run = sync()
    run.cycles(3)
    casey = read_user(scim, run, "casey", "entra/users/reactivate")
    expect(casey.get("active") is True, "casey is active again after cycle 3", expected=True,
           actual=casey.get("active"), requirement="entra/users/reactivate")


@pytest.mark.requirement("entra/provisioning/group-sync")
def test_groups_are_created_renamed_and_hold_their_members(scim, sync, group_type):
    if group_type is None:
        not_applicable("the target serves no Group resource type")
    run = sync()
    run.cycles(2)
    expect_no_failure(run, "entra/provisioning/group-sync")
    wanted = {"team": sorted([run.target("blake")]),
              "ops": sorted([run.target("alex"), run.target("casey")])}
    got = {g: members(scim, run, g, "entra/provisioning/group-sync") for g in wanted}
    expect(got == wanted, "each group holds the members Entra sent", expected=wanted,
           actual=got, requirement="entra/provisioning/group-sync")
    name = scim.get(f"/Groups/{run.target('ops')}").json().get("displayName")
    expect(name == f"{run.prefix}Operations", "the renamed group has its new name",
           expected=f"{run.prefix}Operations", actual=name,
           requirement="entra/provisioning/group-sync")


@pytest.mark.requirement("1password/provisioning/link-existing")
def test_an_existing_user_with_the_same_email_is_linked(scim, sync, make):
    run = sync()
    # The person signed up before provisioning, typing their address in another case.
    typed = run.mail("alex").capitalize()
    # The factory's user (what the target declares, its required attributes included) with the
    # address as userName and e-mail: a bridge may legally refuse or require other attributes.
    existing = make.user(userName=typed, emails=[{"value": typed, "primary": True}])
    run.on_demand("alex")
    expect(run.target("alex") == existing["id"], "alex is linked to the existing user",
           expected=existing["id"], actual=run.target("alex"),
           requirement="1password/provisioning/link-existing")
    found = [u.get("id") for u in found_by_username(scim, run.mail("alex"))]
    expect(found == [existing["id"]], "one user has alex's email", expected=[existing["id"]],
           actual=found, requirement="1password/provisioning/link-existing")


@pytest.mark.requirement("1password/provisioning/managed-groups")
def test_an_existing_group_with_the_same_name_is_linked(scim, sync, make, group_type):
    if group_type is None:
        not_applicable("the target serves no Group resource type")
    run = sync()
    existing = make.post("Group", {"schemas": [GROUP_URN], "displayName": f"{run.prefix}Team"})
    run.cycles(1)
    expect(run.target("team") == existing["id"], "Team is linked to the existing group",
           expected=existing["id"], actual=run.target("team"),
           requirement="1password/provisioning/managed-groups")
    resp = scim.get("/Groups", params={"filter": f'displayName eq "{run.prefix}Team"'})
    found = [g.get("id") for g in resp.json().get("Resources") or []]
    expect(found == [existing["id"]], "one group has the name", expected=[existing["id"]],
           actual=found, resp=resp, requirement="1password/provisioning/managed-groups")
    # Linked, the group gets the mapped values it lacks (externalId ← objectId) — judged only
    # where the target keeps a group's externalId on create (RFC 7643 §3.1: MAY include one).
    expect_no_failure(run, "1password/provisioning/managed-groups")
    if group_external_id(scim, run, "ops") == "ops":
        held = group_external_id(scim, run, "team")
        expect(held == "team", "the linked group holds the externalId Entra sent, as the "
               "group the cycle created does", expected="team", actual=held,
               requirement="1password/provisioning/managed-groups")


@pytest.mark.requirement("1password/provisioning/switched-off")
def test_provisioning_switched_off_is_a_clear_failure_in_the_log(scim, sync,
                                                                switch_provisioning):
    # Not diagnosed: a cycle that should never have started is the finding, whatever it sends.
    run = sync(client=switch_provisioning.client, sleep=lambda seconds: None, diagnose=False)
    switch_provisioning(False)
    try:
        cycle, = run.run.run(1)
    finally:
        switch_provisioning(True)
    stopped = cycle.stopped
    expect(stopped is not None and stopped.status == logs.FAILURE,
           "the cycle stops at a failed Test Connection", expected=logs.FAILURE,
           actual=stopped.line() if stopped else [e.line() for e in run.log.entries],
           requirement="1password/provisioning/switched-off")
    expect(bool(stopped.detail), "the failure carries the bridge's own words",
           expected="the refusal's detail", actual=stopped.line(),
           requirement="1password/provisioning/switched-off")
    found = found_by_username(scim, run.mail("alex"))
    expect(found == [], "nothing is provisioned", expected=[], actual=found,
           requirement="1password/provisioning/switched-off")
