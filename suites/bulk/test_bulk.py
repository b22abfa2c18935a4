"""Bulk operations (RFC 7644 §3.7), when ServiceProviderConfig advertises bulk."""

import json

import pytest

from scimcert.harness.checks import (
    body_of,
    expect,
    expect_equal,
    expect_error,
    expect_schema,
    expect_status,
)
from scimcert.harness.outcome import not_applicable
from scimcert.scim.urns import BULK_REQUEST_URN, USER_URN

pytestmark = [pytest.mark.feature("bulk"), pytest.mark.writes]



def status_code(result: dict) -> int | None:
    """The HTTP code of one operation result.

    RFC 7644 shows both `"status": "201"` (§3.7.3) and `"status": {"code": "201"}` (§3.7.2);
    either is accepted.
    """
    status = result.get("status")
    if isinstance(status, dict):
        status = status.get("code")
    try:
        return int(status)
    except (TypeError, ValueError):
        return None


def id_of(result: dict) -> str:
    return str(result.get("location", "")).rstrip("/").rsplit("/", 1)[-1]


def post_user(make, bulk_id: str) -> dict:
    return {"method": "POST", "path": "/Users", "bulkId": bulk_id, "data": make.user_body()}


def invalid_user(bulk_id: str) -> dict:
    # RFC 7643 §4.1.1: userName is required, so this create fails.
    return {"method": "POST", "path": "/Users", "bulkId": bulk_id,
            "data": {"schemas": [USER_URN], "displayName": "no userName"}}


@pytest.fixture
def bulk(scim, cleanup):
    """POST /Bulk with `operations`; created resources are registered for cleanup."""

    def run(operations: list[dict], **extra) -> tuple:
        request = {"schemas": [BULK_REQUEST_URN], "Operations": operations, **extra}
        resp = scim.post("/Bulk", json=request)
        body = body_of(resp) if resp.is_success else {}
        sent = {op.get("bulkId"): op["path"] for op in operations if op["method"] == "POST"}
        for result in body.get("Operations", []) if isinstance(body, dict) else ():
            if status_code(result) == 201 and result.get("location"):
                cleanup.register(sent.get(result.get("bulkId"), "/Users"), id_of(result))
        return resp, body

    return run


@pytest.mark.requirement("rfc7644/3.7/bulk-200")
def test_bulk_answers_200_with_a_bulk_response(bulk, make):
    resp, body = bulk([post_user(make, "u1"), post_user(make, "u2")])
    expect_status(resp, 200)
    expect_schema(body, "BulkResponse", resp=resp)


@pytest.mark.requirement("rfc7644/3.7/bulk-id-echoed")
def test_post_results_echo_the_bulk_ids(bulk, make):
    _, body = bulk([post_user(make, "first"), post_user(make, "second")])
    expect_equal(sorted(str(r.get("bulkId")) for r in body.get("Operations", [])),
                 ["first", "second"], "bulkIds of the results")


@pytest.mark.requirement("rfc7644/3.7.3/status-and-location")
def test_results_carry_status_and_location(bulk, make, scim):
    _, body = bulk([post_user(make, "u1")])
    results = body.get("Operations", [])
    expect_equal([status_code(r) for r in results], [201], "status codes of the results")
    resp = scim.get(results[0].get("location", ""))
    expect_status(resp, 200)


@pytest.mark.requirement("rfc7644/3.7.2/bulk-id-reference")
def test_bulk_id_reference_is_replaced_by_the_new_id(bulk, make, scim):
    group = {"method": "POST", "path": "/Groups", "bulkId": "g1",
             "data": make.group_body(members=["bulkId:u1"])}
    _, body = bulk([post_user(make, "u1"), group])
    results = {r.get("bulkId"): r for r in body.get("Operations", [])}
    expect_equal({k: status_code(r) for k, r in results.items()}, {"u1": 201, "g1": 201},
                 "status codes of the results")
    resp = scim.get(f"/Groups/{id_of(results['g1'])}")
    expect_status(resp, 200)
    expect_equal([m.get("value") for m in body_of(resp).get("members", [])],
                 [id_of(results["u1"])], "member values of the group")


def outcomes(body: dict) -> dict:
    """bulkId -> status of each result, an error status as its class ("4xx").

    RFC 7644 §3.7.3: a result carries the status "that would have been returned if a single
    HTTP request would have been used"; for a create missing userName the 400 is only SHOULD
    (§3.12 Table 8), so the failed operation is judged by its class, 4xx.
    """
    def judged(code: int | None) -> int | str | None:
        return code if code is None or code < 400 else f"{code // 100}xx"

    return {r.get("bulkId"): judged(status_code(r)) for r in body.get("Operations", [])}


@pytest.mark.requirement("rfc7644/3.7/continue-on-error", "rfc7644/3.7.3/all-results")
def test_every_operation_is_attempted_without_fail_on_errors(bulk, make):
    _, body = bulk([invalid_user("bad"), post_user(make, "good")])
    expect_equal(outcomes(body), {"bad": "4xx", "good": 201}, "status of each operation")


@pytest.mark.requirement("rfc7644/3.7/fail-on-errors")
def test_fail_on_errors_stops_after_that_many_errors(bulk, make):
    _, body = bulk([invalid_user("bad"), post_user(make, "late")], failOnErrors=1)
    expect_equal(outcomes(body), {"bad": "4xx"}, "results with failOnErrors=1 after one failure")


def max_operations_request(spc, target) -> list[dict]:
    """maxOperations + 1 DELETEs of ids that do not exist: harmless if wrongly performed."""
    limits = spc.get("bulk", {})
    count = int(limits.get("maxOperations", 0)) + 1
    operations = [{"method": "DELETE", "path": f"/Users/{target.run_id}missing-{n}"}
                  for n in range(count)]
    size = len(json.dumps({"schemas": [BULK_REQUEST_URN], "Operations": operations}))
    if size > int(limits.get("maxPayloadSize", size)):
        not_applicable(f"maxOperations + 1 operations ({size} bytes) exceed maxPayloadSize")
    return operations


@pytest.mark.requirement("rfc7644/3.7.4/max-operations-413")
def test_more_operations_than_max_answer_413(bulk, spc, target):
    resp, _ = bulk(max_operations_request(spc, target))
    expect_error(resp, 413)


@pytest.mark.requirement("rfc7644/3.7.4/limit-named")
def test_413_names_the_exceeded_limit(bulk, spc, target):
    resp, _ = bulk(max_operations_request(spc, target))
    body = expect_error(resp, 413)
    # RFC 7644 §3.7.4 asks for the limit "in the body of the error response", and its example
    # puts {"maxOperations": 1000, ...} beside detail: any member but status and schemas counts.
    text = json.dumps({k: v for k, v in body.items() if k not in ("status", "schemas")})
    limit = str(spc["bulk"]["maxOperations"])
    expect("maxoperations" in text.lower() or limit in text,
           "the 413 body names maxOperations or its value", expected=limit, actual=text)
