"""Attribute selection (RFC 7644 §3.4.2.5, §3.9; RFC 7643 §7 returned) on a data-set user."""

import pytest

from scimcert.harness.checks import body_of, expect, expect_equal, expect_status
from scimcert.scim.urns import USER_URN

pytestmark = pytest.mark.writes



def fetch(scim, user, **params):
    resp = scim.get(f"/Users/{user['id']}", params=params)
    expect_status(resp, 200)
    return body_of(resp)


def always_returned(registry) -> set[str]:
    """Top-level names the target declares returned=always, plus the `schemas` member."""
    return {a.name for a in registry.attributes("User") if a.returned == "always"} | {"schemas"}


@pytest.mark.requirement("rfc7644/3.4.2.5/attributes-override")
def test_attributes_returns_only_the_named_ones(scim, dataset, registry):
    user = dataset.users[dataset.key_with("emails", "name")]
    body = fetch(scim, user, attributes="userName")
    extra = sorted(set(body) - always_returned(registry) - {"userName"})
    expect("userName" in body, "the named attribute is returned", actual=sorted(body))
    expect_equal(extra, [], "attributes returned beyond userName and the minimum set")


@pytest.mark.requirement("rfc7644/3.4.2.5/attributes-sub-attribute")
def test_attributes_selects_a_sub_attribute_alone(scim, dataset, registry):
    user = dataset.users[dataset.key_with("name")]
    expect(len(user["name"]) > 1, "the user's name has several sub-attributes (precondition)",
           actual=user["name"])
    body = fetch(scim, user, attributes="name.familyName")
    expect_equal(body.get("name"), {"familyName": user["name"].get("familyName")},
                 "name returned for attributes=name.familyName")
    extra = sorted(set(body) - always_returned(registry) - {"name"})
    expect_equal(extra, [], "attributes returned beyond name and the minimum set")


@pytest.mark.requirement("rfc7644/3.4.2.5/excluded-attributes")
def test_excluded_attributes_removes_the_named_ones(scim, dataset):
    user = dataset.users[dataset.key_with("emails", "userName")]
    body = fetch(scim, user, excludedAttributes="emails")
    expect("emails" not in body, "excludedAttributes=emails removes emails",
           expected="no emails", actual=body.get("emails"))
    expect("userName" in body, "other default attributes stay", actual=sorted(body))


@pytest.mark.requirement("rfc7643/7/returned-always")
def test_id_is_returned_whatever_is_asked(always_probe, scim, dataset):
    user = dataset.users[dataset.key_with("userName")]
    body = fetch(scim, user, **always_probe["params"])
    expect_equal(body.get("id"), user["id"], f"id returned for {always_probe['params']}")


@pytest.mark.requirement("rfc7643/3/schemas-always")
def test_schemas_are_returned_whatever_is_asked(always_probe, scim, dataset):
    user = dataset.users[dataset.key_with("userName")]
    body = fetch(scim, user, **always_probe["params"])
    expect(USER_URN in (body.get("schemas") or []),
           f"schemas holds the User URN for {always_probe['params']}",
           expected=[USER_URN], actual=body.get("schemas"))
