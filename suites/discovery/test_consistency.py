"""What ServiceProviderConfig advertises, the service does (RFC 7643 §5)."""

from __future__ import annotations

import pytest

from scimcert.harness.checks import expect, expect_list, expect_status
from scimcert.harness.messages import patch_op
from scimcert.harness.outcome import blocked


@pytest.fixture
def advertised(discovery) -> None:
    """Blocked when the target serves no ServiceProviderConfig: it advertises nothing, and the
    features the other suites assume without one are not its word."""
    if discovery.spc is None:
        blocked("rfc7644/4/service-provider-config",
                discovery.problem or "the target serves no ServiceProviderConfig")


@pytest.mark.feature("filter")
@pytest.mark.requirement("rfc7643/5/filter-advertised-works")
def test_advertised_filter_answers_query(scim, target, advertised):
    found = expect_list(scim.get("/Users", params={
        "filter": f'userName eq "{target.run_id}nobody@{target.email_domain}"'}))
    expect(found["totalResults"] == 0, "a filter matching nothing finds nothing", expected=0,
           actual=found["totalResults"])


@pytest.mark.writes
@pytest.mark.feature("patch")
@pytest.mark.requirement("rfc7643/5/patch-advertised-works")
def test_advertised_patch_is_accepted(scim, make, advertised):
    user = make.user()
    resp = scim.patch(f"/Users/{user['id']}", json=patch_op(
        {"op": "replace", "path": "displayName", "value": "Patched"}))
    # RFC 7644 §3.5.2: 200 with the resource or 204 both mean success.
    expect_status(resp, 200, 204)
