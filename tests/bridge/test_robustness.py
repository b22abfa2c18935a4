"""Generated bad input gets a SCIM 4xx — never a 500, never a half-applied write."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scimcert.bridge.app import create_app

from .conftest import BASE, ERROR, PATCH, TOKEN, client_for

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                               max_size=3),
    max_leaves=8,
)
# Names a bridge really meets, so generated bodies reach past the first type check.
names = st.sampled_from([
    "userName", "USERNAME", "name", "name.givenName", "displayName", "active", "emails",
    "emails[type eq \"work\"].value", "members", "members[value eq \"x\"]", "groups", "id", "meta",
    "externalId", "password", ENTERPRISE, f"{ENTERPRISE}:manager", f"{ENTERPRISE}:employeeNumber",
    "schemas", "emails[", "]", "name..x", "",
]) | st.text(max_size=10)
bodies = st.dictionaries(names, json_values, max_size=5)
operations = st.fixed_dictionaries(
    {"op": st.sampled_from(["add", "Add", "replace", "Replace", "remove", "REMOVE", "merge", ""])},
    optional={"path": names, "value": json_values | bodies},
)
messages = st.fixed_dictionaries(
    {"schemas": st.just([PATCH]), "Operations": st.lists(operations, min_size=1, max_size=4)})

SLOW = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(scope="module")
def api():
    counter = itertools.count(1)
    client = client_for(create_app(tokens=[TOKEN], ids=lambda: f"id-{next(counter):05d}"))
    with client:
        user = client.post(f"{BASE}/Users", json={"userName": "ada", "emails": [
            {"type": "work", "value": "ada@example.com", "primary": True}]}).json()
        group = client.post(f"{BASE}/Groups", json={"displayName": "eng",
                                                    "members": [{"value": user["id"]}]}).json()
        yield client, user["id"], group["id"]


def assert_scim_4xx(response) -> None:
    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    body = response.json()
    assert body["schemas"] == [ERROR] and body["status"] == str(response.status_code), body


@SLOW
@given(body=bodies)
def test_generated_create_bodies_answer_201_or_a_scim_4xx(api, body):
    client, _, _ = api
    response = client.post(f"{BASE}/Users", json=body)
    if response.status_code == 201:
        assert client.get(response.headers["location"]).status_code == 200
    else:
        assert_scim_4xx(response)


@SLOW
@given(message=messages, resource=st.sampled_from(["Users", "Groups"]))
def test_rejected_patch_changes_nothing(api, message, resource):
    client, uid, gid = api
    path = f"{BASE}/{resource}/{uid if resource == 'Users' else gid}"
    before = client.get(path).json()
    response = client.patch(path, json=message)
    if response.status_code in (200, 204):
        return
    assert_scim_4xx(response)
    assert client.get(path).json() == before


@SLOW
@given(body=bodies)
def test_rejected_put_changes_nothing(api, body):
    client, uid, _ = api
    path = f"{BASE}/Users/{uid}"
    before = client.get(path).json()
    response = client.put(path, json=body)
    if response.status_code == 200:
        client.put(path, json={k: v for k, v in before.items() if k not in ("id", "meta")})
        return
    assert_scim_4xx(response)
    assert client.get(path).json() == before


@SLOW
@given(text=st.text(max_size=40) | st.from_regex(
    r'[a-zA-Z.\[\]"]{1,12} (eq|ne|co|sw|gt|pr|xx) ("[a-z]*"|[0-9]+|true|null)( (and|or) .*)?',
    fullmatch=True))
def test_generated_filters_answer_200_or_invalid_filter(api, text):
    client, _, _ = api
    response = client.get(f"{BASE}/Users", params={"filter": text})
    if response.status_code != 200:
        assert_scim_4xx(response)
        assert response.json().get("scimType") == "invalidFilter", response.text


@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "\\udc00\\ud800"])
def test_lone_surrogate_is_refused_and_not_stored(escape):
    # RFC 7643 §2.3.1: a string is Unicode characters; a lone surrogate is none and has no
    # UTF-8 form to return, so it is refused rather than stored and answered with a 500.
    with client_for(create_app(tokens=[TOKEN])) as client:
        body = f'{{"userName": "ada{escape}"}}'.encode()
        response = client.post(f"{BASE}/Users", content=body,
                               headers={"Content-Type": "application/scim+json"})
        assert_scim_4xx(response)
        assert response.json()["scimType"] == "invalidValue"
        assert client.get(f"{BASE}/Users").json()["totalResults"] == 0
        found = client.get(f"{BASE}/Users", params={"filter": f'userName eq "x{escape}"'})
        assert found.status_code == 200, found.text
