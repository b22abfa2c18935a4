"""Resource answers are valid resources whichever operation returns them: create, read, list,
replace (PUT) and patch (RFC 7643 §3, §3.1, §4.1, §4.2, §4.3).

User and Group are judged against the RFC's schemas (schemas/scim/) and, together, against the
schemas the target declares for them; every other resource type the target declares is judged
against a JSON Schema generated from its own definitions (scimcert.harness.resource_schemas),
with no code written for it.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from scimcert.harness import resource_schemas, validate
from scimcert.harness.bodies import without_nulls
from scimcert.harness.checks import (
    body_of,
    expect,
    expect_list,
    expect_schema,
    expect_status,
    precondition,
)
from scimcert.harness.messages import patch_op
from scimcert.harness.outcome import not_applicable
from scimcert.scim.schema import Registry, ResourceType
from scimcert.scim.urns import ENTERPRISE_URN, GROUP_URN, USER_URN

USER = "rfc7643/4.1/user-representation"
GROUP = "rfc7643/4.2/group-representation"
ENTERPRISE = "rfc7643/4.3/enterprise-representation"
RESOURCE = "rfc7643/3/resource-representation"
CANONICAL = "rfc7643/2.3.1/canonical-values-answered"
ATTRIBUTES_200 = "rfc7644/3.5.2/attributes-answer-200"
# The resource types with an RFC schema of their own here, by core schema URN.
KINDS = {USER_URN: "User", GROUP_URN: "Group"}


def type_of(registry: Registry, urn: str) -> ResourceType | None:
    """The target's resource type whose core schema is `urn`."""
    return next((r for r in registry.resource_types.values()
                 if r.schema.lower() == urn.lower()), None)


def problems(body: Any, registry: Registry, urn: str) -> list[str]:
    """What makes `body` an invalid resource of the type whose core schema is `urn`: against
    the RFC schema of its kind (User, Group) and against the schemas the target declares for
    that type. Null members count as unassigned (RFC 7643 §2.5)."""
    found: list[str] = []
    kind = KINDS.get(urn)
    if kind is not None:
        found += [str(v) for v in validate.violations(without_nulls(body), kind)]
    rtype = type_of(registry, urn)
    if rtype is not None:
        found += [f"as declared: {v}" for v in resource_schemas.violations(body, registry, rtype)]
    return found


def valid(resp: httpx.Response, registry: Registry, urn: str) -> None:
    """The answer's body is a valid resource of the type whose core schema is `urn`."""
    found = problems(body_of(resp), registry, urn)
    expect(not found, f"body is a valid {KINDS.get(urn, urn)}", expected=[], actual=found,
           resp=resp)


def every_attribute(registry: Registry, urn: str) -> str:
    """An `attributes` parameter naming every attribute the target declares for the resource
    type whose core schema is `urn`, so a PATCH must answer 200 with the whole resource
    (RFC 7644 §3.5.2)."""
    rtype = type_of(registry, urn)
    names = []
    for schema_urn in rtype.schema_urns if rtype is not None else ():
        schema = registry.schema(schema_urn)
        prefix = "" if schema_urn == rtype.schema else f"{schema_urn}:"
        names += [f"{prefix}{a.name}" for a in (schema.attributes if schema else ())]
    return ",".join(["id", "externalId", "meta", *names])


def listed(scim, endpoint: str, name: str, value: str, supports) -> Any:
    """The listing of `endpoint` holding the resource whose `name` is `value` (by filter when
    the target advertises filtering, else the first page)."""
    params = {"filter": f'{name} eq "{value}"'} if supports("filter") else {"count": "20"}
    return scim.get(endpoint, params=params)


@pytest.fixture
def user(make) -> dict[str, Any]:
    return make.user()


@pytest.fixture
def member(make) -> dict[str, Any]:
    return make.user()


@pytest.fixture
def group(make, member) -> dict[str, Any]:
    return make.group(members=[member["id"]])


@pytest.mark.writes
@pytest.mark.requirement(USER)
def test_created_user_is_a_valid_user(scim, cleanup, make, registry):
    resp = scim.post("/Users", json=make.user_body())
    expect_status(resp, 201)
    cleanup.register("/Users", body_of(resp)["id"])
    valid(resp, registry, USER_URN)


@pytest.mark.writes
@pytest.mark.requirement(USER)
def test_read_user_is_a_valid_user(scim, user, registry):
    resp = scim.get(f"/Users/{user['id']}")
    expect_status(resp, 200)
    valid(resp, registry, USER_URN)


@pytest.mark.writes
@pytest.mark.requirement(USER)
def test_listed_users_are_valid_users(scim, user, supports, registry):
    resp = listed(scim, "/Users", "userName", user["userName"], supports)
    body = expect_list(resp)
    found = [f"/Resources/{i}: {p}" for i, resource in enumerate(body.get("Resources", []))
             for p in problems(resource, registry, USER_URN)]
    expect(not found, "every listed user is a valid User", expected=[], actual=found, resp=resp)


@pytest.mark.writes
@pytest.mark.requirement(USER)
def test_replaced_user_is_a_valid_user(scim, make, user, registry):
    sent = make.user_body(userName=user["userName"], displayName="Replaced")
    resp = scim.put(f"/Users/{user['id']}", json=sent)
    expect_status(resp, 200)
    valid(resp, registry, USER_URN)


@pytest.mark.writes
@pytest.mark.feature("patch")
@pytest.mark.requirement(USER)
def test_patched_user_is_a_valid_user(scim, user, registry):
    op = {"op": "replace", "path": "displayName", "value": "Patched"}
    resp = scim.patch(f"/Users/{user['id']}", json=patch_op(op),
                      params={"attributes": every_attribute(registry, USER_URN)})
    expect_status(resp, 200, requirement=ATTRIBUTES_200)
    valid(resp, registry, USER_URN)


@pytest.mark.writes
@pytest.mark.requirement(GROUP)
def test_created_group_is_a_valid_group(scim, cleanup, make, registry):
    member = make.user()
    resp = scim.post("/Groups", json=make.group_body(members=[member["id"]]))
    expect_status(resp, 201)
    cleanup.register("/Groups", body_of(resp)["id"])
    valid(resp, registry, GROUP_URN)


@pytest.mark.writes
@pytest.mark.requirement(GROUP)
def test_read_group_is_a_valid_group(scim, group, registry):
    resp = scim.get(f"/Groups/{group['id']}")
    expect_status(resp, 200)
    valid(resp, registry, GROUP_URN)


@pytest.mark.writes
@pytest.mark.requirement(GROUP)
def test_listed_groups_are_valid_groups(scim, group, supports, registry):
    resp = listed(scim, "/Groups", "displayName", group["displayName"], supports)
    body = expect_list(resp)
    found = [f"/Resources/{i}: {p}" for i, resource in enumerate(body.get("Resources", []))
             for p in problems(resource, registry, GROUP_URN)]
    expect(not found, "every listed group is a valid Group", expected=[], actual=found,
           resp=resp)


@pytest.mark.writes
@pytest.mark.requirement(GROUP)
def test_replaced_group_is_a_valid_group(scim, make, group, member, registry):
    # The PUT is built from what the test sent, not from the create answer: a malformed
    # answer (members as bare strings) is this test's finding, not a step it needs.
    sent = make.group_body(members=[member["id"]], displayName=group["displayName"])
    resp = scim.put(f"/Groups/{group['id']}", json=sent)
    expect_status(resp, 200)
    valid(resp, registry, GROUP_URN)


@pytest.mark.writes
@pytest.mark.feature("patch")
@pytest.mark.requirement(GROUP)
def test_patched_group_is_a_valid_group(scim, make, group, registry):
    other = make.user()
    op = {"op": "add", "path": "members", "value": [{"value": other["id"]}]}
    resp = scim.patch(f"/Groups/{group['id']}", json=patch_op(op),
                      params={"attributes": every_attribute(registry, GROUP_URN)})
    expect_status(resp, 200, requirement=ATTRIBUTES_200)
    valid(resp, registry, GROUP_URN)


@pytest.fixture
def enterprise_user(make, needs_enterprise) -> dict[str, Any]:
    """A user body carrying the enterprise extension with a manager; not applicable when the
    target does not declare the extension."""
    manager = make.user()
    extension = {"employeeNumber": "701984", "department": "Tour Operations",
                 "manager": {"value": manager["id"]}}
    body = make.user_body(**{ENTERPRISE_URN: extension})
    body["schemas"] = [*body["schemas"], ENTERPRISE_URN]
    needs_enterprise(body)
    return body


@pytest.mark.writes
@pytest.mark.requirement(ENTERPRISE)
def test_created_enterprise_user_is_valid(scim, cleanup, enterprise_user):
    resp = scim.post("/Users", json=enterprise_user)
    expect_status(resp, 201)
    cleanup.register("/Users", body_of(resp)["id"])
    expect_schema(without_nulls(body_of(resp)), "EnterpriseUser", resp=resp)


@pytest.mark.writes
@pytest.mark.requirement(ENTERPRISE)
def test_read_enterprise_user_is_valid(scim, make, enterprise_user):
    created = make.user(**enterprise_user)
    resp = scim.get(f"/Users/{created['id']}")
    expect_status(resp, 200)
    expect_schema(without_nulls(body_of(resp)), "EnterpriseUser", resp=resp)


# Every other resource type the target declares ------------------------------------------------


@pytest.fixture
def other_types(registry) -> list[ResourceType]:
    """The target's resource types besides User and Group; not applicable when it has none."""
    found = [r for r in registry.resource_types.values() if r.schema not in KINDS]
    if not found:
        not_applicable("the target declares no resource type besides User and Group")
    return found


def judged(answers: dict[str, tuple[ResourceType, Any]], registry: Registry, what: str) -> None:
    """One check over the bodies several resource types answered: {where: (type, body)}."""
    found = {where: wrong for where, (rtype, body) in answers.items()
             if (wrong := problems(body, registry, rtype.schema))}
    expect(not found, f"{what} of every other resource type is valid as declared",
           expected={}, actual=found)


def created(make, rtype: ResourceType) -> dict[str, Any]:
    return make.resource(rtype.name)


def read(scim, rtype: ResourceType, resource: dict[str, Any]) -> httpx.Response:
    with precondition("rfc7644/3.4.1/read-by-id"):
        resp = scim.get(f"{rtype.endpoint}/{resource['id']}")
        expect_status(resp, 200)
    return resp


@pytest.mark.writes
@pytest.mark.requirement(RESOURCE)
def test_created_resources_of_every_other_type_are_valid(make, other_types, registry):
    answers = {}
    for rtype in other_types:
        resp = make.attempt(rtype.name, make.body(rtype.name))
        with precondition("rfc7644/3.3/created-201"):
            expect_status(resp, 201)
        answers[rtype.name] = (rtype, body_of(resp))
    judged(answers, registry, "the create answer")


@pytest.mark.writes
@pytest.mark.requirement(RESOURCE)
def test_read_resources_of_every_other_type_are_valid(scim, make, other_types, registry):
    answers = {}
    for rtype in other_types:
        answers[rtype.name] = (rtype, body_of(read(scim, rtype, created(make, rtype))))
    judged(answers, registry, "the read answer")


@pytest.mark.writes
@pytest.mark.requirement(RESOURCE)
def test_listed_resources_of_every_other_type_are_valid(scim, make, other_types, registry):
    answers = {}
    for rtype in other_types:
        created(make, rtype)
        resp = scim.get(rtype.endpoint, params={"count": "20"})
        # RFC 7644 §3.4.2.1 lets a provider refuse an unfiltered query with 400 tooMany.
        if resp.status_code == 400:
            continue
        listing = expect_list(resp)
        for index, resource in enumerate(listing.get("Resources", [])):
            answers[f"{rtype.name} /Resources/{index}"] = (rtype, resource)
    if not answers:
        not_applicable("every other resource type refused an unfiltered query (tooMany)")
    judged(answers, registry, "the listing")


@pytest.mark.writes
@pytest.mark.requirement(RESOURCE)
def test_replaced_resources_of_every_other_type_are_valid(scim, make, other_types, registry):
    answers = {}
    for rtype in other_types:
        resource = created(make, rtype)
        sent = {key: value for key, value in resource.items() if key != "meta"}
        resp = scim.put(f"{rtype.endpoint}/{resource['id']}", json=sent)
        with precondition("rfc7644/3.5.1/put-replaces"):
            expect_status(resp, 200)
        answers[rtype.name] = (rtype, body_of(resp))
    judged(answers, registry, "the PUT answer")


def writable_text(registry: Registry, rtype: ResourceType, resource: dict[str, Any]
                  ) -> str | None:
    """A readWrite, single-valued string attribute of the core schema that `resource` holds:
    replacing it with its own value is a PATCH that changes nothing."""
    core = registry.schema(rtype.schema)
    for attr in core.attributes if core else ():
        if attr.type == "string" and not attr.multi_valued and attr.mutability == "readWrite" \
                and isinstance(resource.get(attr.name), str):
            return attr.name
    return None


@pytest.mark.writes
@pytest.mark.feature("patch")
@pytest.mark.requirement(RESOURCE)
def test_patched_resources_of_every_other_type_are_valid(scim, make, other_types, registry):
    answers = {}
    for rtype in other_types:
        resource = created(make, rtype)
        name = writable_text(registry, rtype, resource)
        if name is None:
            continue
        op = {"op": "replace", "path": name, "value": resource[name]}
        resp = scim.patch(f"{rtype.endpoint}/{resource['id']}", json=patch_op(op),
                          params={"attributes": every_attribute(registry, rtype.schema)})
        expect_status(resp, 200, requirement=ATTRIBUTES_200)
        answers[rtype.name] = (rtype, body_of(resp))
    if not answers:
        not_applicable("no other resource type has a writable string attribute to PATCH")
    judged(answers, registry, "the PATCH answer")


# Canonical values -----------------------------------------------------------------------------


@pytest.mark.writes
@pytest.mark.requirement(CANONICAL)
def test_answers_hold_only_declared_canonical_values(scim, make, registry):
    """Resources made from the suite's data (canonical where it names a canonical attribute),
    read back: every value of an attribute declaring canonical values is one of them."""
    member = make.user()
    made = [(USER_URN, member), (GROUP_URN, make.group(members=[member["id"]]))]
    made += [(r.schema, make.resource(r.name)) for r in registry.resource_types.values()
             if r.schema not in KINDS]
    found: dict[str, list[str]] = {}
    for urn, resource in made:
        rtype = type_of(registry, urn)
        if rtype is None:
            continue
        body = body_of(read(scim, rtype, resource))
        wrong = resource_schemas.violations(body, registry, rtype, canonical=True)
        if wrong:
            found[rtype.name] = [str(v) for v in wrong]
    expect(not found, "values are among the declared canonical values", expected={},
           actual=found)
