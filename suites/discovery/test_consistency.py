"""What ServiceProviderConfig advertises, the service does (RFC 7643 §5)."""

from __future__ import annotations

import pytest

from scimcert.harness.checks import expect, expect_list, expect_status
from scimcert.harness.messages import PATCH_OP_URN


@pytest.mark.feature("filter")
@pytest.mark.requirement("rfc7643/5/filter-advertised-works")
def test_advertised_filter_answers_query(scim, target):
    found = expect_list(scim.get("/Users", params={
        "filter": f'userName eq "{target.run_id}nobody@{target.email_domain}"'}))
    expect(found["totalResults"] == 0, "a filter matching nothing finds nothing", expected=0,
           actual=found["totalResults"])


@pytest.mark.writes
@pytest.mark.feature("patch")
@pytest.mark.requirement("rfc7643/5/patch-advertised-works")
def test_advertised_patch_is_accepted(scim, make):
    user = make.user()
    resp = scim.patch(f"/Users/{user['id']}", json={"schemas": [PATCH_OP_URN], "Operations": [
        {"op": "replace", "path": "displayName", "value": "Patched"}]})
    # RFC 7644 §3.5.2: 200 with the resource or 204 both mean success.
    expect_status(resp, 200, 204)
