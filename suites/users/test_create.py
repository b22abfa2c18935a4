"""Creating users: status, Location, meta, id and the attributes sent (RFC 7644 §3.3)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest

from scimcert import paths
from scimcert.harness.checks import body_of, expect, expect_equal, expect_status
from scimcert.harness.messages import ENTERPRISE_URN, USER_URN

DATA = json.loads((paths.fixtures() / "suites" / "users.json").read_text(encoding="utf-8"))
FULL_USER = DATA["full_user"]


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


@pytest.fixture
def full_body(make, named, fit_user) -> dict[str, Any]:
    """The full user; the enterprise part only when the target declares the extension."""
    return fit_user(make.user_body(**named(FULL_USER)))


@pytest.fixture
def created(scim, cleanup, full_body):
    """POSTs the full user; returns the body sent and the raw answer."""
    resp = scim.post("/Users", json=full_body)
    body = body_of(resp) if resp.is_success else None
    if isinstance(body, dict) and isinstance(body.get("id"), str):
        cleanup.register("/Users", body["id"])
    return full_body, resp


def echoed(sent: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in sent.items() if key != "schemas"}


@pytest.mark.writes
@pytest.mark.requirement("rfc7644/3.3/created-201")
def test_create_answers_201(created):
    _, resp = created
    expect_status(resp, 201)


@pytest.mark.writes
@pytest.mark.requirement("rfc7644/3.3/location-header")
def test_create_location_header_equals_meta_location(created):
    _, resp = created
    expect_status(resp, 201)
    location = resp.headers.get("location")
    meta = body_of(resp).get("meta") or {}
    expect(location, "the create answer has a Location header", expected="a URI", actual=location)
    expect_equal(location, meta.get("location"), "Location header vs meta.location")


@pytest.mark.writes
@pytest.mark.requirement("rfc7644/3.3/body-representation")
def test_create_answer_carries_the_created_user(created, read):
    _, resp = created
    expect_status(resp, 201)
    answer = body_of(resp)
    expect(isinstance(answer, dict) and isinstance(answer.get("id"), str),
           "the create answer carries the new user's id", expected="an id", actual=answer)
    # RFC 7644 §3.3: the body SHOULD hold "the service provider's representation" of the new
    # resource, and the server "is free to alter and/or ignore POSTed content"; so the answer is
    # compared with what a read returns, not with what was sent (entra/users/stored-as-sent).
    stored = read(f"/Users/{answer['id']}")
    given = {key.lower(): value for key, value in answer.items()}
    gaps = sorted(key for key, value in stored.items()
                  if key != "meta" and given.get(key.lower()) != value)
    expect(not gaps, "the create answer holds the user as a read returns it",
           expected=[], actual=gaps)


@pytest.mark.writes
@pytest.mark.requirement("entra/users/stored-as-sent")
def test_read_returns_every_attribute_sent(created, read):
    sent, resp = created
    expect_status(resp, 201)
    gaps = missing(echoed(sent), read(f"/Users/{body_of(resp)['id']}"))
    expect(not gaps, "a read holds every attribute value as sent", expected=[], actual=gaps)


@pytest.mark.writes
@pytest.mark.requirement("rfc7644/3.3/read-only-create-ignored", "rfc7643/3.1/id-server-assigned")
def test_client_supplied_id_is_ignored(scim, cleanup, make, target):
    chosen = f"{target.run_id}client-chosen-id"
    resp = scim.post("/Users", json=make.user_body(id=chosen))
    body = body_of(resp) if resp.is_success else {}
    if isinstance(body.get("id"), str):
        cleanup.register("/Users", body["id"])
    expect_status(resp, 201)
    expect(body.get("id") != chosen, "the service provider assigns id, ignoring the client's",
           expected=f"an id other than {chosen!r}", actual=body.get("id"))


@pytest.mark.writes
@pytest.mark.requirement("rfc7644/3.3/read-only-create-ignored")
def test_client_supplied_meta_is_ignored(make, read):
    # RFC 7643 §3.1: meta "SHALL be ignored when provided by clients".
    user = make.user(meta={"resourceType": "Group", "created": "2001-01-01T00:00:00Z"})
    meta = read(f"/Users/{user['id']}").get("meta") or {}
    expect_equal(meta.get("resourceType"), "User", "meta.resourceType")
    expect(meta.get("created") != "2001-01-01T00:00:00Z", "meta.created is set by the server",
           expected="the creation time", actual=meta.get("created"))


@pytest.mark.writes
@pytest.mark.requirement("rfc7643/3/schemas-listed")
def test_schemas_lists_core_and_extension(created, read, enterprise):
    _, resp = created
    expect_status(resp, 201)
    schemas = read(f"/Users/{body_of(resp)['id']}").get("schemas") or []
    # The enterprise part is sent only when the target declares the extension (full_body).
    wanted = [USER_URN, ENTERPRISE_URN] if enterprise else [USER_URN]
    expect(set(wanted) <= set(schemas), "schemas names the core and every extension URN sent",
           expected=wanted, actual=schemas)


@pytest.mark.writes
@pytest.mark.requirement("rfc7644/3.3.1/meta-resource-type")
def test_meta_resource_type_is_user(make, read):
    user = make.user()
    expect_equal((read(f"/Users/{user['id']}").get("meta") or {}).get("resourceType"), "User",
                 "meta.resourceType")


@pytest.mark.writes
@pytest.mark.requirement("rfc7643/3.1/last-modified-equals-created")
def test_last_modified_equals_created_on_new_user(make, read):
    meta = read(f"/Users/{make.user()['id']}").get("meta") or {}
    expect(meta.get("created"), "meta.created is present", expected="a dateTime", actual=None)
    expect_equal(meta.get("lastModified"), meta.get("created"), "meta.lastModified vs meta.created")


@pytest.mark.writes
@pytest.mark.requirement("rfc7643/2.3.5/datetime-format")
@pytest.mark.parametrize("field", ["created", "lastModified"])
def test_meta_dates_are_xsd_datetimes(make, read, field):
    value = (read(f"/Users/{make.user()['id']}").get("meta") or {}).get(field)
    expect(is_datetime(value), f"meta.{field} is an xsd:dateTime",
           expected="e.g. 2025-01-31T09:00:00Z", actual=value)


def is_datetime(value: Any) -> bool:
    if not isinstance(value, str) or "T" not in value:
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


@pytest.mark.writes
@pytest.mark.feature("etag")
@pytest.mark.requirement("rfc7644/3.14/version-equals-etag")
def test_meta_version_equals_etag_header(scim, make):
    resp = scim.get(f"/Users/{make.user()['id']}")
    expect_status(resp, 200)
    expect_equal((body_of(resp).get("meta") or {}).get("version"), resp.headers.get("etag"),
                 "meta.version vs ETag header")


@pytest.mark.writes
@pytest.mark.requirement("rfc7644/3.4.1/read-by-id")
def test_read_by_id_returns_the_user(make, read):
    user = make.user()
    body = read(f"/Users/{user['id']}")
    expect_equal(body.get("id"), user["id"], "id")
    expect_equal(body.get("userName"), user["userName"], "userName")
