"""Error answers: status, Error body and scimType (RFC 7644 §3.12) for the usual client mistakes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from scimcert.harness import cases
from scimcert.harness.checks import (
    body_of,
    expect,
    expect_content_type,
    expect_equal,
    expect_error,
    expect_error_body,
    expect_status,
)
from scimcert.harness.messages import patch_op
from scimcert.harness.outcome import blocked, not_applicable

DATA = cases.load("suites/errors.json")
SCIM_JSON = {"Content-Type": "application/scim+json"}
ERROR_BODY = "rfc7644/3.12/error-body"
# The requirement each discovery document's existence is graded by (suites/discovery).
SERVED = {"/ServiceProviderConfig": "rfc7644/4/service-provider-config",
          "/ResourceTypes": "rfc7644/4/resource-types-served", "/Schemas": "rfc7644/4/schemas-list"}


def ids(key: str) -> list[Any]:
    return cases.params(DATA[key])


def named(text: str, target) -> str:
    return text.replace("{run}", target.run_id)


def refused_with_error(resp: httpx.Response, graded_by: str) -> None:
    """The answer carries a valid Error; an answer that refuses nothing has no Error to judge,
    and is graded by the requirement on its status."""
    if resp.status_code < 400:
        blocked(graded_by, f"the target answered {resp.status_code}: no error body to judge")
    expect_error_body(resp)


@pytest.fixture
def post_user(scim, cleanup):
    """POSTs raw content or JSON to /Users, registering anything wrongly created for cleanup."""

    def send(**kwargs: Any) -> httpx.Response:
        resp = scim.post("/Users", headers=SCIM_JSON, **kwargs)
        created = body_of(resp) if resp.is_success else None
        if isinstance(created, dict) and isinstance(created.get("id"), str):
            cleanup.register("/Users", created["id"])
        return resp

    return send


@pytest.fixture
def wrong_body(make):
    """The user body a wrong-types case describes."""

    def build(case: dict[str, Any]) -> Any:
        if "body" in case:
            return case["body"]
        body = make.user_body(**case.get("set", {}))
        for key in case.get("unset", []):
            body.pop(key)
        return body

    return build


@pytest.mark.writes
@pytest.mark.requirement("rfc7644/3.12/bad-request-400", "rfc7644/3.12/invalid-syntax")
@pytest.mark.parametrize("case", ids("malformed_json"))
def test_malformed_json_answers_400_invalid_syntax(post_user, case):
    expect_error(post_user(content=case["content"].encode()), 400, "invalidSyntax",
                 absent_type_ok=True)


@pytest.mark.writes
@pytest.mark.requirement("rfc7644/3.12/error-body")
@pytest.mark.parametrize("case", ids("malformed_json"))
def test_malformed_json_answer_is_scim_error(post_user, case):
    refused_with_error(post_user(content=case["content"].encode()),
                       "rfc7644/3.12/bad-request-400")


@pytest.mark.writes
@pytest.mark.requirement("rfc7644/3.12/no-server-error")
@pytest.mark.parametrize("case", ids("malformed_json") + ids("wrong_types"))
def test_bad_create_never_answers_a_server_error(post_user, wrong_body, case):
    resp = post_user(content=case["content"].encode()) if "content" in case \
        else post_user(json=wrong_body(case))
    expect(resp.status_code < 500 or resp.status_code == 501,
           "a malformed request is answered as the client's error", expected="a 4xx status",
           actual=resp.status_code, resp=resp)


@pytest.mark.writes
@pytest.mark.requirement("rfc7644/3.12/bad-request-400", "rfc7644/3.12/invalid-value")
@pytest.mark.parametrize("case", ids("wrong_types"))
def test_wrong_type_answers_400_invalid_value(post_user, wrong_body, case):
    resp = post_user(json=wrong_body(case))
    body = expect_error(resp, 400)
    # RFC 7644 §3.12 Table 9: invalidValue covers values incompatible with the attribute type;
    # invalidSyntax covers bodies not conforming to the request schema. Either names the fault,
    # and scimType is OPTIONAL, so an Error without one is conformant too.
    expect(body.get("scimType") in ("invalidValue", "invalidSyntax", None),
           "scimType names the fault", expected="invalidValue or invalidSyntax (or none)",
           actual=body.get("scimType"), resp=resp)


@pytest.mark.writes
# detail is OPTIONAL in an Error (RFC 7644 §3.12): requiring it is compatibility only.
@pytest.mark.requirement("entra/errors/descriptive-rejection")
@pytest.mark.parametrize("case", ids("wrong_types"))
def test_wrong_type_is_refused_with_detail(post_user, wrong_body, case):
    resp = post_user(json=wrong_body(case))
    expect(400 <= resp.status_code < 500, "an invalid value is refused as a client error",
           expected="4xx", actual=resp.status_code)
    body = expect_error(resp, resp.status_code)
    expect(isinstance(body.get("detail"), str) and body["detail"].strip(),
           "the error says what is wrong", expected="a non-empty detail", actual=body.get("detail"))


@pytest.mark.requirement("rfc7644/3.12/not-found-404", "entra/users/missing-404")
@pytest.mark.parametrize("unknown", DATA["unknown_ids"])
def test_unknown_user_answers_404(scim, target, unknown):
    expect_status(scim.get(f"/Users/{named(unknown, target)}"), 404)


@pytest.mark.requirement("rfc7644/3.12/not-found-404")
@pytest.mark.parametrize("unknown", DATA["unknown_ids"])
def test_unknown_group_answers_404(scim, target, unknown):
    expect_status(scim.get(f"/Groups/{named(unknown, target)}"), 404)


@pytest.mark.requirement("okta/spec-test/unknown-id-404")
def test_unknown_user_error_has_detail(scim):
    body = expect_error(scim.get(f"/Users/{DATA['unknown_ids'][0]}"), 404)
    expect(isinstance(body.get("detail"), str) and body["detail"].strip(),
           "the 404 error has a detail", expected="a non-empty detail", actual=body.get("detail"))


@pytest.mark.requirement("rfc7644/3.12/unknown-endpoint-404")
@pytest.mark.parametrize("path", DATA["unknown_endpoints"])
def test_unknown_endpoint_answers_404(scim, target, path):
    expect_status(scim.get(named(path, target)), 404)


@pytest.mark.requirement("rfc7644/3.12/error-body")
@pytest.mark.parametrize("path", DATA["unknown_endpoints"])
def test_unknown_endpoint_answer_is_scim_error(scim, target, path):
    refused_with_error(scim.get(named(path, target)), "rfc7644/3.12/unknown-endpoint-404")


def not_served(scim, path: str) -> None:
    """Not applicable when `path` is a discovery document the target does not serve: any
    method on an endpoint that does not exist rightly answers 404."""
    if path in SERVED:
        resp = scim.get(path)
        if resp.status_code != 200:
            not_applicable(f"GET {path} answered {resp.status_code}: graded by {SERVED[path]}")


@pytest.mark.writes
@pytest.mark.requirement("rfc7644/3.12/unsupported-method")
@pytest.mark.parametrize("case", ids("unsupported_methods"))
def test_unsupported_method_answers_405_or_501(scim, case):
    not_served(scim, case["path"])
    # RFC 7644 §3.12 gives 501 for an unsupported operation; RFC 7231 §6.5.5 gives 405 for a
    # method the resource does not allow. Both conform.
    expect_status(scim.request(case["method"], case["path"], json={}), 405, 501)


@pytest.mark.writes
@pytest.mark.requirement("rfc7644/3.12/error-body")
@pytest.mark.parametrize("case", ids("unsupported_methods"))
def test_unsupported_method_answer_is_scim_error(scim, case):
    not_served(scim, case["path"])
    refused_with_error(scim.request(case["method"], case["path"], json={}),
                       "rfc7644/3.12/unsupported-method")


# Error answers of each kind the suite provokes, with the requirement their status is graded by.
ERROR_ANSWERS = [
    pytest.param("GET", "/Users/{run}missing", None, "rfc7644/3.12/not-found-404",
                 id="unknown-user"),
    pytest.param("GET", DATA["unknown_endpoints"][0], None, "rfc7644/3.12/unknown-endpoint-404",
                 id="unknown-endpoint"),
    pytest.param("POST", "/Users", DATA["malformed_json"][0]["content"],
                 "rfc7644/3.12/bad-request-400", id="malformed-json",
                 marks=pytest.mark.writes),
    pytest.param("PUT", "/Users", "{}", "rfc7644/3.12/unsupported-method",
                 id="unsupported-method", marks=pytest.mark.writes),
]


@pytest.mark.requirement("rfc7644/3.12/error-media-type", "entra/responses/scim-json")
@pytest.mark.parametrize(("method", "path", "content", "graded_by"), ERROR_ANSWERS)
def test_error_answer_is_scim_json(scim, post_user, target, method, path, content, graded_by):
    if method == "POST":
        resp = post_user(content=content.encode())
    else:
        resp = scim.request(method, named(path, target), headers=SCIM_JSON,
                            content=content.encode() if content is not None else None)
    if resp.status_code < 400:
        blocked(graded_by, f"the target answered {resp.status_code}: no error to judge")
    expect_content_type(resp)


def remove_without_path(scim, user: dict[str, Any]) -> httpx.Response:
    return scim.patch(f"/Users/{user['id']}", json=patch_op({"op": "remove"}))


@pytest.mark.writes
@pytest.mark.feature("patch")
@pytest.mark.requirement("rfc7644/3.5.2.2/remove-without-path-refused")
def test_patch_remove_without_path_is_refused(scim, make, read):
    user = make.user(nickName="Kept", title="Kept")
    before = read(f"/Users/{user['id']}")
    resp = remove_without_path(scim, user)
    # RFC 7644 §3.5.2: "path" is REQUIRED for remove, and a failed PATCH answers "a failure
    # status" with an Error (§3.12) and restores the resource; the exact 400 noTarget is graded
    # apart, by rfc7644/3.5.2.2/no-target, and the Error's format by rfc7644/3.12/error-body.
    expect(resp.status_code >= 400, "a remove without a path is refused",
           expected="a failure status", actual=resp.status_code, resp=resp)
    names = ("userName", "nickName", "title")
    after = read(f"/Users/{user['id']}")
    expect_equal({n: after.get(n) for n in names}, {n: before.get(n) for n in names},
                 "attributes after the refused remove")
    expect_error_body(resp, requirement=ERROR_BODY)


@pytest.mark.writes
@pytest.mark.feature("patch")
@pytest.mark.requirement("rfc7644/3.5.2.2/no-target")
def test_patch_remove_without_path_answers_no_target(scim, make):
    expect_error(remove_without_path(scim, make.user()), 400, "noTarget")
