"""PATCH on users: add, replace and remove in every path form, as RFCs and IdPs send them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from scimcert import paths
from scimcert.harness.checks import body_of, expect, expect_equal, expect_status
from scimcert.harness.messages import patch_op

DATA = json.loads((paths.fixtures() / "suites" / "users.json").read_text(encoding="utf-8"))
ABSENT = object()


def params() -> list[Any]:
    return [pytest.param(case, id=case["id"], marks=pytest.mark.requirement(*case["requirements"]))
            for case in DATA["patch_cases"]]


def pick(value: Any, steps: list[Any]) -> Any:
    """Follow `steps` (keys, or `{sub: value}` selectors into lists) through `value`."""
    for step in steps:
        if isinstance(step, dict):
            matches = [item for item in value or [] if isinstance(item, dict)
                       and all(item.get(k) == v for k, v in step.items())]
            value = matches[0] if matches else None
        else:
            value = value.get(step) if isinstance(value, dict) else None
        if value is None:
            return ABSENT
    return ABSENT if value in ([], {}) else value


@pytest.mark.writes
@pytest.mark.feature("patch")
@pytest.mark.parametrize("case", params())
def test_patch_operation_changes_the_user(case, make, named, read, send_patch, needs_enterprise):
    needs_enterprise(case)
    case = named(case)
    user = make.user(**case["user"])
    send_patch(f"/Users/{user['id']}", case["operations"])
    after = read(f"/Users/{user['id']}")
    for rule in case["expect"]:
        actual = pick(after, rule["at"])
        where = "/".join(map(str, rule["at"]))
        if rule.get("absent"):
            expect(actual is ABSENT, f"{where} is absent after PATCH", expected="absent",
                   actual=actual)
        else:
            expect(actual == rule["equals"] and type(actual) is type(rule["equals"]),
                   f"{where} after PATCH", expected=rule["equals"],
                   actual=None if actual is ABSENT else actual)


@pytest.mark.writes
@pytest.mark.feature("patch")
@pytest.mark.requirement("rfc7644/3.5.2/patch-answer")
def test_patch_answers_the_resource_or_no_content(make, send_patch):
    user = make.user()
    resp = send_patch(f"/Users/{user['id']}",
                      [{"op": "replace", "path": "displayName", "value": "Answer Check"}])
    # RFC 7644 §3.5.2: 200 with the entire resource, or 204 with no body; both conform.
    if resp.status_code == 204:
        expect(not resp.content, "a 204 answer has no body", expected="", actual=resp.text[:200])
        return
    body = body_of(resp)
    expect_equal(body.get("id"), user["id"], "id in the PATCH answer")
    expect_equal(body.get("displayName"), "Answer Check", "displayName in the PATCH answer")
    expect_equal(body.get("userName"), user["userName"], "userName in the PATCH answer")


@pytest.mark.writes
@pytest.mark.feature("patch")
@pytest.mark.requirement("rfc7644/3.5.2/attributes-answer-200")
def test_patch_asking_for_attributes_answers_200(scim, make):
    user = make.user()
    resp = scim.patch(f"/Users/{user['id']}", params={"attributes": "userName,displayName"},
                      json=patch_op({"op": "replace", "path": "displayName",
                                     "value": "Asked For"}))
    expect_status(resp, 200)
    body = body_of(resp)
    expect_equal(body.get("displayName"), "Asked For", "displayName in the PATCH answer")
    expect_equal(body.get("id"), user["id"], "id in the PATCH answer")
