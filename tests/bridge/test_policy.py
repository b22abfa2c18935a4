"""The bridge without the 1Password policy: the RFC pipeline alone keeps what it is sent and has no
state beyond its resources (test_account.py covers the 1Password answers to the same requests)."""

from __future__ import annotations

import pytest

from scimcert.bridge.app import Parts
from scimcert.bridge.policy import Policy

from .conftest import USER


@pytest.fixture
def plain(bridge):
    return bridge(parts=Parts(policy=Policy))


def test_a_created_user_is_no_invitation(plain, account):
    created = plain.user("ada")
    assert "active" not in created
    assert account.people == {}


def test_a_password_is_kept_but_never_returned(plain, account):
    created = plain.user("ada", password="t0p-secret")
    assert "password" not in created
    assert account.store.table("User").get(created["id"])["password"] == "t0p-secret"


def test_a_put_without_active_leaves_it_unassigned(plain):
    ada = plain.user("ada", active=False)
    replaced = plain.client.put(f"{plain.base}/Users/{ada['id']}",
                                json={"schemas": [USER], "userName": "ada"})
    assert replaced.status_code == 200
    assert "active" not in replaced.json()


def test_a_patch_removing_active_leaves_it_unassigned(plain):
    ada = plain.user("ada", active=False)
    patched = plain.patch(f"/Users/{ada['id']}", {"op": "remove", "path": "active"})
    assert patched.status_code == 200
    assert "active" not in patched.json()


def test_a_group_patch_answers_the_group(plain):
    group = plain.group("Eng")
    patched = plain.patch(f"/Groups/{group['id']}",
                          {"op": "replace", "path": "displayName", "value": "Ops"})
    assert patched.status_code == 200
    assert patched.json()["displayName"] == "Ops"


def test_the_provisioning_switch_refuses_nothing(plain, account):
    account.provisioning = False
    assert plain.get("/Users").status_code == 200


def test_a_group_may_take_the_name_of_an_unmanaged_one(plain, account):
    account.add_group("Eng")
    assert plain.client.post(f"{plain.base}/Groups", json={"displayName": "Eng"}).status_code == 201

