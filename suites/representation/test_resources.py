"""User and Group answers are valid resources whichever operation returns them: create, read,
list, replace (PUT) and patch (RFC 7643 §3, §3.1, §4.1, §4.2, §4.3)."""

from __future__ import annotations

from typing import Any

import pytest

from scimcert.harness.bodies import without_nulls
from scimcert.harness.checks import body_of, expect_list, expect_schema, expect_status
from scimcert.harness.messages import ENTERPRISE_URN, patch_op

USER = "rfc7643/4.1/user-representation"
GROUP = "rfc7643/4.2/group-representation"
ENTERPRISE = "rfc7643/4.3/enterprise-representation"
ATTRIBUTES_200 = "rfc7644/3.5.2/attributes-answer-200"


def valid(resp, kind: str) -> None:
    """The answer's body is a valid `kind`; null members count as unassigned (RFC 7643 §2.5)."""
    expect_schema(without_nulls(body_of(resp)), kind, resp=resp)


def every_attribute(registry, rtype: str) -> str:
    """An `attributes` parameter naming every attribute the target declares for `rtype`, so a
    PATCH must answer 200 with the whole resource (RFC 7644 §3.5.2)."""
    found = registry.resource_type(rtype)
    names = []
    for urn in found.schema_urns:
        schema = registry.schema(urn)
        prefix = "" if urn == found.schema else f"{urn}:"
        names += [f"{prefix}{a.name}" for a in (schema.attributes if schema else ())]
    return ",".join(["id", "externalId", "meta", *names])


def listed(scim, endpoint: str, name: str, value: str, supports) -> Any:
    """The listing of `endpoint` holding the resource whose `name` is `value` (by filter when
    the target advertises filtering, else the first page)."""
    params = {"filter": f'{name} eq "{value}"'} if supports("filter") else {"count": "20"}
    return scim.get(endpoint, params=params)


@pytest.fixture
def user(make) -> dict[str, Any]:
    return make.user()


@pytest.fixture
def group(make) -> dict[str, Any]:
    member = make.user()
    return make.group(members=[member["id"]])


@pytest.mark.writes
@pytest.mark.requirement(USER)
def test_created_user_is_a_valid_user(scim, cleanup, make):
    resp = scim.post("/Users", json=make.user_body())
    expect_status(resp, 201)
    cleanup.register("/Users", body_of(resp)["id"])
    valid(resp, "User")


@pytest.mark.writes
@pytest.mark.requirement(USER)
def test_read_user_is_a_valid_user(scim, user):
    resp = scim.get(f"/Users/{user['id']}")
    expect_status(resp, 200)
    valid(resp, "User")


@pytest.mark.writes
@pytest.mark.requirement(USER)
def test_listed_users_are_valid_users(scim, user, supports):
    body = expect_list(listed(scim, "/Users", "userName", user["userName"], supports))
    for resource in body.get("Resources", []):
        expect_schema(without_nulls(resource), "User")


@pytest.mark.writes
@pytest.mark.requirement(USER)
def test_replaced_user_is_a_valid_user(scim, make, user):
    sent = make.user_body(userName=user["userName"], displayName="Replaced")
    resp = scim.put(f"/Users/{user['id']}", json=sent)
    expect_status(resp, 200)
    valid(resp, "User")


@pytest.mark.writes
@pytest.mark.feature("patch")
@pytest.mark.requirement(USER)
def test_patched_user_is_a_valid_user(scim, user, registry):
    op = {"op": "replace", "path": "displayName", "value": "Patched"}
    resp = scim.patch(f"/Users/{user['id']}", json=patch_op(op),
                      params={"attributes": every_attribute(registry, "User")})
    expect_status(resp, 200, requirement=ATTRIBUTES_200)
    valid(resp, "User")


@pytest.mark.writes
@pytest.mark.requirement(GROUP)
def test_created_group_is_a_valid_group(scim, cleanup, make):
    member = make.user()
    resp = scim.post("/Groups", json=make.group_body(members=[member["id"]]))
    expect_status(resp, 201)
    cleanup.register("/Groups", body_of(resp)["id"])
    valid(resp, "Group")


@pytest.mark.writes
@pytest.mark.requirement(GROUP)
def test_read_group_is_a_valid_group(scim, group):
    resp = scim.get(f"/Groups/{group['id']}")
    expect_status(resp, 200)
    valid(resp, "Group")


@pytest.mark.writes
@pytest.mark.requirement(GROUP)
def test_listed_groups_are_valid_groups(scim, group, supports):
    body = expect_list(listed(scim, "/Groups", "displayName", group["displayName"], supports))
    for resource in body.get("Resources", []):
        expect_schema(without_nulls(resource), "Group")


@pytest.mark.writes
@pytest.mark.requirement(GROUP)
def test_replaced_group_is_a_valid_group(scim, make, group):
    members = [m["value"] for m in group.get("members", [])]
    sent = make.group_body(members=members, displayName=group["displayName"])
    resp = scim.put(f"/Groups/{group['id']}", json=sent)
    expect_status(resp, 200)
    valid(resp, "Group")


@pytest.mark.writes
@pytest.mark.feature("patch")
@pytest.mark.requirement(GROUP)
def test_patched_group_is_a_valid_group(scim, make, group, registry):
    other = make.user()
    op = {"op": "add", "path": "members", "value": [{"value": other["id"]}]}
    resp = scim.patch(f"/Groups/{group['id']}", json=patch_op(op),
                      params={"attributes": every_attribute(registry, "Group")})
    expect_status(resp, 200, requirement=ATTRIBUTES_200)
    valid(resp, "Group")


@pytest.fixture
def enterprise_user(make, needs_enterprise) -> dict[str, Any]:
    """A user body carrying the enterprise extension with a manager; not applicable when the
    target does not declare the extension."""
    manager = make.user()
    extension = {"employeeNumber": "701984", "department": "Tour Operations",
                 "manager": {"value": manager["id"]}}
    body = make.user_body(**{ENTERPRISE_URN: extension})
    body["schemas"] = [*body["schemas"], ENTERPRISE_URN]
    needs_enterprise(body)
    return body


@pytest.mark.writes
@pytest.mark.requirement(ENTERPRISE)
def test_created_enterprise_user_is_valid(scim, cleanup, enterprise_user):
    resp = scim.post("/Users", json=enterprise_user)
    expect_status(resp, 201)
    cleanup.register("/Users", body_of(resp)["id"])
    valid(resp, "EnterpriseUser")


@pytest.mark.writes
@pytest.mark.requirement(ENTERPRISE)
def test_read_enterprise_user_is_valid(scim, make, enterprise_user):
    created = make.user(**enterprise_user)
    resp = scim.get(f"/Users/{created['id']}")
    expect_status(resp, 200)
    valid(resp, "EnterpriseUser")
