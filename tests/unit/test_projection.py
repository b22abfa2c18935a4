"""project applies attributes / excludedAttributes and each attribute's `returned`."""

import copy

import pytest

from scimcert.harness import cases
from scimcert.scim.projection import project
from scimcert.scim.schema import Registry
from scimcert.scim.urns import ENTERPRISE_URN, GROUP_URN, USER_URN


@pytest.fixture(scope="module")
def registry():
    return Registry.load()


@pytest.fixture
def user():
    return cases.load("samples/rfc7643-8.2-full-user.json")


@pytest.fixture
def enterprise():
    return cases.load("samples/rfc7643-8.3-enterprise-user.json")


@pytest.fixture
def group():
    return cases.load("samples/rfc7643-8.4-group.json")


def test_default_projection_drops_only_never_attributes(registry, user):
    expected = {k: v for k, v in user.items() if k != "password"}
    assert project(user, registry, "User") == expected


def test_attributes_keep_always_attributes_and_schemas(registry, user):
    assert project(user, registry, "User", attributes=["userName"]) == {
        "schemas": [USER_URN], "id": user["id"], "userName": user["userName"]}


def test_attributes_leave_out_meta_unless_asked(registry, user):
    assert "meta" not in project(user, registry, "User", attributes=["displayName"])
    assert project(user, registry, "User", attributes=["meta"])["meta"] == user["meta"]


def test_attribute_names_are_case_insensitive(registry, user):
    out = project(user, registry, "User", attributes=["USERNAME", "Name.GivenName"])
    assert out == {"schemas": [USER_URN], "id": user["id"], "userName": user["userName"],
                   "name": {"givenName": "Kathryn"}}


def test_sub_attribute_of_multi_valued_keeps_it_in_each_value(registry, user):
    out = project(user, registry, "User", attributes=["emails.value"])
    assert out["emails"] == [{"value": e["value"]} for e in user["emails"]]


def test_urn_qualified_names_select_attributes(registry, enterprise):
    out = project(enterprise, registry, "User",
                  attributes=[f"{USER_URN}:userName", f"{ENTERPRISE_URN}:employeeNumber"])
    assert out == {"schemas": [USER_URN, ENTERPRISE_URN], "id": enterprise["id"],
                   "userName": enterprise["userName"], ENTERPRISE_URN: {"employeeNumber": "701984"}}


def test_bare_extension_urn_selects_the_whole_extension(registry, enterprise):
    out = project(enterprise, registry, "User", attributes=[ENTERPRISE_URN])
    assert out[ENTERPRISE_URN] == enterprise[ENTERPRISE_URN]
    assert "userName" not in out


def test_excluded_members_leave_the_group_without_members(registry, group):
    out = project(group, registry, "Group", excluded=["members"])
    assert out == {k: v for k, v in group.items() if k != "members"}


def test_excluded_never_removes_always_attributes(registry, group):
    out = project(group, registry, "Group", excluded=["id", "schemas", "displayName"])
    assert (out["id"], out["schemas"]) == (group["id"], [GROUP_URN])
    assert "displayName" not in out


def test_excluded_sub_attribute_removes_it_from_each_value(registry, user):
    out = project(user, registry, "User", excluded=["emails.type", "name.middleName"])
    assert out["emails"] == [{k: v for k, v in e.items() if k != "type"} for e in user["emails"]]
    assert "middleName" not in out["name"] and out["name"]["givenName"] == "Kathryn"


def test_excluding_the_last_extension_attribute_drops_its_urn(registry, enterprise):
    names = [f"{ENTERPRISE_URN}:{n}" for n in enterprise[ENTERPRISE_URN]]
    out = project(enterprise, registry, "User", excluded=names)
    assert ENTERPRISE_URN not in out and out["schemas"] == [USER_URN]


def test_password_is_never_returned_even_when_asked(registry, user):
    assert "password" not in project(user, registry, "User", attributes=["password", "userName"])


def test_comma_separated_names_are_accepted(registry, user):
    out = project(user, registry, "User", attributes="userName, title")
    assert set(out) == {"schemas", "id", "userName", "title"}


def test_unknown_names_select_nothing(registry, user):
    out = project(user, registry, "User", attributes=["shoeSize"])
    assert out == {"schemas": [USER_URN], "id": user["id"]}


def test_project_leaves_its_input_untouched(registry, user):
    kept = copy.deepcopy(user)
    project(user, registry, "User", attributes=["emails.value"], excluded=["name"])
    assert user == kept
