"""The schema registry loads RFC 7643 definitions and resolves attribute paths."""

import pytest

from scimcert.scim.schema import AttrPath, Registry
from scimcert.scim.urns import ENTERPRISE_URN, GROUP_URN, USER_URN


@pytest.fixture(scope="module")
def registry():
    return Registry.load()


def test_registry_serves_user_group_and_enterprise(registry):
    assert {s.id for s in registry.served_schemas()} == {USER_URN, GROUP_URN, ENTERPRISE_URN}


def test_user_resource_type_has_enterprise_extension(registry):
    assert registry.resource_type("User").extensions == ((ENTERPRISE_URN, False),)


@pytest.mark.parametrize(
    ("path", "name", "type_"),
    [
        pytest.param("userName", "userName", "string", id="core"),
        pytest.param("USERNAME", "userName", "string", id="case-insensitive"),
        pytest.param("name.givenName", "givenName", "string", id="sub-attribute"),
        pytest.param(f"{USER_URN}:name.familyName", "familyName", "string", id="core-urn"),
        pytest.param(f"{ENTERPRISE_URN}:manager.value", "value", "string", id="extension-sub"),
        pytest.param("meta.lastModified", "lastModified", "dateTime", id="common-meta"),
        pytest.param("emails.primary", "primary", "boolean", id="multi-valued-sub"),
    ],
)
def test_attribute_paths_resolve(registry, path, name, type_):
    attr = registry.attribute("User", path)
    assert (attr.name, attr.type) == (name, type_)


def test_extension_attribute_needs_its_urn(registry):
    assert registry.attribute("User", "employeeNumber") is None
    assert registry.attribute("Group", f"{ENTERPRISE_URN}:employeeNumber") is None


def test_characteristics_follow_rfc7643(registry):
    user = registry.schema(USER_URN)
    assert user.attribute("userName").uniqueness == "server"
    assert user.attribute("userName").case_exact is False
    assert user.attribute("password").returned == "never"
    assert user.attribute("groups").mutability == "readOnly"
    assert registry.attribute("User", "id").returned == "always"
    assert registry.attribute("User", "externalId").case_exact is True


def test_schema_round_trips_to_json(registry):
    user = registry.schema(USER_URN)
    again = type(user).from_json(user.to_json())
    assert again == user


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("userName", AttrPath("userName")),
        ("name.givenName", AttrPath("name", "givenName")),
        (f"{ENTERPRISE_URN}:employeeNumber", AttrPath("employeeNumber", None, ENTERPRISE_URN)),
        ("members.$ref", AttrPath("members", "$ref")),
    ],
)
def test_attr_path_parse_and_print_round_trip(text, expected):
    assert AttrPath.parse(text) == expected
    assert str(expected) == text
