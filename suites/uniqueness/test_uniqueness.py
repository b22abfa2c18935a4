"""Uniqueness of userName on create and update (RFC 7643 §4.1.1, RFC 7644 §3.3) and of group
displayName (Entra ID)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from scimcert.harness.checks import expect, expect_error, expect_status, precondition
from scimcert.harness.factory import CREATED
from scimcert.harness.messages import patch_op
from scimcert.harness.outcome import not_applicable

DUPLICATE = "rfc7644/3.3/duplicate-409"
UNIQUE_ON_UPDATE = "rfc7643/4.1.1/username-unique-on-update"
SCIM_TYPE_ON_UPDATE = "rfc7644/3.12/uniqueness-on-update"
GROUP_NAME = "entra/groups/displayname-unique"

pytestmark = pytest.mark.writes


def scim_type(resp: httpx.Response) -> Any:
    """The scimType of an answer, None when it has none or is no JSON object."""
    try:
        body = resp.json()
    except ValueError:
        return None
    return body.get("scimType") if isinstance(body, dict) else None


@pytest.mark.requirement(DUPLICATE, "okta/spec-test/duplicate-409")
def test_repeated_create_answers_409_uniqueness(make):
    body = make.user_body()
    with precondition(CREATED):
        expect_status(make.attempt("User", body), 201)
    expect_error(make.attempt("User", body), 409, "uniqueness")


@pytest.mark.requirement(DUPLICATE)
def test_duplicate_username_answers_409_uniqueness(make):
    taken = make.user()
    expect_error(make.attempt("User", make.user_body(userName=taken["userName"])), 409,
                 "uniqueness")


@pytest.mark.requirement("rfc7643/4.1.1/username-case-insensitive")
def test_username_differing_in_case_answers_409(make):
    taken = make.user()
    expect_error(make.attempt("User", make.user_body(userName=taken["userName"].upper())), 409,
                 "uniqueness")


def _patch(scim, user: dict[str, Any], name: str) -> httpx.Response:
    return scim.patch(f"/Users/{user['id']}", json=patch_op(
        {"op": "replace", "path": "userName", "value": name}))


def _put(scim, user: dict[str, Any], name: str) -> httpx.Response:
    body = {key: value for key, value in user.items() if key != "meta"}
    return scim.put(f"/Users/{user['id']}", json={**body, "userName": name})


UPDATES = [pytest.param(_patch, id="PATCH", marks=pytest.mark.feature("patch")),
           pytest.param(_put, id="PUT")]


@pytest.fixture(params=UPDATES)
def renamed_to_taken(request, scim, make, read) -> tuple[httpx.Response, dict, dict]:
    """Another user's userName given to a user by PATCH or PUT; returns the answer, the taken
    user and the user as it was."""
    taken, user = make.user(), make.user()
    before = read(f"/Users/{user['id']}")
    return request.param(scim, before, taken["userName"]), taken, before


@pytest.mark.requirement(UNIQUE_ON_UPDATE)
def test_update_to_taken_username_is_refused(renamed_to_taken, read):
    resp, _, before = renamed_to_taken
    # Any refusal conforms: RFC 7643 §7 "A server MAY reject an invalid value based on
    # uniqueness by returning HTTP response code 400", and Table 8 of RFC 7644 §3.12 lists 409.
    expect(not resp.is_success, "an update to a userName another user holds is refused",
           expected="an error answer", actual=resp.status_code, resp=resp)
    after = read(f"/Users/{before['id']}").get("userName")
    expect(str(after).casefold() == str(before.get("userName")).casefold(),
           "the refused user keeps its userName", expected=before.get("userName"), actual=after)


@pytest.mark.requirement(SCIM_TYPE_ON_UPDATE)
def test_update_to_taken_username_answers_uniqueness(renamed_to_taken):
    resp, _, _ = renamed_to_taken
    with precondition(UNIQUE_ON_UPDATE):
        expect(not resp.is_success, "an update to a userName another user holds is refused",
               expected="an error answer", actual=resp.status_code, resp=resp)
    # scimType is OPTIONAL (RFC 7644 §3.12): only another keyword misses the mark.
    found = scim_type(resp)
    expect(found in (None, "uniqueness"), "the refusal names scimType uniqueness",
           expected="uniqueness", actual=found, resp=resp)


@pytest.mark.requirement(GROUP_NAME)
def test_duplicate_group_display_name_is_refused(make):
    # Microsoft requires unique group displayNames although RFC 7643 §8.7.1 declares
    # "uniqueness" : "none" (#groups): an IdP requirement, never an RFC failure.
    taken = make.group()
    resp = make.attempt("Group", make.group_body(displayName=taken["displayName"]))
    expect(not resp.is_success, "a second group with a taken displayName is refused",
           expected=409, actual=resp.status_code, resp=resp)


@pytest.mark.requirement(DUPLICATE)
def test_refused_duplicate_group_answers_409(make):
    # Once the provider refuses a taken displayName it has found a conflict, and RFC 7644 §3.3
    # fixes the answer; a provider keeping names non-unique (RFC 7643 §8.7.1) has none to tell.
    taken = make.group()
    resp = make.attempt("Group", make.group_body(displayName=taken["displayName"]))
    if resp.is_success:
        not_applicable("the target keeps group displayNames non-unique, as RFC 7643 §8.7.1 "
                       "allows: no conflict to answer")
    expect_error(resp, 409, "uniqueness")
