"""sort_resources orders by sortBy / sortOrder as RFC 7644 §3.4.2.3 says."""

import copy

import pytest

from scimcert.scim.errors import ScimError
from scimcert.scim.schema import Registry
from scimcert.scim.sorting import sort_resources
from scimcert.scim.urns import ENTERPRISE_URN


@pytest.fixture(scope="module")
def registry():
    return Registry.load()


def _users(*names, **extra):
    return [{"id": f"u{i}", "userName": n, **extra} for i, n in enumerate(names)]


def _sort(registry, users, sort_by, order="ascending"):
    return sort_resources(users, registry, "User", sort_by, order)


def _ids(resources):
    return [r["id"] for r in resources]


def test_strings_sort_case_insensitively_unless_case_exact(registry):
    users = _users("bob", "Alice", "carol")
    assert _ids(sort_resources(users, registry, "User", "userName")) == ["u1", "u0", "u2"]
    pairs = (("a", "b"), ("b", "B"), ("c", "a"))
    users = [{"id": i, "userName": "x", "externalId": e} for i, e in pairs]
    assert _ids(_sort(registry, users, "externalId")) == ["b", "c", "a"]


def test_descending_reverses_the_order(registry):
    users = _users("bob", "Alice", "carol")
    assert _ids(_sort(registry, users, "userName", "descending")) == ["u2", "u0", "u1"]


@pytest.mark.parametrize("order", ["Descending", "DESCENDING"])
def test_sort_order_is_case_insensitive(registry, order):
    users = _users("a", "b")
    assert _ids(sort_resources(users, registry, "User", "userName", order)) == ["u1", "u0"]


def test_missing_values_sort_last_ascending_and_first_descending(registry):
    users = [{"id": "a", "userName": "a", "title": "b"}, {"id": "b", "userName": "b"},
             {"id": "c", "userName": "c", "title": "a"}]
    assert _ids(sort_resources(users, registry, "User", "title")) == ["c", "a", "b"]
    assert _ids(sort_resources(users, registry, "User", "title", "descending")) == ["b", "a", "c"]


def test_multi_valued_sorts_by_primary_value_else_first(registry):
    users = [
        {"id": "a", "emails": [{"value": "z@x"}, {"value": "a@x", "primary": True}]},
        {"id": "b", "emails": [{"value": "m@x"}, {"value": "b@x"}]},
        {"id": "c", "emails": [{"value": "c@x"}]},
    ]
    assert _ids(sort_resources(users, registry, "User", "emails.value")) == ["a", "c", "b"]
    assert _ids(sort_resources(users, registry, "User", "emails")) == ["a", "c", "b"]


def test_sub_attribute_and_extension_paths_sort(registry):
    users = [{"id": "a", "name": {"familyName": "Young"}},
             {"id": "b", "name": {"familyName": "adams"}}]
    assert _ids(_sort(registry, users, "name.familyName")) == ["b", "a"]
    users = [{"id": "a", ENTERPRISE_URN: {"employeeNumber": "9"}},
             {"id": "b", ENTERPRISE_URN: {"employeeNumber": "1"}}]
    assert _ids(_sort(registry, users, f"{ENTERPRISE_URN}:employeeNumber")) == ["b", "a"]


def test_datetimes_sort_by_instant(registry):
    users = [{"id": "a", "meta": {"created": "2024-01-01T10:00:00+02:00"}},
             {"id": "b", "meta": {"created": "2024-01-01T09:00:00Z"}}]
    assert _ids(sort_resources(users, registry, "User", "meta.created")) == ["a", "b"]


def test_sort_is_stable_both_ways(registry):
    users = _users("same", "SAME", "Same")
    assert _ids(sort_resources(users, registry, "User", "userName")) == ["u0", "u1", "u2"]
    assert _ids(_sort(registry, users, "userName", "descending")) == ["u0", "u1", "u2"]


@pytest.mark.parametrize(
    ("sort_by", "order"),
    [
        pytest.param("userName", "up", id="bad-sort-order"),
        pytest.param("shoeSize", "ascending", id="unknown-attribute"),
        pytest.param("name", "ascending", id="singular-complex"),
        pytest.param("name.nick", "ascending", id="unknown-sub-attribute"),
    ],
)
def test_invalid_sort_parameters_are_invalid_value(registry, sort_by, order):
    with pytest.raises(ScimError) as caught:
        sort_resources(_users("a"), registry, "User", sort_by, order)
    assert (caught.value.status, caught.value.scim_type) == (400, "invalidValue")


def test_sort_returns_a_new_list(registry):
    users = _users("b", "a")
    kept = copy.deepcopy(users)
    out = sort_resources(users, registry, "User", "userName")
    assert users == kept and out is not users
