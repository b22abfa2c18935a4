"""The server requirements of the IETF draft SCIM interoperability profile
(draft-zollner-scim-interop-profile-01; fixtures/requirements/interop.json).

Graded as a column of their own: a requirement not met fails only when the target claims the
profile in its ServiceProviderConfig (§4) or the run asks for it (--scim-interop); otherwise it is
a deviation (harness/claim.py); the plugin reads discovery before each test, so its verdict knows
the claim.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from scimcert.harness import lookup
from scimcert.harness.checks import (
    body_of,
    expect,
    expect_content_type,
    expect_error,
    expect_list,
    expect_status,
    fail,
    precondition,
)
from scimcert.harness.claim import FLAG
from scimcert.harness.messages import patch_op
from scimcert.harness.outcome import not_applicable
from scimcert.scim.schema import Attribute, Registry, ResourceType

ENDPOINTS = "interop/5.1/discovery-endpoints"
DELETED = "rfc7644/3.6/delete-204"
NO_USERS = "the target declares no User resource type"
# Names no target is expected to declare: what §5.3 and §6.3 send.
UNDECLARED = "scimcertUndeclared"
UNDECLARED_URN = "urn:ietf:params:scim:schemas:extension:scimcert:2.0:Undeclared"
# Singular simple readWrite strings a User commonly declares (RFC 7643 §4.1.1), in preference.
SIMPLE = ("displayName", "nickName", "title")
# §6.4: the count a provider must honour, and one above any page size a provider keeps.
HUNDRED = 100
FAR_ABOVE = 100_000


# Helpers ---------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def users(user_type) -> ResourceType:
    """The target's User resource type; the profile's user rules apply only where it has one."""
    if user_type is None:
        not_applicable(NO_USERS)
    return user_type


@pytest.fixture(scope="session")
def simple(registry: Registry, users: ResourceType) -> str:
    """A singular simple readWrite string attribute of User the target declares."""
    fit = [attr.name for attr in (registry.attribute(users, name) for name in SIMPLE)
           if attr is not None and attr.type == "string" and not attr.multi_valued
           and attr.mutability == "readWrite"]
    if not fit:
        not_applicable(f"the target's User declares none of {', '.join(SIMPLE)}")
    return fit[0]


def listing(scim, path: str) -> list[dict[str, Any]]:
    """The documents a discovery endpoint lists: reading it is a precondition filed under the
    requirement that it be served."""
    with precondition(ENDPOINTS):
        resp = scim.get(path)
        expect_status(resp, 200)
        body = body_of(resp)
        items = body.get("Resources") if isinstance(body, dict) else None
        expect(isinstance(items, list) and items, f"GET {path} lists its documents",
               expected="a ListResponse with Resources", actual=body, resp=resp)
    return [item for item in items if isinstance(item, dict)]


def found(scim, endpoint: str, expression: str) -> list[str]:
    """The ids a filter finds on `endpoint` (a count of 200 covers what the tests look for)."""
    body = expect_list(scim.get(endpoint, params={"filter": expression, "count": 200}))
    return [r.get("id") for r in body.get("Resources") or [] if isinstance(r, dict)]


def values(resource: dict[str, Any], path: str, registry: Registry, rtype: ResourceType
           ) -> list[Any]:
    return lookup.values_at(resource, path, registry, rtype)


def sub_attributes(registry: Registry, rtype: ResourceType, name: str,
                   *subs: str) -> Attribute:
    """The attribute `name` of `rtype`, not applicable unless the target declares it with the
    writable sub-attributes `subs`."""
    attr = registry.attribute(rtype, name)
    missing = [s for s in subs if attr is None or attr.sub(s) is None
               or attr.sub(s).mutability not in ("readWrite", "writeOnly")]
    if attr is None or missing:
        not_applicable(f"the target's {rtype.name} does not declare {name} with "
                       f"{', '.join(subs)}")
    return attr


def swapped_case(text: str) -> str:
    """`text` with the case of every letter swapped; not applicable when it has no letters."""
    other = text.swapcase()
    if other == text:
        not_applicable(f"{text!r} has no letters, so no value differs from it only in case")
    return other


# §4 Scope and conformance ----------------------------------------------------------------------


@pytest.mark.requirement("interop/4/conformance-flag")
def test_service_provider_config_claims_the_profile(discovery):
    spc = discovery.spc
    expect(spc is not None, "the target serves a ServiceProviderConfig to carry the claim",
           expected="a ServiceProviderConfig", actual=discovery.problem)
    expect(spc.get(FLAG) is True, f"ServiceProviderConfig carries {FLAG}: true (a Boolean)",
           expected=True, actual=spc.get(FLAG, "absent"))


# §5.1 Discovery endpoints ----------------------------------------------------------------------


@pytest.mark.requirement(ENDPOINTS)
@pytest.mark.parametrize("path", ["/ServiceProviderConfig", "/Schemas", "/ResourceTypes"])
def test_discovery_endpoint_is_served(scim, path):
    resp = scim.get(path)
    expect_status(resp, 200)
    body = body_of(resp)
    if path == "/ServiceProviderConfig":
        expect(isinstance(body, dict) and body.get("schemas"),
               "ServiceProviderConfig answers its document", expected="an object with schemas",
               actual=body, resp=resp)
        return
    items = body.get("Resources") if isinstance(body, dict) else None
    expect(isinstance(items, list) and items, f"GET {path} lists its documents",
           expected="a ListResponse with Resources", actual=body, resp=resp)


@pytest.mark.requirement("interop/5.1/resource-type-schemas-served")
def test_resource_type_schemas_are_served(scim):
    served = {str(s.get("id")).lower() for s in listing(scim, "/Schemas")}
    named = {str(urn) for rt in listing(scim, "/ResourceTypes")
             for urn in [rt.get("schema"), *(e.get("schema") for e in rt.get("schemaExtensions")
                                              or [] if isinstance(e, dict))]}
    missing = sorted(urn for urn in named if urn.lower() not in served)
    expect(not missing, "every schema /ResourceTypes names is served at /Schemas",
           expected="none missing", actual=missing)


@pytest.mark.requirement("interop/5.1/resource-type-id-is-name")
def test_resource_type_id_equals_name(scim):
    wrong = [{"id": rt.get("id"), "name": rt.get("name")} for rt in listing(scim, "/ResourceTypes")
             if rt.get("id") is None or rt.get("id") != rt.get("name")]
    expect(not wrong, "every ResourceType has an id equal to its name",
           expected="id == name", actual=wrong)


# §5.2 Case sensitivity -------------------------------------------------------------------------


@pytest.mark.writes
@pytest.mark.requirement("interop/5.2/id-case-exact")
def test_id_in_other_case_names_no_resource(scim, make, users):
    user = make.user()
    other = swapped_case(user["id"])
    resp = scim.get(f"{users.endpoint}/{quote(other, safe='')}")
    expect(resp.status_code == 404, "GET by the id in the other case finds no resource",
           expected=404, actual=resp.status_code, resp=resp)
    ids = found(scim, users.endpoint, f'id eq "{other}"')
    expect(ids == [], "filter id eq, the id in the other case, finds no resource",
           expected=[], actual=ids)


@pytest.mark.writes
@pytest.mark.requirement("interop/5.2/external-id-case-exact")
def test_external_ids_differing_in_case_are_distinct(scim, make, users):
    tag = make.tag()
    first = make.user(externalId=f"{tag}-abc")
    resp = make.attempt("User", make.user_body(externalId=f"{tag}-ABC"))
    expect(resp.status_code == 201, "a user whose externalId differs only in case is created",
           expected=201, actual=resp.status_code, resp=resp)
    ids = found(scim, users.endpoint, f'externalId eq "{tag}-abc"')
    expect(ids == [first["id"]], "externalId eq finds only the user with that exact case",
           expected=[first["id"]], actual=ids)


def case_probe(scim, make, users: ResourceType) -> tuple[dict[str, Any], bool, bool]:
    """A user; whether filter userName eq finds it by its userName in the other case; whether
    a create with that userName is refused as taken."""
    user = make.user()
    other = swapped_case(user["userName"])
    matched = user["id"] in found(scim, users.endpoint, f'userName eq "{other}"')
    resp = make.attempt("User", make.user_body(userName=other))
    return user, matched, resp.status_code in (400, 409)


@pytest.mark.writes
@pytest.mark.requirement("interop/5.2/username-case-insensitive")
def test_user_name_in_other_case_is_the_same_value(scim, make, users):
    user, matched, refused = case_probe(scim, make, users)
    expect(matched, "filter userName eq, the userName in the other case, finds the user",
           expected=[user["id"]], actual="no match")
    expect(refused, "a create with the userName in the other case is refused as taken",
           expected="409", actual="created")


@pytest.mark.writes
@pytest.mark.requirement("interop/5.2/filter-uniqueness-consistent")
def test_filter_and_uniqueness_share_one_case_rule(scim, make, users):
    _, matched, refused = case_probe(scim, make, users)
    expect(matched == refused, "userName in the other case matches a filter exactly when it "
           "conflicts on create", expected={"filter matches": refused, "create conflicts": refused},
           actual={"filter matches": matched, "create conflicts": refused})


# §5.3 Attribute and schema handling ------------------------------------------------------------


UNDECLARED_PLACES = ["attribute", "sub-attribute"]


@pytest.mark.writes
@pytest.mark.requirement("interop/5.3/undeclared-attribute-refused")
@pytest.mark.parametrize("place", UNDECLARED_PLACES)
def test_create_with_undeclared_attribute_is_refused(make, registry, users, place):
    body = make.user_body()
    if place == "attribute":
        if registry.attribute(users, UNDECLARED) is not None:
            not_applicable(f"the target declares {UNDECLARED}")
        body[UNDECLARED] = "x"
    else:
        sub_attributes(registry, users, "name", "givenName")
        body["name"] = {**(body.get("name") or {}), "givenName": "Ada", UNDECLARED: "x"}
    expect_error(make.attempt("User", body), 400, "invalidSyntax")


@pytest.mark.writes
@pytest.mark.requirement("interop/5.3/undeclared-attribute-refused")
def test_patch_value_with_undeclared_sub_attribute_is_refused(scim, make, read, registry, users):
    sub_attributes(registry, users, "name", "givenName", "familyName")
    user = make.user(name={"givenName": "Ada", "familyName": "Lovelace"})
    resp = scim.patch(f"{users.endpoint}/{user['id']}", json=patch_op(
        {"op": "add", "path": "name", "value": {"givenName": "Grace", UNDECLARED: "x"}}))
    expect_error(resp, 400, "invalidSyntax")
    after = values(read(f"{users.endpoint}/{user['id']}"), "name.givenName", registry, users)
    expect(after == ["Ada"], "the refused PATCH changed nothing", expected=["Ada"], actual=after)


@pytest.mark.writes
@pytest.mark.requirement("interop/5.3/undeclared-schema-refused")
def test_create_naming_undeclared_schema_is_refused(make, users):
    body = make.user_body()
    body["schemas"] = [*body.get("schemas", [users.schema]), UNDECLARED_URN]
    expect_error(make.attempt("User", body), 400, "invalidSyntax")


# §5.4 Canonical values -------------------------------------------------------------------------


@pytest.mark.requirement("interop/5.4/canonical-values-declared")
def test_typed_multi_valued_attributes_declare_canonical_values(scim):
    untyped = []
    for schema in listing(scim, "/Schemas"):
        for attr in schema.get("attributes") or []:
            subs = attr.get("subAttributes") or [] if isinstance(attr, dict) else []
            kind = next((s for s in subs if str(s.get("name")).lower() == "type"), None)
            if attr.get("multiValued") is True and kind is not None \
                    and not kind.get("canonicalValues"):
                untyped.append(f"{schema.get('id')}:{attr.get('name')}")
    expect(not untyped, "every multi-valued attribute with a type names its canonicalValues",
           expected="none without", actual=untyped)


# §6.1 Endpoint structure -----------------------------------------------------------------------


@pytest.mark.writes
@pytest.mark.requirement("interop/6.1/resource-at-endpoint-id")
def test_resource_lives_at_its_endpoint_and_id(scim, make, registry, users):
    endpoints = [rt.endpoint.lower() for rt in registry.resource_types.values()]
    shared = sorted({e for e in endpoints if endpoints.count(e) > 1})
    expect(not shared, "each resource type has an endpoint of its own", expected=[],
           actual=shared)
    user = make.user()
    resp = scim.get(f"{users.endpoint}/{user['id']}")
    body = body_of(resp) if resp.status_code == 200 else None
    expect(isinstance(body, dict) and body.get("id") == user["id"],
           "the user is at /{endpoint}/{id}", expected=user["id"], actual=resp.status_code,
           resp=resp)
    by_name = scim.get(f"{users.endpoint}/{quote(user['userName'], safe='')}")
    expect(not by_name.is_success, "the user is not addressed by its userName in the path",
           expected="an error answer", actual=by_name.status_code, resp=by_name)


# §6.2 Data format ------------------------------------------------------------------------------


def _created(scim, make, users: ResourceType) -> httpx.Response:
    return make.attempt("User", make.user_body())


def _read(scim, make, users: ResourceType) -> httpx.Response:
    return scim.get(f"{users.endpoint}/{make.user()['id']}")


def _listed(scim, make, users: ResourceType) -> httpx.Response:
    return scim.get(users.endpoint, params={"count": 1})


def _refused(scim, make, users: ResourceType) -> httpx.Response:
    return scim.get(f"{users.endpoint}/{make.tag()}")


ANSWERS: dict[str, Callable[..., httpx.Response]] = {
    "create": _created, "read": _read, "list": _listed, "error": _refused}


@pytest.mark.writes
@pytest.mark.requirement("interop/6.2/scim-json-both-ways")
@pytest.mark.parametrize("answer", list(ANSWERS))
def test_scim_bodies_travel_as_scim_json(scim, make, users, answer):
    resp = ANSWERS[answer](scim, make, users)
    expect(resp.status_code < 500 and resp.content, f"the {answer} answer carries SCIM data",
           expected="a body", actual=resp.status_code, resp=resp)
    expect_content_type(resp)


# §6.3 Filtering --------------------------------------------------------------------------------


@pytest.mark.writes
@pytest.mark.requirement("interop/6.3/eq-and-supported")
def test_eq_joined_by_and_finds_exactly_the_match(scim, make, users):
    user, other = make.user(), make.user()
    name = user["userName"]
    both = found(scim, users.endpoint, f'userName eq "{name}" and id eq "{user["id"]}"')
    expect(both == [user["id"]], "eq and eq finds the user meeting both", expected=[user["id"]],
           actual=both)
    neither = found(scim, users.endpoint, f'userName eq "{name}" and id eq "{other["id"]}"')
    expect(neither == [], "eq and eq finds nothing when one side fails", expected=[],
           actual=neither)


@pytest.mark.requirement("interop/6.3/undeclared-filter-attribute")
def test_filter_on_undeclared_attribute_answers_invalid_filter(scim, registry, users):
    if registry.attribute(users, UNDECLARED) is not None:
        not_applicable(f"the target declares {UNDECLARED}")
    resp = scim.get(users.endpoint, params={"filter": f'{UNDECLARED} eq "x"'})
    expect_error(resp, 400, "invalidFilter")


# §6.4 Pagination -------------------------------------------------------------------------------


@pytest.fixture
def populated(scim, make, target, users) -> int:
    """How many users the target holds: more than 100 on a run that may write, which creates
    (and at the end deletes) what is missing, so a page of 100 can be told from a smaller one."""
    with precondition("interop/6.4/paging-supported"):
        body = expect_list(scim.get(users.endpoint, params={"count": 1}))
    total = body.get("totalResults")
    if not isinstance(total, int):
        raise fail("the list answer states totalResults", expected="an integer", actual=total)
    if target.allow_writes:
        for _ in range(HUNDRED + 1 - total):
            make.create("User", make.minimal("User"))
        total = max(total, HUNDRED + 1)
    return total


def page(scim, users: ResourceType, **params: Any) -> tuple[dict[str, Any], list[Any]]:
    body = expect_list(scim.get(users.endpoint, params=params))
    return body, body.get("Resources") or []


@pytest.mark.requirement("interop/6.4/paging-supported")
def test_start_index_pages_through_results(scim, spc, users, populated):
    paging = spc.get("pagination")
    if isinstance(paging, dict) and paging.get("cursor") is True and paging.get("index") is False:
        not_applicable("the target pages by cursor (RFC 9865), which scimcert does not check")
    if populated < 2:
        not_applicable("fewer than two users to page through")
    first = [r.get("id") for r in page(scim, users, startIndex=1, count=1)[1]]
    second_body, second = page(scim, users, startIndex=2, count=1)
    ids = [r.get("id") for r in second]
    expect(len(ids) == 1 and ids != first and second_body.get("startIndex") == 2,
           "startIndex=2&count=1 answers the second result", expected={"startIndex": 2,
           "a result other than": first}, actual={"startIndex": second_body.get("startIndex"),
                                                  "results": ids})


@pytest.mark.requirement("interop/6.4/count-100-honoured")
def test_count_of_100_gets_100_results(scim, users, populated):
    body, resources = page(scim, users, count=HUNDRED)
    wanted = min(HUNDRED, body.get("totalResults", populated))
    expect(len(resources) == wanted, "count=100 answers 100 results (all, when fewer exist)",
           expected=wanted, actual=len(resources))


@pytest.mark.requirement("interop/6.4/default-count-100")
def test_page_without_count_holds_100_results(scim, users, populated):
    body, resources = page(scim, users)
    wanted = min(HUNDRED, body.get("totalResults", populated))
    expect(len(resources) >= wanted, "a page asked without count holds at least 100 results",
           expected=f">= {wanted}", actual=len(resources))


@pytest.mark.requirement("interop/6.4/count-above-limit")
def test_count_above_the_limit_gets_a_page(scim, spc, users, populated):
    body, resources = page(scim, users, count=FAR_ABOVE)
    limit = (spc.get("filter") or {}).get("maxResults") if isinstance(spc.get("filter"), dict) \
        else None
    total = body.get("totalResults", populated)
    most = min(total, limit) if isinstance(limit, int) and limit > 0 else total
    expect(len(resources) <= most and body.get("itemsPerPage", len(resources)) == len(resources),
           "a count above the limit answers a page of at most the limit",
           expected=f"<= {most} results", actual=len(resources))


# §6.5 Updating resources -----------------------------------------------------------------------


@pytest.mark.writes
@pytest.mark.requirement("interop/6.5/patch-supported")
def test_patch_is_advertised_and_applied(scim, make, read, discovery, registry, users, simple):
    expect(discovery.spc is None or discovery.supports("patch"),
           "ServiceProviderConfig advertises patch", expected={"supported": True},
           actual=(discovery.spc or {}).get("patch"))
    user = make.user()
    value = make.tag()
    resp = scim.patch(f"{users.endpoint}/{user['id']}", json=patch_op(
        {"op": "replace", "path": simple, "value": value}))
    expect_status(resp, 200, 204)
    after = values(read(f"{users.endpoint}/{user['id']}"), simple, registry, users)
    expect(after == [value], f"the PATCH set {simple}", expected=[value], actual=after)


@pytest.mark.writes
@pytest.mark.requirement("interop/6.5.1.1/pathless-op-refused")
def test_operation_without_path_is_refused(scim, make, read, registry, users, simple):
    user = make.user()
    before = values(read(f"{users.endpoint}/{user['id']}"), simple, registry, users)
    resp = scim.patch(f"{users.endpoint}/{user['id']}", json=patch_op(
        {"op": "replace", "value": {simple: make.tag()}}))
    expect_error(resp, 400, "invalidSyntax")
    after = values(read(f"{users.endpoint}/{user['id']}"), simple, registry, users)
    expect(after == before, "the refused PATCH changed nothing", expected=before, actual=after)


@pytest.mark.writes
@pytest.mark.requirement("interop/6.5.2.1/simple-add-equals-replace")
@pytest.mark.parametrize("op", ["add", "replace"])
def test_add_and_replace_set_a_simple_attribute_alike(scim, make, read, send_patch, registry,
                                                      users, simple, op):
    user = make.user()
    where = f"{users.endpoint}/{user['id']}"
    for state in ("set", "unset"):
        if state == "unset":
            send_patch(where, [{"op": "remove", "path": simple}])
        value = make.tag()
        resp = scim.patch(where, json=patch_op({"op": op, "path": simple, "value": value}))
        expect_status(resp, 200, 204)
        after = values(read(where), simple, registry, users)
        expect(after == [value], f"{op} {simple} on a {state} value sets it", expected=[value],
               actual=after)


@pytest.fixture
def named_user(make, registry, users) -> dict[str, Any]:
    """A user whose name has givenName and familyName."""
    sub_attributes(registry, users, "name", "givenName", "familyName")
    return make.user(name={"givenName": "Ada", "familyName": "Lovelace"})


@pytest.mark.writes
@pytest.mark.requirement("interop/6.5.2.1/complex-replace-whole")
def test_replace_of_complex_attribute_drops_unsent_sub_attributes(read, send_patch, registry,
                                                                 users, named_user):
    where = f"{users.endpoint}/{named_user['id']}"
    send_patch(where, [{"op": "replace", "path": "name", "value": {"familyName": "Hopper"}}])
    after = read(where)
    kept = {sub: values(after, f"name.{sub}", registry, users)
            for sub in ("givenName", "familyName")}
    expect(kept == {"givenName": [], "familyName": ["Hopper"]},
           "replace of name leaves only the sub-attributes sent",
           expected={"givenName": [], "familyName": ["Hopper"]}, actual=kept)


@pytest.mark.writes
@pytest.mark.requirement("interop/6.5.2.1/complex-add-merges")
def test_add_of_complex_attribute_keeps_unsent_sub_attributes(read, send_patch, registry, users,
                                                             named_user):
    where = f"{users.endpoint}/{named_user['id']}"
    send_patch(where, [{"op": "add", "path": "name", "value": {"familyName": "Hopper"}}])
    after = read(where)
    kept = {sub: values(after, f"name.{sub}", registry, users)
            for sub in ("givenName", "familyName")}
    expect(kept == {"givenName": ["Ada"], "familyName": ["Hopper"]},
           "add to name changes the sub-attributes sent and keeps the others",
           expected={"givenName": ["Ada"], "familyName": ["Hopper"]}, actual=kept)


@pytest.fixture
def mailed_user(make, registry, users, target) -> tuple[dict[str, Any], list[str]]:
    """A user with one work email, and the email types the target takes."""
    emails = sub_attributes(registry, users, "emails", "value", "type")
    types = list(emails.sub("type").canonical_values) or ["work", "home"]
    if len(types) < 2:
        not_applicable("the target's emails take fewer than two types")
    address = f"{make.tag()}@{target.email_domain}"
    return make.user(emails=[{"value": address, "type": types[0]}]), types


@pytest.mark.writes
@pytest.mark.requirement("interop/6.5.2.2/multi-valued-replace-all")
def test_replace_of_multi_valued_attribute_replaces_the_collection(
        make, read, send_patch, registry, users, target, mailed_user):
    user, types = mailed_user
    address = f"{make.tag()}@{target.email_domain}"
    where = f"{users.endpoint}/{user['id']}"
    send_patch(where, [{"op": "replace", "path": "emails",
                        "value": [{"value": address, "type": types[1]}]}])
    after = values(read(where), "emails.value", registry, users)
    expect(after == [address], "replace of emails leaves only the emails sent",
           expected=[address], actual=after)


@pytest.mark.writes
@pytest.mark.requirement("interop/6.5.2.2/multi-valued-add-appends")
def test_add_to_multi_valued_attribute_appends(make, read, send_patch, registry, users, target,
                                              mailed_user):
    user, types = mailed_user
    first = values(read(f"{users.endpoint}/{user['id']}"), "emails.value", registry, users)
    address = f"{make.tag()}@{target.email_domain}"
    where = f"{users.endpoint}/{user['id']}"
    send_patch(where, [{"op": "add", "path": "emails",
                        "value": [{"value": address, "type": types[1]}]}])
    after = values(read(where), "emails.value", registry, users)
    expect(sorted(after) == sorted([*first, address]), "add to emails keeps the emails there",
           expected=sorted([*first, address]), actual=sorted(after))


# §6.6 Resource lifecycle -----------------------------------------------------------------------


@pytest.mark.writes
@pytest.mark.requirement("interop/6.6/patch-never-deletes")
def test_patched_user_is_kept(scim, make, send_patch, registry, users, simple):
    user = make.user()
    where = f"{users.endpoint}/{user['id']}"
    active = registry.attribute(users, "active")
    change = {"op": "replace", "path": "active", "value": False} if active is not None \
        else {"op": "replace", "path": simple, "value": make.tag()}
    send_patch(where, [change])
    resp = scim.get(where)
    expect(resp.status_code == 200, "a user changed by PATCH is still there", expected=200,
           actual=resp.status_code, resp=resp)


@pytest.fixture
def deleted(scim, make, users) -> dict[str, Any]:
    """A user made and then deleted; the delete's status is graded by the RFC suite."""
    user = make.user()
    with precondition(DELETED):
        expect_status(scim.delete(f"{users.endpoint}/{user['id']}"), 200, 204)
    return user


@pytest.mark.writes
@pytest.mark.requirement("interop/6.6/deleted-not-found", "interop/6.6/delete-not-deactivation")
def test_deleted_user_answers_404(scim, users, simple, deleted):
    where = f"{users.endpoint}/{deleted['id']}"
    resp = scim.get(where)
    if resp.status_code == 200:
        body = body_of(resp)
        expect(not (isinstance(body, dict) and body.get("active") is False),
               "DELETE deleted the user rather than deactivating it", expected=404,
               actual={"status": 200, "active": False}, resp=resp,
               requirement="interop/6.6/delete-not-deactivation")
    answers = {"GET": resp.status_code,
               "PATCH": scim.patch(where, json=patch_op(
                   {"op": "replace", "path": simple, "value": "x"})).status_code,
               "DELETE": scim.delete(where).status_code}
    expect(set(answers.values()) == {404}, "every operation on the deleted user answers 404",
           expected=dict.fromkeys(answers, 404), actual=answers,
           requirement="interop/6.6/deleted-not-found")


@pytest.mark.writes
@pytest.mark.requirement("interop/6.6/deleted-not-listed")
def test_deleted_user_is_absent_from_queries(scim, users, deleted):
    hits = {expression: found(scim, users.endpoint, expression)
            for expression in (f'userName eq "{deleted["userName"]}"', f'id eq "{deleted["id"]}"')}
    expect(not any(hits.values()), "queries omit the deleted user",
           expected={key: [] for key in hits}, actual=hits)


@pytest.mark.writes
@pytest.mark.requirement("interop/6.6/identifiers-reusable")
def test_deleted_user_name_is_free_again(make, deleted):
    resp = make.attempt("User", make.user_body(userName=deleted["userName"]))
    expect(resp.status_code == 201, "a new user takes the deleted user's userName",
           expected=201, actual=resp.status_code, resp=resp)


# §6.9.1 Uniqueness conflicts -------------------------------------------------------------------


@pytest.mark.writes
@pytest.mark.requirement("interop/6.9.1/uniqueness-409")
@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_uniqueness_conflict_answers_409(scim, make, users, method):
    taken = make.user()
    if method == "POST":
        resp = make.attempt("User", make.user_body(userName=taken["userName"]))
    else:
        user = make.user()
        resp = scim.patch(f"{users.endpoint}/{user['id']}", json=patch_op(
            {"op": "replace", "path": "userName", "value": taken["userName"]}))
    expect_error(resp, 409, "uniqueness")

