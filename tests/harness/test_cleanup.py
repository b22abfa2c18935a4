"""Cleanup deletes newest first, checks each resource is gone, and reports leftovers; the probe
tells an unusable target apart in one line."""

from __future__ import annotations

import httpx
import pytest

from scimcert.harness.cleanup import Cleanup
from scimcert.harness.client import Client
from scimcert.harness.exchange import Redactor, Tape
from scimcert.harness.probe import Unusable, probe

TOKEN = "probe-token-123"


def client_for(handler) -> tuple[Client, list[str]]:
    calls: list[str] = []

    def record(request: httpx.Request) -> httpx.Response:
        calls.append(f"{request.method} {request.url.path}")
        return handler(request)

    http = httpx.Client(transport=httpx.MockTransport(record))
    return Client(http, "https://t.example/scim", token=TOKEN, allow_writes=True,
                  redactor=Redactor([TOKEN]), tape=Tape()), calls


def test_cleanup_deletes_in_reverse_order_then_verifies() -> None:
    client, calls = client_for(lambda r: httpx.Response(204 if r.method == "DELETE" else 404))
    cleanup = Cleanup()
    cleanup.register("/Users", "u1")
    cleanup.register("Groups", "g1")
    assert cleanup.run(client) == []
    assert calls == ["DELETE /scim/Groups/g1", "DELETE /scim/Users/u1",
                     "GET /scim/Groups/g1", "GET /scim/Users/u1"]
    assert cleanup.run(client) == []
    assert len(calls) == 4


def test_resource_still_present_is_reported_as_left_behind() -> None:
    client, _ = client_for(lambda r: httpx.Response(500 if r.method == "DELETE" else 200))
    cleanup = Cleanup()
    cleanup.register("/Users", "u1")
    assert [str(left) for left in cleanup.run(client)] == [
        "/Users/u1: GET answered 200, expected 404"]


@pytest.mark.parametrize(("response", "message"), [
    pytest.param(httpx.Response(401), "token refused by https://t.example/scim: "
                 "GET /ServiceProviderConfig answered 401; the token was refused", id="401"),
    pytest.param(httpx.Response(403), "token refused by", id="403"),
    pytest.param(httpx.Response(200, text="<html>login</html>",
                                headers={"Content-Type": "text/html"}),
                 "not a SCIM endpoint: GET https://t.example/scim/ServiceProviderConfig "
                 "answered text/html, not a JSON object", id="html"),
    pytest.param(httpx.Response(404, text="nope"), "answered 404", id="404"),
])
def test_probe_names_why_a_target_is_unusable(response: httpx.Response, message: str) -> None:
    client, _ = client_for(lambda r: response)
    with pytest.raises(Unusable) as raised:
        probe(client)
    assert message in str(raised.value)
    assert TOKEN not in str(raised.value)
    assert "\n" not in str(raised.value)


def test_probe_returns_the_service_provider_config() -> None:
    client, _ = client_for(lambda r: httpx.Response(200, json={"patch": {"supported": True}}))
    assert probe(client) == {"patch": {"supported": True}}
