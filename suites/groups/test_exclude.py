"""excludedAttributes=members on groups (RFC 7644 §3.4.2.5; Entra ID relies on it)."""

from __future__ import annotations

import pytest

from scimcert.harness.checks import body_of, expect, expect_equal, expect_list, expect_status

pytestmark = [pytest.mark.writes,
              pytest.mark.requirement("rfc7644/3.4.2.5/excluded-attributes",
                                      "entra/groups/excluded-members")]


def test_get_group_excluding_members_omits_members(scim, make):
    group = make.group(members=[make.user()["id"]])
    resp = scim.get(f"/Groups/{group['id']}", params={"excludedAttributes": "members"})
    expect_status(resp, 200)
    body = body_of(resp)
    expect("members" not in body, "members is left out", expected="no members key",
           actual=body.get("members"))
    expect_equal(body.get("id"), group["id"], "id")
    expect_equal(body.get("displayName"), group["displayName"], "displayName")


@pytest.mark.feature("filter")
def test_filter_groups_excluding_members_omits_members(scim, make):
    group = make.group(members=[make.user()["id"]])
    found = expect_list(scim.get("/Groups", params={
        "excludedAttributes": "members", "filter": f'displayName eq "{group["displayName"]}"'}))
    expect_equal([r.get("id") for r in found.get("Resources", [])], [group["id"]], "ids found")
    expect("members" not in found["Resources"][0], "members is left out of the listed group",
           expected="no members key", actual=found["Resources"][0].get("members"))
