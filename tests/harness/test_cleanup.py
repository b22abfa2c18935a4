"""Cleanup deletes newest first, checks each resource is gone, and reports leftovers."""

from __future__ import annotations

import httpx

from scimcert.harness.cleanup import Cleanup
from scimcert.wire import Client, Redactor, Tape

TOKEN = "probe-token-123"


def client_for(handler) -> tuple[Client, list[str]]:
    calls: list[str] = []

    def record(request: httpx.Request) -> httpx.Response:
        calls.append(f"{request.method} {request.url.path}")
        return handler(request)

    http = httpx.Client(transport=httpx.MockTransport(record))
    return Client(http, "https://t.example/scim", token=TOKEN, allow_writes=True,
                  redactor=Redactor([TOKEN]), sink=Tape()), calls


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
