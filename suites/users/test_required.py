"""Attributes a resource cannot be without: no User without a non-empty userName (RFC 7643
§4.1.1), and no PATCH that removes a required or readOnly attribute (RFC 7644 §3.5.2.2)."""

from __future__ import annotations

from typing import Any

import pytest

from scimcert.harness.checks import expect
from scimcert.harness.messages import patch_op
from scimcert.harness.outcome import not_applicable

MUTABILITY = "mutability"


def scim_type(resp: Any) -> Any:
    """The scimType of an answer, None when it has none or is no JSON object."""
    try:
        body = resp.json()
    except ValueError:
        return None
    return body.get("scimType") if isinstance(body, dict) else None


@pytest.mark.writes
@pytest.mark.requirement("rfc7643/4.1.1/username-required")
@pytest.mark.parametrize("user_name", [pytest.param(None, id="missing"),
                                       pytest.param("", id="empty")])
def test_no_user_is_created_without_a_user_name(make, read, created_id, user_name):
    body = {key: value for key, value in make.user_body().items() if key != "userName"}
    if user_name is not None:
        body["userName"] = user_name
    resp = make.attempt("User", body)
    # A refusal conforms; its status and scimType are rfc7644/3.12/invalid-value (SHOULD).
    if not resp.is_success:
        return
    # RFC 7644 §3.3: the server "is free to alter" POSTed content, so it may assign a userName
    # itself; the MUST of RFC 7643 §4.1.1 is on the user that exists.
    stored = read(f"/Users/{created_id(resp)}").get("userName")
    expect(isinstance(stored, str) and stored != "",
           "a created user has a non-empty userName", expected="a non-empty string",
           actual=stored)


def required_names(registry, rtype) -> list[str]:
    """The attributes `rtype` declares required that a client writes (RFC 7643 §7)."""
    return [attr.name for attr in registry.attributes(rtype)
            if attr.required and attr.mutability != "readOnly"
            and attr.name.lower() not in ("id", "schemas")]


@pytest.mark.writes
@pytest.mark.feature("patch")
@pytest.mark.requirement("rfc7644/3.5.2.2/remove-required-mutability")
@pytest.mark.parametrize("kind", ["required", "readOnly"])
@pytest.mark.parametrize("rtype", ["User", "Group"])
def test_removing_a_required_or_read_only_attribute_answers_mutability(scim, make, read,
                                                                         registry, rtype, kind):
    found = registry.resource_types.get(rtype.lower())
    if found is None:
        not_applicable(f"the target declares no {rtype} resource type")
    # "required" as the target declares it: RFC 7643 §8.7.1 gives Group displayName
    # "required" : false although §4.2 calls it REQUIRED. id is readOnly in every resource
    # (RFC 7643 §3.1).
    names = required_names(registry, found) if kind == "required" else ["id"]
    if not names:
        not_applicable(f"the target declares no {kind} attribute of {rtype} a client writes")
    resource = make.user() if rtype == "User" else make.group()
    where = f"{found.endpoint}/{resource['id']}"
    for name in names:
        before = read(where).get(name)
        if before in (None, [], ""):
            continue
        resp = scim.patch(where, json=patch_op({"op": "remove", "path": name}))
        expect(not resp.is_success, f"removing {kind} {name} is refused",
               expected="an error answer", actual=resp.status_code, resp=resp)
        # The SHALL names the keyword itself, so an absent scimType does not meet it.
        expect(scim_type(resp) == MUTABILITY, f"removing {kind} {name} answers scimType "
               "mutability", expected=MUTABILITY, actual=scim_type(resp), resp=resp)
        after = read(where).get(name)
        same = after == before or (isinstance(after, str) and isinstance(before, str)
                                   and after.casefold() == before.casefold())
        expect(same, f"{name} keeps its value after the refused remove", expected=before,
               actual=after)
