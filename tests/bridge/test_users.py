"""/Users over HTTP: create, read, replace, patch, delete (RFC 7644 §3.3-3.6)."""

from __future__ import annotations

import json

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


def test_create_answers_201_with_location_equal_to_meta_location(api):
    response = api.client.post("/scim/v2/Users", json={"schemas": [USER], "userName": "ada"})
    assert response.status_code == 201
    body = response.json()
    assert response.headers["location"] == body["meta"]["location"]
    assert body["meta"]["location"] == f"http://testserver/scim/v2/Users/{body['id']}"
    assert response.headers["content-type"] == "application/scim+json"


def test_create_sets_every_meta_field(api):
    meta = api.user("ada")["meta"]
    assert meta["resourceType"] == "User"
    assert meta["created"] == meta["lastModified"] == "2025-01-15T09:30:00.000Z"
    assert meta["version"].startswith('W/"')


def test_server_assigns_the_id_and_ignores_the_clients(api):
    created = api.user("ada", id="client-chosen")
    assert created["id"] == "id-0001"


def test_password_is_accepted_but_never_returned(api):
    created = api.user("ada", password="Placeholder1!")
    assert "password" not in created
    assert "password" not in api.get(f"/Users/{created['id']}").json()
    listed = api.listed("/Users", attributes="password")
    assert all("password" not in r for r in listed["Resources"])


def test_application_json_request_is_accepted(api):
    body = json.dumps({"schemas": [USER], "userName": "ada"})
    response = api.client.post("/scim/v2/Users", content=body,
                               headers={"Content-Type": "application/json"})
    assert response.status_code == 201


def test_duplicate_username_is_409_uniqueness_whatever_the_case(api):
    api.user("Ada.Lovelace@example.com")
    response = api.client.post("/scim/v2/Users", json={"userName": "ada.lovelace@EXAMPLE.com"})
    api.error(response, 409, "uniqueness")


def test_missing_username_is_400_invalid_value(api):
    response = api.client.post("/scim/v2/Users", json={"schemas": [USER], "displayName": "x"})
    api.error(response, 400, "invalidValue")


def test_empty_username_is_400_invalid_value(api):
    response = api.client.post("/scim/v2/Users", json={"schemas": [USER], "userName": " "})
    api.error(response, 400, "invalidValue")


def test_malformed_json_is_400_invalid_syntax(api):
    response = api.client.post("/scim/v2/Users", content=b'{"userName": ',
                               headers={"Content-Type": "application/scim+json"})
    api.error(response, 400, "invalidSyntax")


def test_body_that_is_not_an_object_is_400_invalid_syntax(api):
    response = api.client.post("/scim/v2/Users", json=["userName", "ada"])
    api.error(response, 400, "invalidSyntax")


def test_get_missing_user_is_404_scim_error(api):
    api.error(api.get("/Users/does-not-exist"), 404)


def test_get_returns_the_stored_user(api):
    created = api.user("ada", displayName="Ada")
    response = api.get(f"/Users/{created['id']}")
    assert response.status_code == 200
    assert response.json() == created


def test_put_removes_omitted_attributes_and_keeps_id_and_created(api, clock):
    created = api.user("ada", displayName="Ada", title="Countess")
    clock.advance(60)
    body = {"schemas": [USER], "id": "other", "userName": "ada", "nickName": "A",
            "meta": {"created": "1999-01-01T00:00:00Z"}}
    response = api.client.put(f"/scim/v2/Users/{created['id']}", json=body)
    assert response.status_code == 200, response.text
    replaced = response.json()
    assert replaced["id"] == created["id"]
    assert replaced["nickName"] == "A"
    assert "title" not in replaced and "displayName" not in replaced
    assert replaced["meta"]["created"] == created["meta"]["created"]
    assert replaced["meta"]["lastModified"] == "2025-01-15T09:31:00.000Z"


def test_put_to_a_taken_username_is_409(api):
    api.user("ada")
    bob = api.user("bob")
    response = api.client.put(f"/scim/v2/Users/{bob['id']}", json={"userName": "ADA"})
    api.error(response, 409, "uniqueness")


def test_put_of_missing_user_is_404(api):
    api.error(api.client.put("/scim/v2/Users/nope", json={"userName": "x"}), 404)


def test_entra_patch_replaces_filtered_email_and_deactivates(api):
    created = api.user("ada", emails=[{"type": "work", "value": "a@old.example", "primary": True}])
    response = api.patch(
        f"/Users/{created['id']}",
        {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "a@new.example"},
        {"op": "Replace", "path": "active", "value": "False"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["emails"][0]["value"] == "a@new.example"
    assert body["active"] is False


def test_patch_path_less_replace_with_attribute_path_keys(api):
    created = api.user("ada")
    response = api.patch(f"/Users/{created['id']}", {"op": "replace", "value": {
        "name.givenName": "Ada", f"{ENTERPRISE}:employeeNumber": "42"}})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["name"]["givenName"] == "Ada"
    assert body[ENTERPRISE]["employeeNumber"] == "42"


def test_patch_of_readonly_groups_is_refused(api):
    created = api.user("ada")
    response = api.patch(f"/Users/{created['id']}",
                         {"op": "add", "path": "groups", "value": [{"value": "g"}]})
    assert response.status_code == 400
    assert response.json()["scimType"] == "mutability"


def test_patch_to_a_taken_username_is_409(api):
    api.user("ada")
    bob = api.user("bob")
    response = api.patch(f"/Users/{bob['id']}", {"op": "replace", "path": "userName",
                                                 "value": "Ada"})
    api.error(response, 409, "uniqueness")


def test_patch_body_that_is_not_a_patchop_is_400(api):
    created = api.user("ada")
    response = api.client.patch(f"/scim/v2/Users/{created['id']}", json=[1, 2])
    api.error(response, 400, "invalidSyntax")


def test_inactive_user_is_still_returned(api):
    created = api.user("ada", active=False)
    assert api.get(f"/Users/{created['id']}").json()["active"] is False
    assert api.listed("/Users", filter='userName eq "ada"')["totalResults"] == 1


def test_delete_answers_204_then_404_and_the_user_leaves_the_list(api):
    created = api.user("ada")
    response = api.client.delete(f"/scim/v2/Users/{created['id']}")
    assert response.status_code == 204
    assert response.content == b""
    api.error(api.get(f"/Users/{created['id']}"), 404)
    assert api.listed("/Users")["totalResults"] == 0
    api.error(api.client.delete(f"/scim/v2/Users/{created['id']}"), 404)


def test_username_is_free_again_after_delete(api):
    created = api.user("ada")
    api.client.delete(f"/scim/v2/Users/{created['id']}")
    assert api.user("ADA")["userName"] == "ADA"
