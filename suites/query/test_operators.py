"""Which filter operators the target supports (RFC 7644 §3.4.2.2 Tables 3 and 4), reported once
per operator: RFC 7643 §5 has no per-operator flag, and §3.12 lets a provider refuse an
"attribute and filter comparison combination" it does not support with 400 invalidFilter."""

import pytest

from scimcert.harness.checks import expect_error, expect_list

pytestmark = [pytest.mark.feature("filter"),
              pytest.mark.requirement("rfc7644/3.4.2.2/unsupported-operator")]


def test_operator_is_answered_or_refused_with_invalid_filter(operator, scim, target):
    text = operator["filter"].replace("{run}", target.run_id).replace(
        "{domain}", target.email_domain)
    resp = scim.get("/Users", params={"filter": text, "count": 1})
    if resp.status_code == 200:
        # Supported: what it selects is graded by the truth table (test_filter.py).
        expect_list(resp)
        return
    # RFC 7644 §3.12: scimType is OPTIONAL, so a 400 without one refuses the operator too.
    expect_error(resp, 400, "invalidFilter", absent_type_ok=True)
