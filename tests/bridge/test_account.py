"""The 1Password account model: user states, managed groups, the provisioning switch."""

from __future__ import annotations

import json

import jsonschema
import pytest

from scimcert import paths
from scimcert.bridge import seed
from scimcert.bridge.account import Account

SEEDS = sorted((paths.fixtures() / "seeds").glob("*.json"))


def test_a_provisioned_user_is_invited(api, account):
    ada = api.user("ada")
    assert account.state(ada["id"]) == "invited"
    assert ada["active"] is True


def test_confirm_makes_an_invited_user_active(api, account):
    ada = api.user("ada")
    account.confirm(ada["id"])
    assert account.state(ada["id"]) == "active"


def test_confirm_all_confirms_every_invited_user(api, account):
    ids = [api.user(n)["id"] for n in ("a", "b")]
    account.confirm_all()
    assert [account.state(i) for i in ids] == ["active", "active"]


def test_invited_user_is_confirmed_after_the_confirmation_interval(api, account, clock):
    ada = api.user("ada")
    clock.advance(299)
    assert account.state(ada["id"]) == "invited"
    clock.advance(1)
    assert account.state(ada["id"]) == "active"


def test_active_false_suspends_and_active_true_restores(api, account):
    ada = api.user("ada")
    account.confirm(ada["id"])
    api.patch(f"/Users/{ada['id']}", {"op": "Replace", "path": "active", "value": "False"})
    assert account.state(ada["id"]) == "suspended"
    assert api.get(f"/Users/{ada['id']}").json()["active"] is False
    api.patch(f"/Users/{ada['id']}", {"op": "replace", "path": "active", "value": True})
    assert account.state(ada["id"]) == "active"


def test_put_with_active_false_suspends(api, account):
    ada = api.user("ada")
    api.client.put(f"/scim/v2/Users/{ada['id']}", json={"userName": "ada", "active": False})
    assert account.state(ada["id"]) == "suspended"


def test_user_suspended_before_accepting_returns_to_invited(api, account):
    ada = api.user("ada")
    api.patch(f"/Users/{ada['id']}", {"op": "replace", "path": "active", "value": False})
    api.patch(f"/Users/{ada['id']}", {"op": "replace", "path": "active", "value": True})
    assert account.state(ada["id"]) == "invited"


def test_write_without_active_keeps_the_suspension(api, account):
    ada = api.user("ada", active=False)
    response = api.client.put(f"/scim/v2/Users/{ada['id']}", json={"userName": "ada"})
    assert response.json()["active"] is False
    assert account.state(ada["id"]) == "suspended"


def test_existing_user_is_found_by_username_so_the_idp_links_it(api, account):
    uid = account.add_user("grace@acme.example", displayName="Grace")
    body = api.listed("/Users", filter='userName eq "Grace@ACME.example"')
    assert [r["id"] for r in body["Resources"]] == [uid]
    api.error(api.client.post("/scim/v2/Users", json={"userName": "grace@acme.example"}), 409,
              "uniqueness")
    assert account.state(uid) == "active"


def test_existing_group_is_invisible_until_managed(api, account):
    ada = account.add_user("ada")
    account.add_group("Engineering", members=["ada"])
    assert api.listed("/Groups")["totalResults"] == 0
    gid = account.manage_group("engineering")
    group = api.get(f"/Groups/{gid}").json()
    assert group["displayName"] == "Engineering"
    assert [m["value"] for m in group["members"]] == [ada]
    assert api.get(f"/Users/{ada}").json()["groups"][0]["value"] == gid


def test_creating_a_group_named_like_an_unmanaged_one_is_409_with_advice(api, account):
    account.add_group("Engineering")
    body = api.error(api.client.post("/scim/v2/Groups", json={"displayName": "engineering"}),
                     409, "uniqueness")
    assert "managed" in body["detail"].lower()
    assert "Managed Groups" in body["detail"]


def test_renaming_onto_an_unmanaged_group_is_409(api, account):
    account.add_group("Finance")
    group = api.group("Money")
    response = api.patch(f"/Groups/{group['id']}",
                         {"op": "replace", "path": "displayName", "value": "FINANCE"})
    api.error(response, 409, "uniqueness")


def test_provisioning_off_answers_503_to_every_scim_call(api, account):
    account.provisioning = False
    for path in ("/Users", "/Groups", "/ServiceProviderConfig", "/Schemas"):
        body = api.error(api.get(path), 503)
        assert "provisioning" in body["detail"].lower()
    api.error(api.client.post("/scim/v2/Users", json={"userName": "x"}), 503)
    assert api.client.get("/ping").status_code == 200
    account.provisioning = True
    assert api.get("/Users").status_code == 200


def test_deleted_user_leaves_the_account(api, account):
    ada = api.user("ada")
    api.client.delete(f"/scim/v2/Users/{ada['id']}")
    assert "ada" not in account.states()
    with pytest.raises(KeyError):
        account.state(ada["id"])


def test_states_lists_every_user_by_username(account):
    account.add_user("a", state="invited")
    account.add_user("b", state="suspended")
    assert account.states() == {"a": "invited", "b": "suspended"}


def test_unknown_state_is_refused(account):
    with pytest.raises(ValueError, match="state"):
        account.add_user("a", state="sleeping")


@pytest.mark.parametrize("path", SEEDS, ids=[p.stem for p in SEEDS])
def test_seed_fixtures_match_the_seed_schema(path):
    schema = json.loads((paths.schemas() / "data" / "seed.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(json.loads(path.read_text("utf-8")))


def test_seed_file_builds_the_account(bridge):
    account = seed.load(paths.fixtures() / "seeds" / "acme.json")
    api = bridge(account=account)
    assert account.states()["alan.turing@acme.example"] == "invited"
    assert account.states()["charles.babbage@acme.example"] == "suspended"
    assert api.listed("/Users", filter='userName eq "charles.babbage@acme.example"')[
        "Resources"][0]["active"] is False
    groups = api.listed("/Groups")["Resources"]
    assert [g["displayName"] for g in groups] == ["Finance"]
    api.error(api.client.post("/scim/v2/Groups", json={"displayName": "Engineering"}), 409,
              "uniqueness")


@pytest.mark.parametrize("content,message", [
    pytest.param("{", "not valid JSON", id="not-json"),
    pytest.param('{"users": [{"state": "active"}]}', "userName", id="no-username"),
    pytest.param('{"users": [{"userName": "a"}, {"userName": "A"}]}', "taken", id="duplicate"),
    pytest.param('{"groups": [{"displayName": "G", "members": ["ghost"]}]}', "ghost",
                 id="unknown-member"),
    pytest.param('{"colour": "blue"}', "colour", id="unknown-key"),
])
def test_bad_seed_is_one_line_seed_error(tmp_path, content, message):
    path = tmp_path / "seed.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(seed.SeedError) as caught:
        seed.load(path)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_missing_seed_file_is_a_seed_error(tmp_path):
    with pytest.raises(seed.SeedError, match="cannot read"):
        seed.read(tmp_path / "absent.json")


def test_account_defaults_need_no_arguments():
    account = Account()
    uid = account.add_user("someone")
    assert account.state(uid) == "active"


def test_patch_remove_active_restores_the_default(api, account):
    ada = api.user("ada", active=False)
    api.patch(f"/Users/{ada['id']}", {"op": "remove", "path": "active"})
    assert api.get(f"/Users/{ada['id']}").json()["active"] is True
    assert account.state(ada["id"]) == "invited"
