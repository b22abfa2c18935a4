"""/Groups over HTTP: members, derived attributes, and Entra/Okta membership PATCHes."""

from __future__ import annotations

GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
ADSCIM = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"


def test_group_create_accepts_the_entra_adscim_schema_uri(api):
    body = {"schemas": [GROUP, ADSCIM], "externalId": "0a1b", "displayName": "Eng",
            "meta": {"resourceType": "Group"}}
    response = api.client.post("/scim/v2/Groups", json=body)
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["schemas"] == [GROUP]
    assert response.headers["location"] == created["meta"]["location"]


def test_duplicate_group_display_name_is_409_whatever_the_case(api):
    api.group("Engineering")
    response = api.client.post("/scim/v2/Groups", json={"displayName": "ENGINEERING"})
    api.error(response, 409, "uniqueness")


def test_missing_display_name_is_400_invalid_value(api):
    api.error(api.client.post("/scim/v2/Groups", json={"schemas": [GROUP]}), 400, "invalidValue")


def test_members_carry_value_ref_display_and_type_derived_by_the_bridge(api):
    ada = api.user("ada", displayName="Ada Lovelace")
    group = api.group("Eng", members=[ada["id"]])
    assert group["members"] == [{
        "value": ada["id"],
        "$ref": f"http://testserver/scim/v2/Users/{ada['id']}",
        "display": "Ada Lovelace",
        "type": "User",
    }]


def test_member_display_sent_by_the_client_is_replaced(api):
    ada = api.user("ada")
    body = {"displayName": "Eng", "members": [{"value": ada["id"], "display": "wrong",
                                                "type": "Group"}]}
    created = api.client.post("/scim/v2/Groups", json=body).json()
    assert created["members"][0]["display"] == "ada"
    assert created["members"][0]["type"] == "User"


def test_unknown_member_is_400_invalid_value(api):
    response = api.client.post("/scim/v2/Groups", json={"displayName": "Eng",
                                                        "members": [{"value": "ghost"}]})
    api.error(response, 400, "invalidValue")


def test_user_groups_attribute_is_derived_from_memberships(api):
    ada = api.user("ada")
    group = api.group("Eng", members=[ada["id"]])
    groups = api.get(f"/Users/{ada['id']}").json()["groups"]
    assert groups == [{"value": group["id"],
                       "$ref": f"http://testserver/scim/v2/Groups/{group['id']}",
                       "display": "Eng", "type": "direct"}]


def test_excluded_attributes_members_leaves_members_out(api):
    ada = api.user("ada")
    group = api.group("Eng", members=[ada["id"]])
    one = api.get(f"/Groups/{group['id']}", params={"excludedAttributes": "members"}).json()
    assert "members" not in one
    listed = api.listed("/Groups", excludedAttributes="members", filter='displayName eq "eng"')
    assert listed["totalResults"] == 1
    assert "members" not in listed["Resources"][0]
    page = api.listed("/Groups", excludedAttributes="members")
    assert "members" not in page["Resources"][0]


def test_group_patch_answers_204_with_an_etag(api):
    group = api.group("Eng")
    response = api.patch(f"/Groups/{group['id']}",
                         {"op": "Replace", "path": "displayName", "value": "Eng2"})
    assert response.status_code == 204
    assert response.headers["etag"] != group["meta"]["version"]
    assert api.get(f"/Groups/{group['id']}").json()["displayName"] == "Eng2"


def test_group_patch_with_attributes_answers_200_and_the_group(api):
    group = api.group("Eng")
    response = api.patch(f"/Groups/{group['id']}",
                         {"op": "replace", "path": "displayName", "value": "Eng2"},
                         params={"attributes": "displayName"})
    assert response.status_code == 200
    assert response.json()["displayName"] == "Eng2"


def test_add_three_members_in_one_operation(api):
    ids = [api.user(name)["id"] for name in ("a", "b", "c")]
    group = api.group("Eng")
    response = api.patch(f"/Groups/{group['id']}", {
        "op": "Add", "path": "members", "value": [{"$ref": None, "value": i} for i in ids]})
    assert response.status_code == 204, response.text
    members = api.get(f"/Groups/{group['id']}").json()["members"]
    assert [m["value"] for m in members] == ids


def test_remove_member_by_value_list_removes_only_that_member(api):
    ids = [api.user(name)["id"] for name in ("a", "b")]
    group = api.group("Eng", members=ids)
    api.patch(f"/Groups/{group['id']}",
              {"op": "Remove", "path": "members", "value": [{"value": ids[0]}]})
    members = api.get(f"/Groups/{group['id']}").json()["members"]
    assert [m["value"] for m in members] == [ids[1]]


def test_remove_member_by_filter_path_removes_only_that_member(api):
    ids = [api.user(name)["id"] for name in ("a", "b")]
    group = api.group("Eng", members=ids)
    api.patch(f"/Groups/{group['id']}",
              {"op": "remove", "path": f'members[value eq "{ids[1]}"]'})
    members = api.get(f"/Groups/{group['id']}").json()["members"]
    assert [m["value"] for m in members] == [ids[0]]


def test_okta_rename_with_path_less_replace_including_id(api):
    group = api.group("Eng")
    response = api.patch(f"/Groups/{group['id']}", {
        "op": "replace", "value": {"id": group["id"], "displayName": "Engineering"}})
    assert response.status_code == 204, response.text
    assert api.get(f"/Groups/{group['id']}").json()["displayName"] == "Engineering"


def test_put_replaces_the_member_list(api):
    a, b = api.user("a")["id"], api.user("b")["id"]
    group = api.group("Eng", members=[a])
    body = {"schemas": [GROUP], "displayName": "Eng", "members": [{"value": b}]}
    response = api.client.put(f"/scim/v2/Groups/{group['id']}", json=body)
    assert response.status_code == 200
    assert [m["value"] for m in response.json()["members"]] == [b]
    assert "groups" not in api.get(f"/Users/{a}").json()
    assert api.get(f"/Users/{b}").json()["groups"][0]["value"] == group["id"]


def test_rename_to_a_taken_name_is_409(api):
    api.group("Eng")
    ops = api.group("Ops")
    response = api.patch(f"/Groups/{ops['id']}",
                         {"op": "replace", "path": "displayName", "value": "eng"})
    api.error(response, 409, "uniqueness")


def test_deleted_user_is_gone_from_every_group(api):
    ada, bob = api.user("ada")["id"], api.user("bob")["id"]
    first = api.group("One", members=[ada, bob])
    second = api.group("Two", members=[ada])
    assert api.client.delete(f"/scim/v2/Users/{ada}").status_code == 204
    assert [m["value"] for m in api.get(f"/Groups/{first['id']}").json()["members"]] == [bob]
    assert "members" not in api.get(f"/Groups/{second['id']}").json()


def test_deleted_group_leaves_its_members_groups(api):
    ada = api.user("ada")["id"]
    group = api.group("Eng", members=[ada])
    assert api.client.delete(f"/scim/v2/Groups/{group['id']}").status_code == 204
    api.error(api.get(f"/Groups/{group['id']}"), 404)
    assert "groups" not in api.get(f"/Users/{ada}").json()


def test_a_group_may_contain_a_group(api):
    inner = api.group("Inner")
    outer = api.group("Outer", members=[inner["id"]])
    assert outer["members"][0]["type"] == "Group"
    assert outer["members"][0]["display"] == "Inner"
