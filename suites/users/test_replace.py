"""Replacing users with PUT (RFC 7644 §3.5.1)."""

from __future__ import annotations

from typing import Any

import pytest

from scimcert.harness.checks import (
    body_of,
    expect,
    expect_equal,
    expect_error,
    expect_status,
    precondition,
)
from scimcert.harness.outcome import not_applicable

ROUND_TRIP = "rfc7643/7/read-write-round-trip"


def editable(resource: dict[str, Any]) -> dict[str, Any]:
    """The resource without its server-assigned meta, ready to PUT back."""
    return {key: value for key, value in resource.items() if key != "meta"}


@pytest.mark.writes
@pytest.mark.requirement("rfc7644/3.5.1/put-replaces")
def test_put_replaces_attribute_values(scim, make, read, registry, user_type):
    changes = {path: value for path, value in (("displayName", "Put Replaced"),
                                               ("name.givenName", "Replaced"))
               if user_type is not None and registry.attribute(user_type, path) is not None}
    if not changes:
        not_applicable("the target's User schema declares neither displayName nor "
                       "name.givenName")
    user = make.user()
    body = editable(read(f"/Users/{user['id']}"))
    for path, value in changes.items():
        top, _, sub = path.partition(".")
        body[top] = {**(body.get(top) or {}), sub: value} if sub else value
    # RFC 7644 §3.5.1 "returns a 200 OK" carries no keyword and RFC 7231 §4.3.4 allows 204;
    # the GET below decides.
    expect_status(scim.put(f"/Users/{user['id']}", json=body), 200, 204)
    after = read(f"/Users/{user['id']}")
    for path, value in changes.items():
        top, _, sub = path.partition(".")
        got = (after.get(top) or {}).get(sub) if sub else after.get(top)
        # Both are caseExact false: RFC 7643 §7 lets the server alter their case.
        expect(isinstance(got, str) and got.casefold() == value.casefold(), f"{path} after PUT",
               expected=value, actual=got)


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
    # The read is the check itself: a PUT that moved the user leaves nothing at its id.
    after = scim.get(f"/Users/{user['id']}")
    expect_status(after, 200)
    expect_equal(body_of(after).get("id"), user["id"], "id after PUT")


@pytest.mark.writes
@pytest.mark.requirement("rfc7644/3.5.1/put-omitted-cleared")
def test_put_clears_omitted_attribute(scim, make, read):
    user = make.user(nickName="Omitted")
    body = editable(read(f"/Users/{user['id']}"))
    # Only a value the server kept can be cleared: keeping it is the round trip's own finding.
    with precondition(ROUND_TRIP):
        expect(str(body.get("nickName")).casefold() == "omitted",
               "nickName set on create reads back",
               expected="Omitted", actual=body.get("nickName"))
    del body["nickName"]
    expect_status(scim.put(f"/Users/{user['id']}", json=body), 200, 204)
    after = read(f"/Users/{user['id']}")
    # null is the unassigned state (RFC 7643 §2.5).
    expect(after.get("nickName") is None, "nickName omitted from PUT is cleared",
           expected="absent or null", actual=after.get("nickName"))
