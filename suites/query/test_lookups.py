"""The lookups Entra ID and Okta send whatever ServiceProviderConfig says: `userName eq` and
`externalId eq` on users, `displayName eq` on groups.

Filtering is OPTIONAL for a provider (RFC 7644 §3.4.2.2), so the RFC requirements here are not
applicable when the target refuses the lookup with 400; a lookup it answers is held to the RFC
whatever it advertises. The IdP requirements fail on a refusal: the IdPs send these anyway.
"""

import pytest

from scimcert.harness.checks import expect, expect_equal, expect_list
from scimcert.harness.outcome import blocked, not_applicable

pytestmark = pytest.mark.writes

USERNAME_EQ = "entra/query/username-eq"
EXTERNALID_EQ = "entra/query/externalid-eq"
GROUP_EQ = "entra/query/group-displayname-eq"
REFUSED = "refused with 400"


def found(scim, endpoint, text, **params):
    """The ids `endpoint` lists for the filter `text`, or REFUSED."""
    resp = scim.get(endpoint, params={"filter": text, **params})
    if resp.status_code == 400:
        return REFUSED
    return [r.get("id") for r in expect_list(resp).get("Resources") or []]


def found_in_stored_case(scim, endpoint, text, resource, lookup, *, rfc=True):
    """The step before a case test: `text` (the value as stored) finds `resource`; blocked by
    `lookup` when it does not, or, for an RFC requirement, not applicable when the target
    refuses the filter."""
    ids = found(scim, endpoint, text)
    if ids == REFUSED and rfc:
        not_applicable(f"the target refuses {text!r} with 400: filtering is OPTIONAL "
                       f"(RFC 7644 §3.4.2.2); the IdP lookup is graded by {lookup}")
    if ids != [resource["id"]]:
        blocked(lookup, f"{text!r} does not find the resource in the case it was stored in")


def with_decoy(create, **overrides):
    """`create(**overrides)`, made after another resource of its type that no lookup of the test
    selects, so a target ignoring the filter lists one resource too many."""
    create()
    return create(**overrides)


def declared(registry, rtype, name):
    """The attribute `name` of the resource type named `rtype`, None when not declared."""
    found_type = registry.resource_types.get(rtype.lower())
    return registry.attribute(found_type, name) if found_type is not None else None


def group_endpoint(registry, make):
    """The Group endpoint; not applicable when the target serves no Group resource type
    (groups are optional for Entra ID)."""
    if "group" not in registry.resource_types:
        not_applicable("the target declares no Group resource type")
    return make.endpoint("Group")


def test_username_eq_finds_the_user(idp_lookup, scim, make):
    user = with_decoy(make.user)
    body = expect_list(scim.get(make.endpoint("User"), params={
        "filter": f'userName eq "{user["userName"]}"', **idp_lookup["params"]}))
    expect_equal([r.get("id") for r in body.get("Resources") or []], [user["id"]],
                 f"ids found by userName eq with {idp_lookup['params'] or 'no other parameter'}")


@pytest.mark.requirement(EXTERNALID_EQ)
def test_external_id_eq_finds_the_user(scim, make):
    user = with_decoy(make.user, externalId=f"{make.tag()}-ext")
    body = expect_list(scim.get(make.endpoint("User"), params={
        "filter": f'externalId eq "{user["externalId"]}"'}))
    expect_equal([r.get("id") for r in body.get("Resources") or []], [user["id"]],
                 "ids found by externalId eq")


@pytest.mark.requirement("rfc7643/4.1.1/username-eq-any-case", "rfc7644/3.4.2.2/case-exact")
def test_username_eq_is_case_insensitive(scim, make, registry):
    user = with_decoy(make.user)
    endpoint = make.endpoint("User")
    found_in_stored_case(scim, endpoint, f'userName eq "{user["userName"]}"', user, USERNAME_EQ)
    shouted = user["userName"].upper()
    ids = found(scim, endpoint, f'userName eq "{shouted}"')
    attr = declared(registry, "User", "userName")
    # RFC 7643 §4.1.1 fixes userName as case insensitive, so a caseExact true declaration does
    # not excuse a case-sensitive match: it is the same deviation.
    what = f"ids found by userName eq {shouted!r}"
    if attr is not None and attr.case_exact:
        what += " (the target declares userName caseExact true, against RFC 7643 §4.1.1)"
    expect_equal(ids, [user["id"]], what)


@pytest.mark.requirement("rfc7643/3.1/external-id-case-exact", "rfc7644/3.4.2.2/case-exact")
def test_external_id_eq_is_case_exact(scim, make):
    user = with_decoy(make.user, externalId=f"{make.tag()}-MiXeD")
    endpoint = make.endpoint("User")
    found_in_stored_case(scim, endpoint, f'externalId eq "{user["externalId"]}"', user,
                         EXTERNALID_EQ)
    swapped = user["externalId"].swapcase()
    expect_equal(found(scim, endpoint, f'externalId eq "{swapped}"'), [],
                 f"ids found by externalId eq {swapped!r}")


@pytest.mark.requirement("entra/users/soft-delete-readable")
def test_inactive_user_is_found_by_username_eq(scim, make):
    user = with_decoy(make.user, active=False)
    if user.get("active") is not False:
        # RFC 7644 §3.3: "the server is free to alter and/or ignore POSTed content".
        not_applicable(f"the target created the user with active {user.get('active')!r}")
    text = f'userName eq "{user["userName"]}"'
    resp = scim.get(make.endpoint("User"), params={"filter": text})
    if resp.status_code == 400:
        blocked(USERNAME_EQ, f"the target refuses {text!r} with 400")
    listed = expect_list(resp).get("Resources") or []
    expect_equal([r.get("id") for r in listed], [user["id"]], "ids found by userName eq")
    expect(listed[0].get("active") is False, "the listed user has active false",
           expected=False, actual=listed[0].get("active"))


@pytest.mark.requirement(GROUP_EQ, "entra/groups/excluded-members")
def test_group_is_found_by_displayname_excluding_members(scim, make, registry):
    endpoint = group_endpoint(registry, make)
    group = with_decoy(make.group, members=[make.user()["id"]])
    # Entra's request shape (learn.microsoft.com, "Get Group by displayName").
    body = expect_list(scim.get(endpoint, params={
        "excludedAttributes": "members", "filter": f'displayName eq "{group["displayName"]}"'}),
        requirement=GROUP_EQ)
    listed = body.get("Resources") or []
    expect_equal([r.get("id") for r in listed], [group["id"]], "ids found by displayName eq",
                 requirement=GROUP_EQ)
    expect("members" not in listed[0], "members is left out of the listed group",
           expected="no members key", actual=listed[0].get("members"),
           requirement="entra/groups/excluded-members")


@pytest.mark.requirement("rfc7643/4.2/displayname-eq-any-case")
def test_group_displayname_eq_is_case_insensitive(scim, make, registry):
    endpoint = group_endpoint(registry, make)
    attr = declared(registry, "Group", "displayName")
    if attr is not None and attr.case_exact:
        # RFC 7644 §3.4.2.2: string comparison follows the declared caseExact.
        not_applicable("the target declares Group displayName caseExact true")
    group = with_decoy(make.group, displayName=f"{make.tag()} Engineering")
    found_in_stored_case(scim, endpoint, f'displayName eq "{group["displayName"]}"', group,
                         GROUP_EQ)
    swapped = group["displayName"].swapcase()
    expect_equal(found(scim, endpoint, f'displayName eq "{swapped}"'), [group["id"]],
                 f"ids found by displayName eq {swapped!r}")


@pytest.mark.requirement("entra/query/group-displayname-any-case")
def test_group_is_found_by_displayname_in_lower_case(scim, make, registry):
    endpoint = group_endpoint(registry, make)
    group = with_decoy(make.group, displayName=f"{make.tag()} Engineering")
    found_in_stored_case(scim, endpoint, f'displayName eq "{group["displayName"]}"', group,
                         GROUP_EQ, rfc=False)
    # The SCIM Validator's "Filter for existing group different case" lower-cases the name.
    lowered = group["displayName"].lower()
    body = expect_list(scim.get(endpoint, params={"filter": f'displayName eq "{lowered}"'}))
    expect_equal([r.get("id") for r in body.get("Resources") or []], [group["id"]],
                 f"ids found by displayName eq {lowered!r}")
