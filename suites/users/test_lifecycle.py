"""Deactivating and reactivating users: soft delete as Entra ID and Okta use it, by PATCH and
by PUT."""

from __future__ import annotations

import pytest

from scimcert.harness.checks import expect, expect_equal, expect_list, expect_status
from scimcert.harness.outcome import not_applicable


@pytest.fixture(autouse=True)
def active_declared(registry, user_type) -> None:
    """Every test here reads and writes active, which a provider need not offer (RFC 7643 §7)."""
    if user_type is None or registry.attribute(user_type, "active") is None:
        not_applicable("the target's User schema does not declare active")


def deactivate(send_patch, user_id: str) -> None:
    send_patch(f"/Users/{user_id}", [{"op": "replace", "path": "active", "value": False}])


@pytest.mark.writes
@pytest.mark.requirement("rfc7643/2.3.2/boolean-literal")
def test_active_is_a_json_boolean(make, read):
    active = read(f"/Users/{make.user()['id']}").get("active")
    expect(active is True, "active is the JSON literal true", expected=True, actual=active)


@pytest.mark.writes
@pytest.mark.feature("patch")
@pytest.mark.requirement("entra/users/soft-delete-readable")
def test_deactivated_user_is_readable_by_id(make, read, send_patch):
    user = make.user()
    deactivate(send_patch, user["id"])
    active = read(f"/Users/{user['id']}").get("active")
    expect(active is False, "a deactivated user reads back with active false", expected=False,
           actual=active)


# No feature("filter"): Entra looks users up by userName eq whatever ServiceProviderConfig
# says (#understand-the-azure-ad-scim-implementation).
@pytest.mark.writes
@pytest.mark.feature("patch")
@pytest.mark.requirement("entra/users/soft-delete-readable")
def test_deactivated_user_is_found_by_filter(scim, make, send_patch):
    user = make.user()
    deactivate(send_patch, user["id"])
    found = expect_list(scim.get("/Users", params={"filter": f'userName eq "{user["userName"]}"'}))
    expect_equal([r.get("id") for r in found.get("Resources", [])], [user["id"]],
                 "ids found by userName filter")
    expect(found["Resources"][0].get("active") is False, "the listed user has active false",
           expected=False, actual=found["Resources"][0].get("active"))


@pytest.mark.writes
@pytest.mark.feature("patch")
@pytest.mark.requirement("entra/users/reactivate")
def test_reactivated_user_is_active(make, read, send_patch):
    user = make.user()
    deactivate(send_patch, user["id"])
    send_patch(f"/Users/{user['id']}", [{"op": "replace", "path": "active", "value": True}])
    active = read(f"/Users/{user['id']}").get("active")
    expect(active is True, "a reactivated user has active true", expected=True, actual=active)


@pytest.mark.writes
@pytest.mark.requirement("rfc7644/3.5.1/put-replaces", "okta/users/put-deactivate")
def test_put_with_active_false_deactivates(scim, make, read):
    # Okta integrations built with the App Integration Wizard deactivate by GET then PUT of the
    # whole user with active false; RFC 7644 §3.5.1 makes the PUT replace the value.
    user = make.user()
    body = {key: value for key, value in read(f"/Users/{user['id']}").items() if key != "meta"}
    body["active"] = False
    expect_status(scim.put(f"/Users/{user['id']}", json=body), 200, 204)
    active = read(f"/Users/{user['id']}").get("active")
    expect(active is False, "a user PUT with active false reads back with active false",
           expected=False, actual=active)
