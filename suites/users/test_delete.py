"""Deleting users (RFC 7644 §3.6)."""

from __future__ import annotations

import pytest

from scimcert.harness.checks import expect, expect_list, expect_status, precondition
from scimcert.scim.urns import PATCH_OP_URN, USER_URN

DELETED = "rfc7644/3.6/delete-204"

AFTER_DELETE = {
    "GET": {},
    "PUT": {"json": {"schemas": [USER_URN], "userName": "x"}},
    "PATCH": {"json": {"schemas": [PATCH_OP_URN],
                       "Operations": [{"op": "replace", "path": "nickName", "value": "x"}]}},
    "DELETE": {},
}


@pytest.fixture
def deleted(scim, make):
    """A user made and then deleted; returns the user as created. The delete is a
    precondition; its status is graded by delete-204."""
    user = make.user()
    with precondition(DELETED):
        expect_status(scim.delete(f"/Users/{user['id']}"), 200, 204)
    return user


@pytest.mark.writes
@pytest.mark.requirement("rfc7644/3.6/delete-204")
def test_delete_answers_204(scim, make):
    expect_status(scim.delete(f"/Users/{make.user()['id']}"), 204)


@pytest.mark.writes
@pytest.mark.requirement("rfc7644/3.6/deleted-404")
@pytest.mark.parametrize("method", [
    pytest.param(method, id=method,
                 marks=[pytest.mark.feature("patch")] if method == "PATCH" else [])
    for method in AFTER_DELETE])
def test_deleted_user_answers_404(scim, deleted, method):
    expect_status(scim.request(method, f"/Users/{deleted['id']}", **AFTER_DELETE[method]), 404)


@pytest.mark.writes
@pytest.mark.feature("filter")
@pytest.mark.requirement("rfc7644/3.6/deleted-not-listed")
def test_deleted_user_is_not_listed(scim, deleted):
    query = {"filter": f'userName eq "{deleted["userName"]}"'}
    found = expect_list(scim.get("/Users", params=query))
    expect(found["totalResults"] == 0, "a deleted user is omitted from query results",
           expected=0, actual=found["totalResults"])


@pytest.mark.writes
@pytest.mark.requirement("rfc7644/3.6/deleted-no-conflict")
def test_deleted_username_can_be_reused(make, deleted):
    expect_status(make.attempt("User", make.user_body(userName=deleted["userName"])), 201)


@pytest.mark.writes
@pytest.mark.requirement("rfc7644/3.6/deleted-leaves-groups")
def test_deleted_user_leaves_group_members(scim, make, read, group_of):
    user, other = make.user(), make.user()
    group = group_of([user["id"], other["id"]])
    with precondition(DELETED):
        expect_status(scim.delete(f"/Users/{user['id']}"), 200, 204)
    members = {m.get("value") for m in read(f"/Groups/{group['id']}").get("members") or []}
    expect(members == {other["id"]}, "only the remaining user is a member",
           expected=[other["id"]], actual=sorted(members, key=str))
