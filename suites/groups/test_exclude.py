"""excludedAttributes=members on groups (RFC 7644 §3.4.2.5; Entra ID relies on it)."""

from __future__ import annotations

from typing import Any

import pytest

from scimcert.harness.checks import body_of, expect, expect_equal, expect_list, expect_status
from scimcert.harness.outcome import not_applicable

RFC = "rfc7644/3.4.2.5/excluded-attributes"
ENTRA = "entra/groups/excluded-members"
EXCLUDED = {"excludedAttributes": "members"}

pytestmark = pytest.mark.writes
BY_RULE = [pytest.param(RFC, id="rfc", marks=pytest.mark.requirement(RFC)),
           pytest.param(ENTRA, id="entra", marks=pytest.mark.requirement(ENTRA))]


def expect_members_left_out(group: dict[str, Any], rule: str) -> None:
    """RFC 7643 §2.5 makes null and [] the unassigned state, so the RFC accepts them; Entra's
    documented answer has no members key at all (#get-group)."""
    members = group.get("members")
    if rule == RFC:
        expect(members in (None, []), "members is left out", expected="absent, null or []",
               actual=members)
    else:
        expect("members" not in group, "the group has no members key",
               expected="no members key", actual=members)


@pytest.mark.parametrize("rule", BY_RULE)
def test_get_group_excluding_members_omits_members(scim, make, group_of, rule):
    group = group_of([make.user()["id"]])
    resp = scim.get(f"/Groups/{group['id']}", params=EXCLUDED)
    expect_status(resp, 200)
    body = body_of(resp)
    expect_members_left_out(body, rule)
    expect_equal(body.get("id"), group["id"], "id")
    expect(str(body.get("displayName")).casefold() == group["displayName"].casefold(),
           "displayName is kept", expected=group["displayName"], actual=body.get("displayName"))


@pytest.mark.parametrize("rule", BY_RULE)
def test_filter_groups_excluding_members_omits_members(scim, make, group_of, discovery, rule):
    # Entra looks groups up by displayName eq whatever ServiceProviderConfig says
    # (#get-group-by-displayname); the RFC asks it only of a provider offering filter (RFC 7643
    # §5), so the RFC reading alone depends on the advertisement.
    if rule == RFC and not discovery.supports("filter"):
        not_applicable(discovery.why_not("filter"))
    group = group_of([make.user()["id"]])
    found = expect_list(scim.get("/Groups", params={
        **EXCLUDED, "filter": f'displayName eq "{group["displayName"]}"'}))
    ids = [r.get("id") for r in found.get("Resources") or []]
    expect(ids == [group["id"]], "the filter finds exactly the group", expected=[group["id"]],
           actual=ids)
    expect_members_left_out(found["Resources"][0], rule)
