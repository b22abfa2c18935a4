"""Discovery endpoints (RFC 7644 §4) tell the truth about the bridge."""

from __future__ import annotations

import pytest

SPC = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


def test_service_provider_config_states_features_and_limits(bridge):
    api = bridge(max_payload=2048, max_results=50, max_operations=7)
    response = api.get("/ServiceProviderConfig")
    assert response.headers["content-type"] == "application/scim+json"
    body = response.json()
    assert body["schemas"] == [SPC]
    assert body["patch"] == {"supported": True}
    assert body["bulk"] == {"supported": True, "maxOperations": 7, "maxPayloadSize": 2048}
    assert body["filter"] == {"supported": True, "maxResults": 50}
    assert body["changePassword"] == {"supported": False}
    assert body["sort"] == {"supported": True}
    assert body["etag"] == {"supported": True}
    assert [s["type"] for s in body["authenticationSchemes"]] == ["oauthbearertoken"]
    assert body["meta"]["location"] == "http://testserver/scim/v2/ServiceProviderConfig"


def test_resource_types_list_users_and_groups(api):
    body = api.listed("/ResourceTypes")
    assert body["totalResults"] == 2 == len(body["Resources"])
    by_name = {r["name"]: r for r in body["Resources"]}
    assert by_name["User"]["endpoint"] == "/Users"
    assert by_name["User"]["schemaExtensions"] == [{"schema": ENTERPRISE, "required": False}]
    assert by_name["Group"]["meta"]["location"] == "http://testserver/scim/v2/ResourceTypes/Group"


def test_one_resource_type_by_id(api):
    assert api.get("/ResourceTypes/User").json()["schema"] == USER
    api.error(api.get("/ResourceTypes/Widget"), 404)


def test_schemas_list_user_group_and_enterprise(api):
    ids = {s["id"] for s in api.listed("/Schemas")["Resources"]}
    assert ids == {USER, ENTERPRISE, "urn:ietf:params:scim:schemas:core:2.0:Group"}


def test_one_schema_by_urn_with_attribute_characteristics(api):
    body = api.get(f"/Schemas/{USER}").json()
    user_name = next(a for a in body["attributes"] if a["name"] == "userName")
    assert (user_name["uniqueness"], user_name["caseExact"], user_name["required"]) == (
        "server", False, True)
    password = next(a for a in body["attributes"] if a["name"] == "password")
    assert (password["mutability"], password["returned"]) == ("writeOnly", "never")
    api.error(api.get("/Schemas/urn:nope"), 404)


@pytest.mark.parametrize("path", ["/ResourceTypes", "/Schemas"])
def test_discovery_filter_answers_403(api, path):
    api.error(api.get(path, params={"filter": 'id eq "User"'}), 403)
