"""Resource versioning with ETags (RFC 7644 §3.14, RFC 7232), when ServiceProviderConfig
advertises etag."""

import pytest

from scimcert.harness.checks import body_of, expect, expect_equal, expect_error, expect_status
from scimcert.harness.messages import patch_op
from scimcert.harness.outcome import not_applicable

pytestmark = [pytest.mark.feature("etag"), pytest.mark.writes]

STALE = 'W/"scimcert-stale-version"'
WRITES = [pytest.param("PUT", id="put"),
          pytest.param("PATCH", id="patch", marks=pytest.mark.feature("etag", "patch"))]


def create(scim, make, cleanup):
    """POST a fresh user; the raw 201 answer (its headers are what these tests read)."""
    resp = scim.post("/Users", json=make.user_body())
    body = body_of(resp) if resp.is_success else None
    if isinstance(body, dict) and isinstance(body.get("id"), str):
        cleanup.register("/Users", body["id"])
    expect_status(resp, 201)
    return resp


def etag_of(resp) -> str:
    etag = resp.headers.get("ETag")
    expect(etag, f"{resp.request.method} answer carries an ETag header",
           expected="an ETag header", actual=dict(resp.headers))
    return etag


def write(scim, method, user, display_name, headers=None):
    """PUT the whole user, or PATCH its displayName, to `display_name`."""
    path = f"/Users/{user['id']}"
    if method == "PUT":
        return scim.put(path, json={**user, "displayName": display_name}, headers=headers)
    operation = {"op": "replace", "path": "displayName", "value": display_name}
    return scim.patch(path, json=patch_op(operation), headers=headers)


def read(scim, user):
    resp = scim.get(f"/Users/{user['id']}")
    expect_status(resp, 200)
    return resp


@pytest.mark.requirement("rfc7644/3.14/etag-header")
def test_post_answer_carries_etag(scim, make, cleanup):
    etag_of(create(scim, make, cleanup))


@pytest.mark.requirement("rfc7644/3.14/etag-header")
def test_get_answer_carries_etag(scim, make, cleanup):
    user = create(scim, make, cleanup).json()
    etag_of(read(scim, user))


@pytest.mark.requirement("rfc7644/3.14/etag-header")
@pytest.mark.parametrize("method", WRITES)
def test_write_answer_carries_etag(method, scim, make, cleanup):
    user = create(scim, make, cleanup).json()
    resp = write(scim, method, user, f"{user['userName']} renamed")
    expect_status(resp, 200, 204)
    if resp.status_code == 204:
        not_applicable("the write answered 204 without a representation (RFC 7644 §3.5.2)")
    etag_of(resp)


@pytest.mark.requirement("rfc7644/3.14/version-equals-etag")
def test_etag_equals_meta_version(scim, make, cleanup):
    resp = read(scim, create(scim, make, cleanup).json())
    expect_equal(body_of(resp).get("meta", {}).get("version"), etag_of(resp),
                 "meta.version against the ETag header")


@pytest.mark.requirement("rfc7644/3.14/etag-changes")
def test_modification_changes_etag(scim, make, cleanup):
    user = create(scim, make, cleanup).json()
    before = etag_of(read(scim, user))
    expect_status(write(scim, "PUT", user, f"{user['userName']} renamed"), 200)
    after = etag_of(read(scim, user))
    expect(after != before, "the ETag changes when the resource changes",
           expected=f"anything but {before}", actual=after)


@pytest.mark.requirement("rfc7644/3.14/if-none-match-304")
def test_if_none_match_current_version_answers_304(scim, make, cleanup):
    user = create(scim, make, cleanup).json()
    etag = etag_of(read(scim, user))
    resp = scim.get(f"/Users/{user['id']}", headers={"If-None-Match": etag})
    expect_status(resp, 304)
    expect(not resp.content, "a 304 answer has an empty body", expected=b"",
           actual=resp.content[:200])


@pytest.mark.requirement("rfc7644/3.14/if-none-match-other")
def test_if_none_match_other_version_answers_resource(scim, make, cleanup):
    user = create(scim, make, cleanup).json()
    resp = scim.get(f"/Users/{user['id']}", headers={"If-None-Match": STALE})
    expect_status(resp, 200)
    expect_equal(body_of(resp).get("id"), user["id"], "id of the resource returned")


@pytest.mark.requirement("rfc7644/3.14/if-match-mismatch-412")
@pytest.mark.parametrize("method", WRITES)
def test_stale_if_match_answers_412(method, scim, make, cleanup):
    user = create(scim, make, cleanup).json()
    resp = write(scim, method, user, f"{user['userName']} lost", headers={"If-Match": STALE})
    expect_error(resp, 412)


@pytest.mark.requirement("rfc7644/3.14/if-match-mismatch-412")
@pytest.mark.parametrize("method", WRITES)
def test_stale_if_match_changes_nothing(method, scim, make, cleanup):
    user = create(scim, make, cleanup).json()
    write(scim, method, user, f"{user['userName']} lost", headers={"If-Match": STALE})
    expect_equal(body_of(read(scim, user)).get("displayName"), user.get("displayName"),
                 "displayName after a write with a stale If-Match")


@pytest.mark.requirement("rfc7644/3.14/if-match-current")
@pytest.mark.parametrize("method", WRITES)
def test_current_strong_if_match_succeeds(method, scim, make, cleanup):
    user = create(scim, make, cleanup).json()
    etag = etag_of(read(scim, user))
    if etag.startswith("W/"):
        # RFC 7232 §3.1 compares If-Match strongly, so a weak tag never matches and 412 is right;
        # RFC 7644 §3.14 shows If-Match: W/"…" succeeding. Both answers are allowed.
        not_applicable(f"the ETag {etag} is weak, so 412 and 2xx are both allowed")
    renamed = f"{user['userName']} renamed"
    expect_status(write(scim, method, user, renamed, headers={"If-Match": etag}), 200, 204)
    expect_equal(body_of(read(scim, user)).get("displayName"), renamed,
                 "displayName after a write with the current If-Match")
