"""Error and BulkResponse answers are valid SCIM messages (RFC 7644 §3.12, §3.7).

Which status an error carries is graded in the errors and uniqueness suites; here only the body
of an error answer is judged, so a target that does not refuse is skipped, not failed.
"""

from __future__ import annotations

import pytest

from scimcert.harness.checks import body_of, expect_schema, expect_status
from scimcert.harness.outcome import blocked
from scimcert.scim.urns import BULK_REQUEST_URN

ERROR = "rfc7644/3.12/error-representation"
BULK = "rfc7644/3.7/bulk-response-representation"
UNKNOWN_ID = "2819c223-7f76-453a-919d-413861904646"


def valid_error(resp, graded_by: str) -> None:
    """The error body is a valid Error; an answer that is no error leaves nothing to judge, and
    is graded by the requirement on its status."""
    if resp.status_code < 400:
        blocked(graded_by, f"the target answered {resp.status_code}: no error body to judge")
    expect_schema(body_of(resp), "Error", resp=resp)


@pytest.mark.requirement(ERROR)
def test_not_found_answer_is_a_valid_error(scim):
    valid_error(scim.get(f"/Users/{UNKNOWN_ID}"), "rfc7644/3.12/not-found-404")


@pytest.mark.writes
@pytest.mark.requirement(ERROR)
def test_malformed_json_answer_is_a_valid_error(scim, cleanup):
    resp = scim.post("/Users", content=b'{"userName": ',
                     headers={"Content-Type": "application/scim+json"})
    if resp.is_success and isinstance(body_of(resp), dict) and "id" in body_of(resp):
        cleanup.register("/Users", body_of(resp)["id"])
    valid_error(resp, "rfc7644/3.12/invalid-syntax")


@pytest.mark.writes
@pytest.mark.requirement(ERROR)
def test_conflict_answer_is_a_valid_error(scim, cleanup, make):
    user = make.user()
    resp = scim.post("/Users", json=make.user_body(userName=user["userName"]))
    if resp.is_success and isinstance(body_of(resp), dict) and "id" in body_of(resp):
        cleanup.register("/Users", body_of(resp)["id"])
    valid_error(resp, "rfc7644/3.3/duplicate-409")


@pytest.mark.writes
@pytest.mark.feature("bulk")
@pytest.mark.requirement(BULK)
def test_bulk_answer_is_a_valid_bulk_response(scim, cleanup, make):
    operation = {"method": "POST", "path": "/Users", "bulkId": "rep1", "data": make.user_body()}
    resp = scim.post("/Bulk", json={"schemas": [BULK_REQUEST_URN], "Operations": [operation]})
    expect_status(resp, 200)
    body = body_of(resp)
    for result in body.get("Operations", []) if isinstance(body, dict) else []:
        location = result.get("location") if isinstance(result, dict) else None
        if isinstance(location, str) and location:
            cleanup.register("/Users", location.rstrip("/").rsplit("/", 1)[-1])
    expect_schema(body, "BulkResponse", resp=resp)
