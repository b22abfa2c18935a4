"""Bearer authentication (RFC 6750) and the unauthenticated /ping of the 1Password bridge."""

from __future__ import annotations

import pytest

from scimcert.bridge.app import create_app
from scimcert.bridge.auth import Bearer
from tests.secret import absent

TOKEN = "test-token-1f0c"


def test_missing_token_is_401_with_scim_error_and_www_authenticate(bridge):
    anonymous = bridge(token=None)
    response = anonymous.get("/Users")
    anonymous.error(response, 401)
    assert response.headers["www-authenticate"] == 'Bearer realm="scimcert"'


def test_wrong_token_is_401(bridge):
    wrong = bridge(token="nope")
    wrong.error(wrong.get("/Users"), 401)


def test_scheme_is_case_insensitive(bridge):
    anonymous = bridge(token=None)
    response = anonymous.client.get("/scim/v2/Users", headers={"Authorization": f"bearer {TOKEN}"})
    assert response.status_code == 200


def test_basic_scheme_is_refused(bridge):
    anonymous = bridge(token=None)
    response = anonymous.client.get("/scim/v2/Users", headers={"Authorization": f"Basic {TOKEN}"})
    anonymous.error(response, 401)


def test_token_in_the_query_string_is_not_accepted(bridge):
    anonymous = bridge(token=None)
    for name in ("access_token", "token"):
        anonymous.error(anonymous.get("/Users", params={name: TOKEN}), 401)


def test_any_configured_token_is_accepted(bridge):
    second = bridge(token="second", tokens=[TOKEN, "second"])
    assert second.get("/Users").status_code == 200


def test_every_endpoint_needs_the_token(bridge):
    anonymous = bridge(token=None)
    for path in ("/ServiceProviderConfig", "/Schemas", "/ResourceTypes", "/Me", "/Bulk"):
        anonymous.error(anonymous.get(path), 401)
    anonymous.error(anonymous.client.get("/health"), 401)


def test_ping_needs_no_token(bridge):
    response = bridge(token=None).client.get("/ping")
    assert response.status_code == 200


def test_health_has_the_1password_shape(api):
    response = api.client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"build", "version", "reports", "retrievedAt"}
    assert {r["source"] for r in body["reports"]} >= {"SCIMServer", "ConfirmationWatcher"}
    assert all(set(r) >= {"source", "state", "time"} for r in body["reports"])
    assert body["retrievedAt"] == "2025-01-15T09:30:00.000Z"


def test_no_auth_disables_authentication(bridge):
    open_bridge = bridge(token=None, tokens=(), no_auth=True)
    assert open_bridge.get("/Users").status_code == 200
    assert open_bridge.get("/ServiceProviderConfig").json()["authenticationSchemes"] == []


def test_an_app_without_tokens_refuses_to_exist():
    with pytest.raises(ValueError, match="token"):
        create_app()


def test_bearer_repr_hides_the_tokens():
    absent(TOKEN, repr=repr(Bearer([TOKEN])))
    assert Bearer([TOKEN]).accepts(f"Bearer {TOKEN}".encode())
    assert not Bearer([TOKEN]).accepts(b"Bearer ")
