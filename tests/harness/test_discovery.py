"""The probe tells an unusable target apart in one line, accepts a SCIM endpoint without
discovery documents, and features are read from ServiceProviderConfig or assumed without one."""

from __future__ import annotations

import httpx
import pytest

from scimcert.harness.discovery import Discovery, Unusable, endpoint_path, probe
from scimcert.wire import Client, Redactor, Tape
from tests.secret import absent

TOKEN = "probe-token-123"
LISTING = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], "totalResults": 0,
           "Resources": []}


def client_for(handler) -> Client:
    http = httpx.Client(transport=httpx.MockTransport(handler))
    return Client(http, "https://t.example/scim", token=TOKEN, allow_writes=True,
                  redactor=Redactor([TOKEN]), sink=Tape())


def answering(spc: httpx.Response, users: httpx.Response):
    def handle(request: httpx.Request) -> httpx.Response:
        return spc if request.url.path.endswith("/ServiceProviderConfig") else users
    return handle


@pytest.mark.parametrize(("spc", "users", "message"), [
    pytest.param(httpx.Response(401), httpx.Response(401), "token refused by "
                 "https://t.example/scim: GET /ServiceProviderConfig answered 401; the token "
                 "was refused", id="401"),
    pytest.param(httpx.Response(403), httpx.Response(403), "token refused by", id="403"),
    pytest.param(httpx.Response(404), httpx.Response(401), "GET /Users answered 401",
                 id="users-401"),
    pytest.param(httpx.Response(200, text="<html>login</html>",
                                headers={"Content-Type": "text/html"}),
                 httpx.Response(200, text="<html>login</html>",
                                headers={"Content-Type": "text/html"}),
                 "not a SCIM endpoint: GET https://t.example/scim/ServiceProviderConfig "
                 "answered 200 (text/html), and GET https://t.example/scim/Users answered 200 "
                 "(text/html)", id="html"),
    pytest.param(httpx.Response(404, text="nope"), httpx.Response(404, text="nope"),
                 "answered 404", id="404"),
])
def test_probe_names_why_a_target_is_unusable(spc, users, message) -> None:
    with pytest.raises(Unusable) as raised:
        probe(client_for(answering(spc, users)))
    assert message in str(raised.value)
    absent(TOKEN, error=str(raised.value))
    assert "\n" not in str(raised.value)


def test_probe_returns_the_service_provider_config() -> None:
    found = probe(client_for(lambda r: httpx.Response(200, json={"patch": {"supported": True}})))
    assert found == Discovery({"patch": {"supported": True}})


def test_endpoint_without_discovery_is_a_scim_endpoint_with_rfc_defaults() -> None:
    found = probe(client_for(answering(httpx.Response(404), httpx.Response(200, json=LISTING))))
    assert found.spc is None
    assert "ServiceProviderConfig answered 404" in (found.problem or "")
    assert found.supports("patch") and found.supports("filter")
    assert not found.supports("bulk") and not found.supports("etag")
    assert "serves no ServiceProviderConfig" in found.why_not("bulk")


def test_feature_is_supported_only_when_advertised_true() -> None:
    found = Discovery({"etag": {"supported": True}, "sort": {"supported": "true"}, "bulk": {}})
    assert found.supports("etag") is True
    assert found.supports("sort") is False
    assert found.supports("bulk") is False
    assert found.supports("patch") is False
    assert found.why_not("etag") == "ServiceProviderConfig does not advertise etag"


def test_unknown_feature_is_an_error() -> None:
    with pytest.raises(KeyError, match="unknown feature 'Etag'"):
        Discovery({}).supports("Etag")


@pytest.mark.parametrize(("endpoint", "expected"), [
    pytest.param("/Users", "/Users", id="relative"),
    pytest.param("Users", "/Users", id="no-slash"),
    pytest.param("/scim/v2/Users", "/Users", id="absolute-path"),
    pytest.param("https://t.example/scim/v2/Users/", "/Users", id="url"),
])
def test_endpoint_is_found_however_the_target_writes_it(endpoint, expected) -> None:
    assert endpoint_path(endpoint, "https://t.example/scim/v2") == expected
