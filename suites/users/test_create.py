"""Creating users: status, Location, the attributes sent, schemas and id (RFC 7644 §3.3)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from scimcert.harness import cases
from scimcert.harness.bodies import without_nulls
from scimcert.harness.checks import body_of, expect, expect_equal, expect_status
from scimcert.scim.urns import ENTERPRISE_URN, USER_URN

DATA = cases.load("suites/users.json")
FULL_USER = DATA["full_user"]
UNKNOWN_URN = DATA["unknown_schema_urn"]


@dataclass(frozen=True)
class Created:
    """The create of the full user: the body the user was made from, the answer, and the
    answer refusing the full user when the target took only the minimal body."""

    sent: dict[str, Any]
    resp: httpx.Response
    refused: httpx.Response | None


def missing(sent: Any, got: Any, where: str = "") -> list[str]:
    """Where `got` lacks a value of `sent`: objects by key, lists by element, scalars equal."""
    if isinstance(sent, dict):
        if not isinstance(got, dict):
            return [f"{where or '/'}: expected an object, got {got!r}"]
        return [gap for key, value in sent.items()
                for gap in missing(value, got.get(key), f"{where}/{key}")]
    if isinstance(sent, list):
        if not isinstance(got, list):
            return [f"{where}: expected a list, got {got!r}"]
        return [f"{where}: no element matches {item!r}" for item in sent
                if not any(not missing(item, candidate) for candidate in got)]
    if sent == got and type(sent) is type(got):
        return []
    return [f"{where}: sent {sent!r}, got {got!r}"]


def assigned(resource: dict[str, Any]) -> dict[str, Any]:
    """The attributes of `resource` that hold a value, names lower-cased: null and [] are the
    unassigned state (RFC 7643 §2.5) and names are case-insensitive (RFC 7643 §2.1)."""
    return {key.lower(): value for key, value in without_nulls(resource).items()
            if value != []}


@pytest.fixture
def full_body(make, named, fit_user) -> dict[str, Any]:
    """The full user, cut to the attributes and extensions the target declares."""
    return make.user_body(**fit_user(named(FULL_USER)))


@pytest.fixture
def created(make, full_body) -> Created:
    """POSTs the full user. A target refusing it (400) gets the minimal body once, as the
    factory does: RFC 7644 §3.3 leaves it free to refuse content it cannot take."""
    resp = make.attempt("User", full_body)
    if resp.status_code != 400:
        return Created(full_body, resp, None)
    small = make.minimal("User")
    return Created(small, make.attempt("User", small), resp)


def echoed(sent: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in sent.items() if key != "schemas"}


@pytest.mark.writes
@pytest.mark.requirement("rfc7644/3.3/created-201")
def test_create_answers_201(created):
    expect_status(created.resp, 201)


@pytest.mark.writes
@pytest.mark.requirement("rfc7644/3.3/location-header")
def test_create_location_header_equals_meta_location(created, created_id):
    created_id(created.resp)
    location = created.resp.headers.get("location")
    meta = body_of(created.resp).get("meta") or {}
    expect(location, "the create answer has a Location header", expected="a URI", actual=location)
    expect_equal(location, meta.get("location"), "Location header vs meta.location")


@pytest.mark.writes
@pytest.mark.requirement("rfc7644/3.3/body-representation")
def test_create_answer_carries_the_created_user(created, read, created_id):
    # RFC 7644 §3.3: the body SHOULD hold "the service provider's representation" of the new
    # resource, and the server "is free to alter and/or ignore POSTed content"; so the answer is
    # compared with what a read returns, not with what was sent (entra/users/stored-as-sent).
    stored = assigned(read(f"/Users/{created_id(created.resp)}"))
    given = assigned(body_of(created.resp))
    gaps = sorted(key for key, value in stored.items()
                  if key != "meta" and given.get(key) != value)
    expect(not gaps, "the create answer holds the user as a read returns it",
           expected=[], actual=gaps)


@pytest.mark.writes
@pytest.mark.requirement("entra/users/stored-as-sent")
def test_read_returns_every_attribute_sent(created, read, created_id):
    user_id = created_id(created.resp)
    refused = created.refused
    expect(refused is None, "the target takes a user carrying only attributes it declares",
           expected=201, actual=refused.status_code if refused is not None else None,
           resp=refused)
    gaps = missing(echoed(created.sent), read(f"/Users/{user_id}"))
    expect(not gaps, "a read holds every attribute value as sent", expected=[], actual=gaps)


@pytest.mark.writes
@pytest.mark.requirement("rfc7644/3.3/read-only-create-ignored", "rfc7643/3.1/id-server-assigned")
def test_client_supplied_id_is_ignored(make, target):
    chosen = f"{target.run_id}client-chosen-id"
    resp = make.attempt("User", make.user_body(id=chosen))
    expect_status(resp, 201)
    body = body_of(resp)
    expect(body.get("id") != chosen, "the service provider assigns id, ignoring the client's",
           expected=f"an id other than {chosen!r}", actual=body.get("id"))


@pytest.mark.writes
@pytest.mark.requirement("rfc7643/3/schemas-listed")
def test_schemas_lists_core_and_extension(created, read, created_id):
    schemas = read(f"/Users/{created_id(created.resp)}").get("schemas") or []
    sent = set(created.sent.get("schemas") or [])
    wanted = [urn for urn in (USER_URN, ENTERPRISE_URN) if urn in sent]
    expect(set(wanted) <= set(schemas), "schemas names the core and every extension URN sent",
           expected=wanted, actual=schemas)


@pytest.mark.writes
@pytest.mark.requirement("rfc7643/3/schemas-declared-only")
def test_unknown_schema_urn_is_not_kept(make, read, created_id, user_type):
    # RFC 7644 §3.3 lets the server ignore the URN ("free to alter and/or ignore POSTed
    # content") or refuse the request (§3.12 invalidSyntax / invalidValue; a 5xx is graded by
    # rfc7644/3.12/no-server-error); only listing it in the created user breaks RFC 7643 §3.
    resp = make.attempt("User", make.user_body(schemas=[USER_URN, UNKNOWN_URN]))
    if not resp.is_success:
        return
    user_id = created_id(resp)
    declared = {urn.lower() for urn in user_type.schema_urns} if user_type else {USER_URN.lower()}
    for where, schemas in (("the create answer", body_of(resp).get("schemas")),
                           ("a read", read(f"/Users/{user_id}").get("schemas"))):
        foreign = [urn for urn in schemas or [] if str(urn).lower() not in declared]
        expect(not foreign, f"schemas in {where} lists only URNs the User type declares",
               expected=f"a subset of {sorted(declared)}", actual=schemas)


@pytest.mark.writes
@pytest.mark.requirement("rfc7644/3.4.1/read-by-id")
def test_read_by_id_returns_the_user(scim, make):
    user = make.user()
    resp = scim.get(f"/Users/{user['id']}")
    expect_status(resp, 200)
    body = body_of(resp)
    expect_equal(body.get("id"), user["id"], "id")
    expect(str(body.get("userName")).casefold() == user["userName"].casefold(),
           "userName in the read", expected=user["userName"], actual=body.get("userName"))
