"""A user's meta and id over its life: set by the server, dateTimes that move forward when the
user changes, and ids never given again (RFC 7643 §3.1)."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from scimcert.harness.checks import body_of, expect, expect_equal, expect_status, precondition
from scimcert.harness.outcome import not_applicable

DATETIME = "rfc7643/2.3.5/datetime-format"
DELETED = "rfc7644/3.6/delete-204"
REPLACED = "rfc7644/3.5.1/put-replaces"
# xsd:dateTime (XML Schema Part 2 §3.2.7): -?yyyy-mm-ddThh:mm:ss(.s+)?(zone)?
XSD_DATETIME = re.compile(
    r"(?P<sign>-?)(?P<year>[0-9]{4,})-(?P<month>0[1-9]|1[0-2])-(?P<day>0[1-9]|[12][0-9]|3[01])"
    r"T(?P<hour>[01][0-9]|2[0-4]):(?P<minute>[0-5][0-9]):(?P<second>[0-5][0-9])"
    r"(?P<fraction>\.[0-9]+)?(?P<zone>Z|[+-](?:0[0-9]|1[0-4]):[0-5][0-9])?")
# Long enough for a server that keeps whole seconds to show a later lastModified; one that
# writes fractions waits two of its ticks, never less than SHORTEST (coarse clocks).
CHANGE_DELAY = 2.0
SHORTEST = 0.1
NEW_RESOURCES = 3
# What the lastModified check changes: the first the target declares readWrite. IdPs send
# name.givenName (Okta requires it), so providers store it more often than displayName.
CHANGEABLE = ("name.givenName", "displayName", "nickName")


def instant(value: Any) -> datetime | None:
    """The moment an xsd:dateTime names, or None when `value` is none or beyond Python's years.
    A value without an offset is read as UTC: both values compared come from the same server."""
    found = XSD_DATETIME.fullmatch(value) if isinstance(value, str) else None
    if found is None or found["sign"] or len(found["year"]) > 4:
        return None
    midnight = found["hour"] == "24"
    if midnight and (found["minute"], found["second"]) != ("00", "00"):
        return None
    fraction = (found["fraction"] or ".0")[1:]
    try:
        moment = datetime(int(found["year"]), int(found["month"]), int(found["day"]),
                          0 if midnight else int(found["hour"]), int(found["minute"]),
                          int(found["second"]), int(fraction[:6].ljust(6, "0")), tzinfo=UTC)
    except ValueError:
        return None
    zone = found["zone"]
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        moment -= sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
    return moment + timedelta(days=1) if midnight else moment


def is_datetime(value: Any) -> bool:
    """`value` is in the lexical space of xsd:dateTime, which needs a date and a time; years
    beyond Python's range are judged by their form alone."""
    found = XSD_DATETIME.fullmatch(value) if isinstance(value, str) else None
    if found is None:
        return False
    return bool(found["sign"]) or len(found["year"]) > 4 or instant(value) is not None


def change_delay(stamp: Any) -> float:
    """How long a change must come after `stamp` for the server to write a later one: two
    ticks of the precision it writes (trailing zeros are no precision), whole seconds when it
    writes no fraction."""
    found = XSD_DATETIME.fullmatch(stamp) if isinstance(stamp, str) else None
    digits = (found["fraction"] or "").lstrip(".").rstrip("0") if found else ""
    return max(2 * 10.0 ** -len(digits), SHORTEST) if digits else CHANGE_DELAY


def meta_instant(resource: dict[str, Any], field: str) -> datetime:
    """meta.`field` of `resource` as an instant; a precondition under datetime-format."""
    value = (resource.get("meta") or {}).get(field)
    found = instant(value)
    with precondition(DATETIME):
        expect(found is not None, f"meta.{field} is an xsd:dateTime", expected="a dateTime",
               actual=value)
    return found


@pytest.mark.writes
@pytest.mark.requirement("rfc7644/3.3/read-only-create-ignored")
def test_client_supplied_meta_is_ignored(make, read, created_id):
    # RFC 7643 §3.1: meta "SHALL be ignored when provided by clients".
    resp = make.attempt("User", make.user_body(
        meta={"resourceType": "Group", "created": "2001-01-01T00:00:00Z"}))
    expect_status(resp, 201)
    meta = read(f"/Users/{created_id(resp)}").get("meta") or {}
    expect_equal(meta.get("resourceType"), "User", "meta.resourceType")
    expect(instant(meta.get("created")) != instant("2001-01-01T00:00:00Z"),
           "meta.created is set by the server", expected="the creation time",
           actual=meta.get("created"))


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
    created, modified = meta.get("created"), meta.get("lastModified")
    expect(created, "meta.created is present", expected="a dateTime", actual=None)
    # Instants, not strings: 03:04:05Z, 03:04:05.000Z and 04:04:05+01:00 are the same value.
    same = instant(created) == instant(modified) if instant(created) else created == modified
    expect(same, "meta.lastModified is the same dateTime as meta.created", expected=created,
           actual=modified)


@pytest.mark.writes
@pytest.mark.requirement("rfc7643/2.3.5/datetime-format")
@pytest.mark.parametrize("field", ["created", "lastModified"])
def test_meta_dates_are_xsd_datetimes(make, read, field):
    value = (read(f"/Users/{make.user()['id']}").get("meta") or {}).get(field)
    expect(is_datetime(value), f"meta.{field} is an xsd:dateTime",
           expected="e.g. 2025-01-31T09:00:00Z", actual=value)


@pytest.mark.writes
@pytest.mark.feature("etag")
@pytest.mark.requirement("rfc7644/3.14/version-equals-etag")
def test_meta_version_equals_etag_header(scim, make):
    resp = scim.get(f"/Users/{make.user()['id']}")
    expect_status(resp, 200)
    expect_equal((body_of(resp).get("meta") or {}).get("version"), resp.headers.get("etag"),
                 "meta.version vs ETag header")


@pytest.mark.writes
@pytest.mark.requirement("rfc7643/3.1/last-modified-advances")
def test_last_modified_moves_forward_after_a_change(scim, make, read, registry, user_type):
    path = next((path for path in CHANGEABLE if user_type
                 and (attr := registry.attribute(user_type, path)) is not None
                 and attr.mutability == "readWrite"), None)
    if path is None:
        not_applicable(f"the target's User declares none of {', '.join(CHANGEABLE)} readWrite")
    top, _, sub = path.partition(".")
    user = make.user()
    before = read(f"/Users/{user['id']}")
    created, modified = meta_instant(before, "created"), meta_instant(before, "lastModified")
    time.sleep(change_delay((before.get("meta") or {}).get("lastModified")))
    # A real change, never a no-op: RFC 7644 §3.5.2.1 keeps the timestamp of an unchanged
    # resource. PUT, which every provider serves (RFC 7644 §3.5), makes it.
    body = {key: value for key, value in before.items() if key != "meta"}
    value = f"{value_at(before, top, sub) or 'Unnamed'} Changed"
    body[top] = {**(body.get(top) or {}), sub: value} if sub else value
    with precondition(REPLACED):
        expect_status(scim.put(f"/Users/{user['id']}", json=body), 200, 204)
    after = read(f"/Users/{user['id']}")
    with precondition(REPLACED):
        expect(str(value_at(after, top, sub)).casefold() == value.casefold(),
               f"{path} after PUT", expected=value, actual=value_at(after, top, sub))
    later = meta_instant(after, "lastModified")
    expect(later > modified, "meta.lastModified moves forward when the user changes",
           expected=f"later than {(before.get('meta') or {}).get('lastModified')}",
           actual=(after.get("meta") or {}).get("lastModified"))
    expect(later >= created, "meta.lastModified is not before meta.created",
           expected=f"not before {(before.get('meta') or {}).get('created')}",
           actual=(after.get("meta") or {}).get("lastModified"))


def value_at(resource: dict[str, Any], top: str, sub: str) -> Any:
    return (resource.get(top) or {}).get(sub) if sub else resource.get(top)


@pytest.mark.writes
@pytest.mark.requirement("rfc7643/3.1/id-never-reassigned")
@pytest.mark.parametrize("rtype", ["User", "Group"])
def test_ids_of_deleted_resources_are_never_given_again(scim, make, registry, rtype):
    found = registry.resource_types.get(rtype.lower())
    if found is None:
        not_applicable(f"the target declares no {rtype} resource type")
    create = make.user if rtype == "User" else make.group
    gone = create()["id"]
    with precondition(DELETED):
        expect_status(scim.delete(f"{found.endpoint}/{gone}"), 200, 204)
    # A run sees only the reuse it provokes: the next ids a store hands out are the likeliest.
    fresh = [create()["id"] for _ in range(NEW_RESOURCES)]
    # id is caseExact (RFC 7643 §3.1): ids are compared as sent.
    expect(gone not in fresh, f"a new {rtype} never gets the id of a deleted one",
           expected=f"ids other than {gone!r}", actual=fresh)
