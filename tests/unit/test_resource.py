"""canonicalize turns client bodies into the stored form."""

import copy

import pytest

from scimcert.harness import cases
from scimcert.scim.errors import ScimError
from scimcert.scim.resource import canonicalize, coerce
from scimcert.scim.schema import Registry
from scimcert.scim.tolerance import Tolerances
from scimcert.scim.urns import ENTERPRISE_URN, GROUP_URN, USER_URN

RESOURCE_SAMPLES = [f for f in cases.files("samples") if f.stem.startswith("rfc7643-")]
ADSCIM = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"
REFERENCE = Tolerances.all()


@pytest.fixture(scope="module")
def registry():
    return Registry.load()


def _rtype(body):
    return "Group" if GROUP_URN in body["schemas"] else "User"


@pytest.mark.parametrize("file", RESOURCE_SAMPLES, ids=[f.stem for f in RESOURCE_SAMPLES])
def test_resource_sample_keeps_its_writable_attributes(registry, file):
    sample = cases.load(file)
    stored = canonicalize(sample, registry, _rtype(sample))
    expected = {k: v for k, v in sample.items() if k not in ("id", "meta", "groups")}
    if ENTERPRISE_URN in expected:
        manager = expected[ENTERPRISE_URN].get("manager", {})
        manager.pop("displayName", None)
    assert stored == expected


def test_keys_take_the_schema_case(registry):
    stored = canonicalize({"USERNAME": "kim", "Name": {"GIVENNAME": "Kim"}}, registry, "User")
    assert stored == {"schemas": [USER_URN], "userName": "kim", "name": {"givenName": "Kim"}}


def test_flat_extension_keys_nest_under_their_urn(registry):
    body = {"userName": "kim", f"{ENTERPRISE_URN}:employeeNumber": "7",
            ENTERPRISE_URN: {"department": "Ops"}}
    stored = canonicalize(body, registry, "User")
    assert stored[ENTERPRISE_URN] == {"department": "Ops", "employeeNumber": "7"}
    assert stored["schemas"] == [USER_URN, ENTERPRISE_URN]


def test_explicit_nulls_are_dropped(registry):
    body = {"userName": "kim", "nickName": None, "emails": None, "name": {"givenName": None}}
    assert canonicalize(body, registry, "User") == {"schemas": [USER_URN], "userName": "kim"}


@pytest.mark.parametrize(("given", "stored"), [("True", True), ("false", False), (True, True)])
def test_boolean_strings_become_booleans(registry, given, stored):
    body = {"userName": "kim", "active": given, "emails": [{"value": "k@x", "primary": given}]}
    result = canonicalize(body, registry, "User", REFERENCE)
    assert (result["active"], result["emails"][0]["primary"]) == (stored, stored)


@pytest.mark.parametrize("body", [
    pytest.param({"userName": "kim", "active": "False"}, id="active"),
    pytest.param({"userName": "kim", "emails": [{"value": "k@x", "primary": "True"}]},
                 id="sub-attribute"),
])
def test_boolean_strings_are_refused_without_the_tolerance(registry, body):
    with pytest.raises(ScimError) as caught:
        canonicalize(body, registry, "User", REFERENCE.without("string_booleans"))
    assert (caught.value.status, caught.value.scim_type) == (400, "invalidValue")


def test_read_only_attributes_are_dropped(registry):
    body = {"id": "abc", "userName": "kim", "meta": {"resourceType": "User"},
            "groups": [{"value": "g1"}]}
    assert canonicalize(body, registry, "User") == {"schemas": [USER_URN], "userName": "kim"}


def test_unknown_schema_urns_and_attributes_are_ignored(registry):
    body = {"schemas": [GROUP_URN, ADSCIM], "displayName": "Eng", "externalId": "0f1e",
            "meta": {"resourceType": "Group"}, "shoeSize": 9}
    stored = canonicalize(body, registry, "Group", REFERENCE)
    assert stored == {"schemas": [GROUP_URN], "displayName": "Eng", "externalId": "0f1e"}


def test_unknown_schema_urn_is_refused_without_the_tolerance(registry):
    body = {"schemas": [GROUP_URN, ADSCIM], "displayName": "Eng"}
    with pytest.raises(ScimError) as caught:
        canonicalize(body, registry, "Group", REFERENCE.without("unknown_schema_urns"))
    assert (caught.value.status, caught.value.scim_type) == (400, "invalidValue")
    assert ADSCIM in caught.value.detail


def test_the_types_own_schema_urns_need_no_tolerance(registry):
    body = {"schemas": [USER_URN, ENTERPRISE_URN.upper()], "userName": "kim",
            ENTERPRISE_URN: {"department": "Ops"}}
    assert canonicalize(body, registry, "User", Tolerances.none())["schemas"] == [
        USER_URN, ENTERPRISE_URN]


@pytest.mark.parametrize(
    ("body", "named"),
    [
        pytest.param({"userName": 7}, "userName", id="number-for-string"),
        pytest.param({"userName": "k", "active": "yes"}, "active", id="bad-boolean"),
        pytest.param({"userName": "k", "name": "Kim"}, "name", id="string-for-complex"),
        pytest.param({"userName": "k", "emails": {"value": "k@x"}}, "emails",
                     id="object-for-array"),
        pytest.param({"userName": "k", "emails": ["k@x"]}, "emails[0]", id="string-element"),
        pytest.param({"userName": "k", "meta": None, "x509Certificates": [{"value": 1}]},
                     "x509Certificates[0].value", id="number-for-binary"),
    ],
)
def test_wrong_types_are_invalid_value_naming_the_attribute(registry, body, named):
    with pytest.raises(ScimError) as caught:
        canonicalize(body, registry, "User")
    assert (caught.value.status, caught.value.scim_type) == (400, "invalidValue")
    assert named in caught.value.detail


@pytest.mark.parametrize(("rtype", "body"), [("User", {"displayName": "Kim"}), ("Group", {})])
def test_missing_required_attribute_is_invalid_value(registry, rtype, body):
    with pytest.raises(ScimError) as caught:
        canonicalize(body, registry, rtype)
    assert caught.value.scim_type == "invalidValue"


def test_more_than_one_primary_is_invalid_value(registry):
    body = {"userName": "k", "emails": [{"value": "a@x", "primary": True},
                                        {"value": "b@x", "primary": "True"}]}
    with pytest.raises(ScimError) as caught:
        canonicalize(body, registry, "User")
    assert caught.value.scim_type == "invalidValue"


@pytest.mark.parametrize(
    ("manager", "stored"),
    [
        pytest.param({"value": "m1"}, {"value": "m1"}, id="object"),
        pytest.param([{"$ref": "../Users/m1", "value": "m1"}],
                     {"$ref": "../Users/m1", "value": "m1"}, id="array-with-ref"),
        pytest.param("m1", {"value": "m1"}, id="bare-string"),
        pytest.param({"value": ""}, None, id="empty-value"),
        pytest.param("", None, id="empty-string"),
    ],
)
def test_manager_shapes_are_accepted(registry, manager, stored):
    body = {"userName": "k", ENTERPRISE_URN: {"manager": manager}}
    result = canonicalize(body, registry, "User", REFERENCE)
    assert result.get(ENTERPRISE_URN, {}).get("manager") == stored


@pytest.mark.parametrize("manager", [
    pytest.param([{"$ref": "../Users/m1", "value": "m1"}], id="array-with-ref"),
    pytest.param("m1", id="bare-string"),
    pytest.param({"value": ""}, id="empty-value"),
    pytest.param("", id="empty-string"),
])
def test_manager_shapes_are_refused_without_the_tolerance(registry, manager):
    body = {"userName": "k", ENTERPRISE_URN: {"manager": manager}}
    with pytest.raises(ScimError) as caught:
        canonicalize(body, registry, "User", REFERENCE.without("manager_shapes"))
    assert (caught.value.status, caught.value.scim_type) == (400, "invalidValue")


def test_manager_object_needs_no_tolerance(registry):
    body = {"userName": "k", ENTERPRISE_URN: {"manager": {"value": "m1"}}}
    result = canonicalize(body, registry, "User", Tolerances.none())
    assert result[ENTERPRISE_URN]["manager"] == {"value": "m1"}


def test_datetime_needs_a_time_part(registry):
    created = registry.attribute("User", "meta.created")
    assert coerce(created, "2024-01-02T03:04:05Z", "created") == "2024-01-02T03:04:05Z"
    with pytest.raises(ScimError):
        coerce(created, "2024-01-02", "created")


def test_canonicalize_leaves_its_input_untouched(registry):
    body = {"userName": "k", "active": "True", "nickName": None, ENTERPRISE_URN: {"manager": "m1"}}
    kept = copy.deepcopy(body)
    canonicalize(body, registry, "User", REFERENCE)
    assert body == kept
