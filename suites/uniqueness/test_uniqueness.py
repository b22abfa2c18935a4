"""Uniqueness of userName (RFC 7643 §4.1.1, RFC 7644 §3.3) and of group displayName (Entra ID)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from scimcert.harness.checks import body_of, expect_error, expect_status
from scimcert.harness.messages import PATCH_OP_URN

pytestmark = pytest.mark.writes


@pytest.fixture
def post(scim, cleanup):
    """POSTs a body to an endpoint, registering anything created for cleanup."""

    def send(endpoint: str, body: dict[str, Any]) -> httpx.Response:
        resp = scim.post(endpoint, json=body)
        created = body_of(resp) if resp.is_success else None
        if isinstance(created, dict) and isinstance(created.get("id"), str):
            cleanup.register(endpoint, created["id"])
        return resp

    return send


@pytest.mark.requirement("rfc7644/3.3/duplicate-409", "okta/spec-test/duplicate-409")
def test_repeated_create_answers_409_uniqueness(make, post):
    body = make.user_body()
    expect_status(post("/Users", body), 201)
    expect_error(post("/Users", body), 409, "uniqueness")


@pytest.mark.requirement("rfc7644/3.3/duplicate-409")
def test_duplicate_username_answers_409_uniqueness(make, post):
    taken = make.user()
    expect_error(post("/Users", make.user_body(userName=taken["userName"])), 409, "uniqueness")


@pytest.mark.requirement("rfc7643/4.1.1/username-case-insensitive")
def test_username_differing_in_case_answers_409(make, post):
    taken = make.user()
    expect_error(post("/Users", make.user_body(userName=taken["userName"].upper())), 409,
                 "uniqueness")


@pytest.mark.feature("patch")
@pytest.mark.requirement("rfc7644/3.12/uniqueness-on-update")
def test_update_to_taken_username_answers_uniqueness(scim, make):
    taken, user = make.user(), make.user()
    resp = scim.patch(f"/Users/{user['id']}", json={"schemas": [PATCH_OP_URN], "Operations": [
        {"op": "replace", "path": "userName", "value": taken["userName"]}]})
    # RFC 7644 §3.12 lists scimType "uniqueness" for updates under 400, and §3.3 uses 409 for
    # the same conflict on create: either status conforms.
    expect_status(resp, 409, 400)
    expect_error(resp, resp.status_code, "uniqueness")


@pytest.mark.requirement("entra/groups/displayname-unique")
def test_duplicate_group_display_name_answers_409(make, post):
    taken = make.group()
    expect_error(post("/Groups", make.group_body(displayName=taken["displayName"])), 409)
