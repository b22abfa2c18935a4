"""A bulk request above the advertised maxPayloadSize gets 413 (RFC 7644 §3.7.4)."""

from __future__ import annotations

import json

import pytest

from scimcert.harness.checks import expect_error
from scimcert.harness.outcome import not_applicable
from scimcert.scim.urns import BULK_REQUEST_URN

# Bodies larger than this are not sent: the check would cost more than it tells.
LARGEST_PROBE = 8 * 1024 * 1024


@pytest.mark.writes
@pytest.mark.feature("bulk")
@pytest.mark.requirement("rfc7644/3.7.4/oversized-bulk-413")
def test_oversized_bulk_answers_413(scim, spc, target):
    limit = spc["bulk"].get("maxPayloadSize")
    if not isinstance(limit, int) or limit >= LARGEST_PROBE:
        not_applicable(f"maxPayloadSize {limit!r} is not a size this suite sends")
    # A DELETE of an id that does not exist: a server that ignores the limit changes nothing.
    request = {"schemas": [BULK_REQUEST_URN], "Operations": [{
        "method": "DELETE", "path": f"/Users/{target.run_id}missing", "bulkId": "oversized",
        "data": {"padding": "x" * (limit + 1)}}]}
    resp = scim.post("/Bulk", content=json.dumps(request).encode(),
                     headers={"Content-Type": "application/scim+json"})
    expect_error(resp, 413)
