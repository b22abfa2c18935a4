"""The draft interop profile's switches in the pure core: each keeps a profile requirement of the
catalogue, and with every switch off (the default) the core is plain RFC 7643/7644."""

import pytest

from scimcert.harness import catalogue
from scimcert.scim import profile
from scimcert.scim.errors import ScimError
from scimcert.scim.patch import apply_patch
from scimcert.scim.profile import Profile
from scimcert.scim.resource import canonicalize
from scimcert.scim.schema import Registry
from scimcert.scim.tolerance import Tolerances
from scimcert.scim.urns import PATCH_OP_URN, USER_URN

INTEROP = Profile.interop()
USER = {"schemas": [USER_URN], "id": "u1", "userName": "ada",
        "name": {"givenName": "Ada", "familyName": "Lovelace"}}


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.load()


def patch(registry: Registry, *operations: dict, keeps: Profile = INTEROP) -> dict:
    message = {"schemas": [PATCH_OP_URN], "Operations": list(operations)}
    return apply_patch(USER, message, registry, "User", Tolerances.all(), keeps)


def refusal(call) -> tuple[int, str | None]:
    with pytest.raises(ScimError) as caught:
        call()
    return caught.value.status, caught.value.scim_type


@pytest.mark.parametrize("name", profile.names())
def test_switch_keeps_a_profile_requirement(name):
    found = catalogue.load().get(profile.requirement(name))
    assert found is not None and found.is_profile, profile.requirement(name)


def test_default_keeps_no_rule_of_the_profile():
    assert Profile() == Profile.none() == profile.RFC
    assert not any(getattr(Profile.interop().without(*profile.names()), n)
                   for n in profile.names())


def test_unknown_switch_is_refused():
    with pytest.raises(ValueError, match="no such profile switch"):
        Profile.interop().without("path_optional")


def test_pathless_operation_is_refused_as_invalid_syntax(registry):
    op = {"op": "replace", "value": {"displayName": "x"}}
    assert patch(registry, op, keeps=Profile.none())["displayName"] == "x"
    assert refusal(lambda: patch(registry, op)) == (400, "invalidSyntax")


@pytest.mark.parametrize("body", [
    pytest.param({"undeclared": 1}, id="attribute"),
    pytest.param({"name": {"givenName": "Ada", "undeclared": 1}}, id="sub-attribute"),
    pytest.param({"schemas": [USER_URN, "urn:example:Undeclared"]}, id="schema"),
])
def test_undeclared_attribute_or_schema_is_refused_as_invalid_syntax(registry, body):
    sent = {"schemas": [USER_URN], "userName": "ada", **body}
    assert refusal(lambda: canonicalize(sent, registry, "User", Tolerances.all(), INTEROP)) \
        == (400, "invalidSyntax")


def test_undeclared_attribute_is_ignored_without_the_profile(registry):
    sent = {"schemas": [USER_URN], "userName": "ada", "undeclared": 1,
            "name": {"givenName": "Ada", "undeclared": 1}}
    assert canonicalize(sent, registry, "User")["name"] == {"givenName": "Ada"}


def test_undeclared_sub_attribute_in_a_patch_value_is_refused(registry):
    op = {"op": "add", "path": "name", "value": {"undeclared": 1}}
    assert refusal(lambda: patch(registry, op)) == (400, "invalidSyntax")


def test_complex_replace_replaces_whole_only_under_the_profile(registry):
    op = {"op": "replace", "path": "name", "value": {"familyName": "Hopper"}}
    assert patch(registry, op)["name"] == {"familyName": "Hopper"}
    # RFC 7644 §3.5.2.3: "Sub-attributes that are not specified ... are left unchanged."
    assert patch(registry, op, keeps=Profile.none())["name"] == {"givenName": "Ada",
                                                                 "familyName": "Hopper"}


def test_complex_add_merges_under_the_profile_too(registry):
    op = {"op": "add", "path": "name", "value": {"familyName": "Hopper"}}
    assert patch(registry, op)["name"] == {"givenName": "Ada", "familyName": "Hopper"}


def test_declared_types_leaves_out_only_attributes_without_canonical_types():
    registry = Registry.load()
    profile.declared_types(registry)
    names = {a.name for a in registry.schema(USER_URN).attributes}
    assert {"emails", "phoneNumbers", "addresses", "groups"} <= names
    assert not {"entitlements", "roles", "x509Certificates"} & names
