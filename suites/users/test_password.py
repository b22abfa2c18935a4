"""The password is write-only: never returned, in any form (RFC 7643 §4.1.1)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from scimcert.harness.checks import body_of, expect, expect_status, precondition
from scimcert.harness.factory import CREATED
from scimcert.harness.messages import patch_op
from scimcert.harness.outcome import not_applicable

READ = "rfc7644/3.4.1/read-by-id"
FILTERED = "rfc7643/5/filter-advertised-works"
pytestmark = [pytest.mark.writes,
              pytest.mark.requirement("rfc7643/4.1.1/password-never-returned")]


def leaks(node: Any) -> bool:
    """Whether `node` holds a password value anywhere; "password": null is the unassigned state
    (RFC 7643 §2.5), not a value returned."""
    if isinstance(node, dict):
        return any((key.lower() == "password" and value is not None) or leaks(value)
                   for key, value in node.items())
    if isinstance(node, list):
        return any(leaks(item) for item in node)
    return False


def expect_no_password(resp: httpx.Response, secret: str) -> None:
    expect(secret not in resp.text, "the password text is absent from the answer",
           expected="no password", actual="password text found")
    try:
        body = resp.json() if resp.content else None
    except ValueError:
        # A refusal need not be JSON; its text was searched for the password above.
        body = None
    expect(not leaks(body), "the answer has no password attribute", expected="no password",
           actual="a password attribute")


@pytest.fixture
def secret(target) -> str:
    return f"{target.run_id}Pw-9#kQ"


@pytest.fixture
def user(make, secret) -> tuple[dict[str, Any], httpx.Response]:
    """A user created with a password; returns its body and the create answer.

    No RFC clause obliges a server to take a password, so a refused create only has to keep
    the password out of its error; the checks of a stored password are then not applicable.
    """
    resp = make.attempt("User", make.user_body(password=secret))
    if resp.status_code != 201:
        expect_no_password(resp, secret)
    if 400 <= resp.status_code < 500:
        not_applicable(f"the target refuses a password on create ({resp.status_code})")
    with precondition(CREATED):
        expect_status(resp, 201)
        created = body_of(resp)
        expect(isinstance(created, dict) and isinstance(created.get("id"), str),
               "the create answer carries the new user's id", expected="an id", actual=created)
    return created, resp


def test_password_absent_from_create_answer(user, secret):
    expect_no_password(user[1], secret)


def test_password_absent_from_read(scim, user, secret):
    resp = scim.get(f"/Users/{user[0]['id']}")
    expect_no_password(resp, secret)
    with precondition(READ):
        expect_status(resp, 200)


@pytest.mark.feature("filter")
def test_password_absent_from_list(scim, user, secret):
    resp = scim.get("/Users", params={"filter": f'userName eq "{user[0]["userName"]}"'})
    expect_no_password(resp, secret)
    with precondition(FILTERED):
        expect_status(resp, 200)


# A conforming server may refuse a password change (changePassword is a feature it need not
# offer, RFC 7643 §5), so the PATCH and PUT answers are checked whatever their status.


@pytest.mark.feature("patch")
def test_password_absent_from_patch_answer(scim, user, secret):
    resp = scim.patch(f"/Users/{user[0]['id']}", json=patch_op(
        {"op": "replace", "path": "password", "value": secret + "2"}))
    expect_no_password(resp, secret + "2")


def test_password_absent_from_put_answer(scim, user, secret):
    sent = {k: v for k, v in user[0].items() if k not in ("id", "meta")}
    resp = scim.put(f"/Users/{user[0]['id']}", json={**sent, "password": secret + "3"})
    expect_no_password(resp, secret + "3")
