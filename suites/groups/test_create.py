"""Creating and deleting groups, including the shape Entra ID sends."""

from __future__ import annotations

import pytest

from scimcert.harness.checks import body_of, expect, expect_status
from scimcert.harness.messages import GROUP_URN

ADSCIM_URN = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"

pytestmark = pytest.mark.writes


@pytest.fixture
def post_group(scim, cleanup):
    def send(body):
        resp = scim.post("/Groups", json=body)
        created = body_of(resp) if resp.is_success else None
        if isinstance(created, dict) and isinstance(created.get("id"), str):
            cleanup.register("/Groups", created["id"])
        return resp

    return send


@pytest.mark.requirement("rfc7644/3.3/created-201")
def test_group_create_answers_201(make, post_group):
    expect_status(post_group(make.group_body()), 201)


@pytest.mark.requirement("entra/groups/adscim-schema")
def test_group_create_with_adscim_schema_succeeds(make, post_group):
    body = make.group_body(schemas=[GROUP_URN, ADSCIM_URN], meta={"resourceType": "Group"})
    expect_status(post_group(body), 201)


@pytest.mark.requirement("entra/groups/create-without-members")
def test_group_created_with_empty_members_has_no_members(make, post_group, read):
    body = make.group_body()
    body["members"] = []
    resp = post_group(body)
    expect_status(resp, 201)
    members = read(f"/Groups/{body_of(resp)['id']}").get("members")
    expect(not members, "a group created with no members has none", expected="[] or absent",
           actual=members)


@pytest.mark.requirement("rfc7644/3.6/delete-204")
def test_group_delete_answers_204(scim, make):
    expect_status(scim.delete(f"/Groups/{make.group()['id']}"), 204)


@pytest.mark.requirement("rfc7644/3.6/deleted-404")
def test_deleted_group_answers_404(scim, make):
    group = make.group()
    expect_status(scim.delete(f"/Groups/{group['id']}"), 200, 204)
    expect_status(scim.get(f"/Groups/{group['id']}"), 404)
