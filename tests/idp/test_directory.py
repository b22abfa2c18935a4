"""The directory model: scope and IsSoftDeleted as Entra computes them, guests' UPNs, changes,
and the synthetic tenants."""

import json

import pytest

from scimcert import paths
from scimcert.idp.directory import Directory, DirectoryError
from scimcert.idp.generate import tenant, write

EXAMPLE = paths.fixtures() / "directory" / "example-tenant.json"
MAYA, OMAR, INES, TOM = (f"0c1d9a52-7f43-4f0e-9d4b-1a2b3c4d5e0{n}" for n in (1, 2, 3, 4))
PRIYA, LENA, JONAS, NOAH = ("0c1d9a52-7f43-4f0e-9d4b-1a2b3c4d5e05",
                            "0c1d9a52-7f43-4f0e-9d4b-1a2b3c4d5e07",
                            "0c1d9a52-7f43-4f0e-9d4b-1a2b3c4d5e08",
                            "0c1d9a52-7f43-4f0e-9d4b-1a2b3c4d5e12")
PLATFORM = "5e0f3b7a-2c1d-4e5f-8a9b-0c1d2e3f4a02"


@pytest.fixture
def example() -> Directory:
    return Directory.load(EXAMPLE)


def test_a_file_with_only_users_syncs_everyone():
    directory = Directory.from_json({"users": [{"id": "a", "userPrincipalName": "a@x.example"}]})
    assert (directory.scoping, directory.in_scope("a"), directory.soft_deleted("a")) == \
        ("all", True, False)


def test_direct_and_group_assignments_bring_users_in_scope(example):
    assert [example.in_scope(u) for u in (MAYA, OMAR, PRIYA)] == [True, True, True]


def test_a_nested_groups_members_are_not_in_scope(example):
    assert PLATFORM in example.groups[next(iter(example.groups))].members
    assert example.in_scope(TOM) is False


def test_is_soft_deleted_for_unassigned_disabled_and_deleted_users(example):
    assert (example.soft_deleted(NOAH), example.soft_deleted(LENA)) == (True, True)
    example.apply([{"op": "softDelete", "user": MAYA}])
    assert example.source(MAYA)["IsSoftDeleted"] is True
    assert example.source(PRIYA)["IsSoftDeleted"] is False


def test_a_guest_upn_reaches_the_mapping_as_the_original_address(example):
    source = example.source(JONAS)
    assert source["userPrincipalName"] == "jonas.berg@partner.example"
    assert source["originalUserPrincipalName"].endswith("#EXT#@larkspur.onmicrosoft.com")


def test_unassigning_a_group_takes_its_members_out_of_scope(example):
    touched = example.apply([{"op": "unassign",
                              "principal": "5e0f3b7a-2c1d-4e5f-8a9b-0c1d2e3f4a03"}])
    assert PRIYA in touched
    assert example.in_scope(PRIYA) is False


def test_a_soft_deleted_user_leaves_its_groups(example):
    example.apply([{"op": "softDelete", "user": OMAR}])
    assert all(OMAR not in g.members for g in example.groups.values())


def test_a_reference_to_no_user_is_refused_in_one_line(tmp_path):
    file = tmp_path / "d.json"
    file.write_text(json.dumps({"users": [{"id": "a", "userPrincipalName": "a@x.example",
                                           "manager": "ghost"}]}))
    with pytest.raises(DirectoryError, match="manager 'ghost' is no user"):
        Directory.load(file)


def test_a_file_breaking_the_schema_names_where(tmp_path):
    file = tmp_path / "d.json"
    file.write_text(json.dumps({"users": [{"id": "a"}]}))
    with pytest.raises(DirectoryError, match="invalid at /users/0"):
        Directory.load(file)


def test_a_generated_tenant_is_the_same_for_the_same_seed():
    one, two = tenant(50, seed=7), tenant(50, seed=7)
    keys = list(one.users)
    assert len(keys) == 50 and keys == list(two.users)
    assert one.users[keys[10]] == two.users[keys[10]]
    assert one.users[keys[10]] != tenant(50, seed=8).users[list(tenant(50, seed=8).users)[10]]


def test_a_generated_tenant_takes_changes(tmp_path):
    directory = tenant(20, groups=2)
    first = next(iter(directory.users))
    directory.apply([{"op": "update", "user": first, "set": {"displayName": "Renamed"}},
                     {"op": "hardDelete", "user": list(directory.users)[1]}])
    assert directory.users[first]["displayName"] == "Renamed"
    assert len(directory.users) == 19


def test_a_written_generated_tenant_loads_as_a_directory_file(tmp_path):
    file = tmp_path / "t.json"
    with file.open("w", encoding="utf-8") as stream:
        write(tenant(30, groups=3), stream)
    loaded = Directory.load(file)
    assert (len(loaded.users), len(loaded.groups)) == (30, 3)
