"""Creating and deleting groups, with members and in the shapes Entra ID and Okta send."""

from __future__ import annotations

import pytest

from scimcert.harness.checks import expect, expect_status, precondition
from scimcert.harness.outcome import not_applicable
from scimcert.scim.urns import GROUP_URN

ADSCIM_URN = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"
DELETED = "rfc7644/3.6/delete-204"

pytestmark = pytest.mark.writes


@pytest.mark.requirement("rfc7644/3.3/created-201")
def test_group_create_answers_201(make):
    expect_status(make.attempt("Group", make.group_body()), 201)


@pytest.mark.requirement("entra/groups/adscim-schema")
def test_group_create_with_adscim_schema_succeeds(make):
    body = make.group_body(schemas=[GROUP_URN, ADSCIM_URN], meta={"resourceType": "Group"})
    expect_status(make.attempt("Group", body), 201)


@pytest.mark.requirement("entra/groups/create-without-members")
def test_group_created_with_empty_members_has_no_members(make, read, created_id):
    body = make.group_body()
    body["members"] = []
    resp = make.attempt("Group", body)
    expect_status(resp, 201)
    members = read(f"/Groups/{created_id(resp)}").get("members")
    expect(not members, "a group created with no members has none", expected="[] or absent",
           actual=members)


@pytest.mark.requirement("rfc7643/7/read-write-round-trip")
def test_group_created_with_members_lists_them(make, read, created_id, registry):
    ids = [make.user()["id"], make.user()["id"]]
    body = make.group_body(members=ids)
    members = registry.attribute("Group", "members") if "group" in registry.resource_types \
        else None
    if members is not None and members.mutability == "readOnly":
        # RFC 7644 §3.3: readOnly attributes in a create "SHALL be ignored".
        not_applicable("the target declares Group members readOnly")
    resp = make.attempt("Group", body)
    if 400 <= resp.status_code < 500:
        # RFC 7644 §3.3 leaves the provider free to refuse content it cannot take; Entra and
        # Okta create groups empty and add members by PATCH (or Okta's PUT).
        not_applicable(f"the target refuses a group created with members ({resp.status_code})")
    listed = {m.get("value") for m in read(f"/Groups/{created_id(resp)}").get("members") or []
              if isinstance(m, dict)}
    expect(listed == set(ids), "a group created with members lists them", expected=sorted(ids),
           actual=sorted(listed, key=str))


@pytest.mark.requirement("rfc7644/3.6/delete-204")
def test_group_delete_answers_204(scim, make):
    expect_status(scim.delete(f"/Groups/{make.group()['id']}"), 204)


@pytest.mark.requirement("rfc7644/3.6/deleted-404")
def test_deleted_group_answers_404(scim, make):
    group = make.group()
    with precondition(DELETED):
        expect_status(scim.delete(f"/Groups/{group['id']}"), 200, 204)
    expect_status(scim.get(f"/Groups/{group['id']}"), 404)
