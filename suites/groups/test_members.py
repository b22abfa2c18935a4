"""Group membership: add, remove (by value list and by filter), replace, and the user's view."""

from __future__ import annotations

import pytest

from scimcert.harness.checks import expect, expect_equal, expect_status
from scimcert.harness.outcome import not_applicable

pytestmark = pytest.mark.writes


def users(make, count: int) -> list[str]:
    return [make.user()["id"] for _ in range(count)]


@pytest.mark.feature("patch")
@pytest.mark.requirement("rfc7644/3.5.2.1/add-multi-valued")
def test_add_one_member(make, member_ids, send_patch):
    group, (user,) = make.group(), users(make, 1)
    send_patch(f"/Groups/{group['id']}",
               [{"op": "add", "path": "members", "value": [{"value": user}]}])
    expect_equal(member_ids(group["id"]), {user}, "member ids")


@pytest.mark.feature("patch")
@pytest.mark.requirement("entra/groups/multiple-members-one-patch",
                         "rfc7644/3.5.2.1/add-multi-valued")
def test_add_several_members_in_one_operation(make, member_ids, send_patch):
    group, new = make.group(), users(make, 3)
    send_patch(f"/Groups/{group['id']}", [{"op": "add", "path": "members",
                              "value": [{"value": user} for user in new]}])
    expect_equal(member_ids(group["id"]), set(new), "member ids")


@pytest.mark.feature("patch")
@pytest.mark.requirement("rfc7644/3.5.2.1/add-multi-valued")
def test_add_member_keeps_existing_members(make, member_ids, send_patch, group_of):
    first, second = users(make, 2)
    group = group_of([first])
    send_patch(f"/Groups/{group['id']}",
               [{"op": "add", "path": "members", "value": [{"value": second}]}])
    expect_equal(member_ids(group["id"]), {first, second}, "member ids")


@pytest.mark.feature("patch")
@pytest.mark.requirement("entra/groups/remove-members-by-value")
def test_remove_members_by_value_list_removes_only_those(make, member_ids, send_patch, group_of):
    gone_a, gone_b, kept = users(make, 3)
    group = group_of([gone_a, gone_b, kept])
    # Entra ID's default dialect; RFC 7644 §3.5.2.2 defines no value for remove, and a
    # server reading it as "remove all members" is the defect this test is after.
    send_patch(f"/Groups/{group['id']}", [{"op": "Remove", "path": "members",
                              "value": [{"value": gone_a}, {"value": gone_b}]}])
    expect_equal(member_ids(group["id"]), {kept}, "member ids")


@pytest.mark.feature("patch")
@pytest.mark.requirement("rfc7644/3.5.2.2/remove-value-filter")
def test_remove_member_by_filter_path(make, member_ids, send_patch, group_of):
    gone, kept = users(make, 2)
    group = group_of([gone, kept])
    send_patch(f"/Groups/{group['id']}", [{"op": "remove", "path": f'members[value eq "{gone}"]'}])
    expect_equal(member_ids(group["id"]), {kept}, "member ids")


@pytest.mark.feature("patch")
@pytest.mark.requirement("rfc7644/3.5.2.3/replace-multi-valued")
def test_replace_members(make, member_ids, send_patch, group_of):
    old_a, old_b, new = users(make, 3)
    group = group_of([old_a, old_b])
    send_patch(f"/Groups/{group['id']}",
               [{"op": "replace", "path": "members", "value": [{"value": new}]}])
    expect_equal(member_ids(group["id"]), {new}, "member ids")


@pytest.mark.requirement("rfc7643/4.1.2/groups-reflect-membership")
def test_user_groups_attribute_lists_group(make, read, registry, user_type, group_of):
    if user_type is None or registry.attribute(user_type, "groups") is None:
        not_applicable("the target's User schema does not declare groups")
    (user,) = users(make, 1)
    group = group_of([user])
    listed = {g.get("value") for g in read(f"/Users/{user}").get("groups") or []
              if isinstance(g, dict)}
    expect(group["id"] in listed, "the user's groups attribute names its group",
           expected=group["id"], actual=sorted(listed, key=str))


@pytest.mark.requirement("rfc7644/3.3/read-only-create-ignored")
def test_user_groups_attribute_is_read_only(make, member_ids, created_id):
    group = make.group()
    # RFC 7643 §4.1.2: groups is readOnly; membership changes go through the Group resource,
    # and RFC 7644 §3.3 has a create ignore readOnly values ("SHALL be ignored").
    resp = make.attempt("User", make.user_body(groups=[{"value": group["id"]}]))
    expect_status(resp, 201)
    user = created_id(resp)
    expect(user not in member_ids(group["id"]), "a user's groups value adds no membership",
           expected="group without the user", actual="user listed as member")
