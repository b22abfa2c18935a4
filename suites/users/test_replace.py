"""Replacing users with PUT (RFC 7644 §3.5.1)."""

from __future__ import annotations

from typing import Any

import pytest

from scimcert.harness.checks import expect, expect_equal, expect_error, expect_status


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
    # RFC 7644 §3.5.1 "returns a 200 OK" carries no keyword and RFC 7231 §4.3.4 allows 204;
    # the GET below decides.
    expect_status(scim.put(f"/Users/{user['id']}", json=body), 200, 204)
    after = read(f"/Users/{user['id']}")
    expect_equal(after.get("displayName"), "Put Replaced", "displayName after PUT")
    expect_equal((after.get("name") or {}).get("givenName"), "Replaced", "name.givenName after PUT")


@pytest.mark.writes
@pytest.mark.requirement("rfc7644/3.5.1/put-readonly-ignored")
def test_put_never_changes_the_id(scim, make, read, target):
    user = make.user()
    body = editable(read(f"/Users/{user['id']}"))
    body["id"] = f"{target.run_id}other-id"
    resp = scim.put(f"/Users/{user['id']}", json=body)
    # RFC 7644 §3.5.1: readOnly values "SHALL be ignored", yet the RFC's own §3.12 example
    # refuses such a PUT with 400 mutability ("Attribute 'id' is readOnly"): both conform.
    if resp.status_code == 400:
        expect_error(resp, 400, "mutability", absent_type_ok=True)
    else:
        expect_status(resp, 200, 204)
    expect_equal(read(f"/Users/{user['id']}").get("id"), user["id"], "id after PUT")


@pytest.mark.writes
@pytest.mark.requirement("rfc7644/3.5.1/put-omitted-cleared")
def test_put_clears_omitted_attribute(scim, make, read):
    user = make.user(nickName="Omitted")
    body = editable(read(f"/Users/{user['id']}"))
    del body["nickName"]
    expect_status(scim.put(f"/Users/{user['id']}", json=body), 200, 204)
    after = read(f"/Users/{user['id']}")
    expect("nickName" not in after, "nickName omitted from PUT is cleared", expected="absent",
           actual=after.get("nickName"))
