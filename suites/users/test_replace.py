"""Replacing users with PUT (RFC 7644 §3.5.1)."""

from __future__ import annotations

from typing import Any

import pytest

from scimcert.harness.checks import expect, expect_equal, expect_status


def editable(resource: dict[str, Any]) -> dict[str, Any]:
    """The resource without its server-assigned meta, ready to PUT back."""
    return {key: value for key, value in resource.items() if key != "meta"}


@pytest.mark.writes
@pytest.mark.requirement("rfc7644/3.5.1/put-replaces")
def test_put_replaces_attribute_values(scim, make, read):
    user = make.user()
    body = editable(read(f"/Users/{user['id']}"))
    body["displayName"] = "Put Replaced"
    body["name"] = {**body.get("name", {}), "givenName": "Replaced"}
    expect_status(scim.put(f"/Users/{user['id']}", json=body), 200)
    after = read(f"/Users/{user['id']}")
    expect_equal(after.get("displayName"), "Put Replaced", "displayName after PUT")
    expect_equal((after.get("name") or {}).get("givenName"), "Replaced", "name.givenName after PUT")


@pytest.mark.writes
@pytest.mark.requirement("rfc7644/3.5.1/put-readonly-ignored")
def test_put_ignores_id_in_body(scim, make, read, target):
    user = make.user()
    body = editable(read(f"/Users/{user['id']}"))
    body["id"] = f"{target.run_id}other-id"
    expect_status(scim.put(f"/Users/{user['id']}", json=body), 200)
    expect_equal(read(f"/Users/{user['id']}").get("id"), user["id"], "id after PUT")


@pytest.mark.writes
@pytest.mark.requirement("rfc7644/3.5.1/put-omitted-cleared")
def test_put_clears_omitted_attribute(scim, make, read):
    user = make.user(nickName="Omitted")
    body = editable(read(f"/Users/{user['id']}"))
    del body["nickName"]
    expect_status(scim.put(f"/Users/{user['id']}", json=body), 200)
    after = read(f"/Users/{user['id']}")
    expect("nickName" not in after, "nickName omitted from PUT is cleared", expected="absent",
           actual=after.get("nickName"))
