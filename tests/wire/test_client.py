"""The recording client: redaction everywhere, curl reproducers, read-only refusal, credentials
kept to the target's origin, exchanges recorded into the sink the caller passes."""

from __future__ import annotations

import json
import subprocess
import sys

import httpx
import pytest

from scimcert.harness.checks import CheckFailure, expect_status
from scimcert.wire import Client, Redactor, Ring, Tape, TargetError, WritesNotAllowed
from tests.secret import absent

TOKEN = "tok-7c1e9a55d2"
HEADER_SECRET = "hdr-secret-42"
BASE = "https://bridge.example/scim/v2"


def echo(request: httpx.Request) -> httpx.Response:
    """Answers with everything it received, as a careless server might."""
    body = {"url": str(request.url), "auth": request.headers.get("authorization"),
            "key": request.headers.get("x-api-key"), "sent": request.content.decode()}
    return httpx.Response(200, json=body, headers={"Set-Cookie": f"session={TOKEN}"})


def make_client(handler=echo, *, allow_writes: bool = True, sink=None
                ) -> tuple[Client, list[str]]:
    sent: list[str] = []

    def counting(request: httpx.Request) -> httpx.Response:
        sent.append(request.method)
        return handler(request)

    http = httpx.Client(transport=httpx.MockTransport(counting))
    client = Client(http, BASE, token=TOKEN, allow_writes=allow_writes,
                    redactor=Redactor([TOKEN, HEADER_SECRET]), sink=sink or Tape(),
                    headers=(("X-Api-Key", HEADER_SECRET),))
    return client, sent


def everything_shown(client: Client) -> str:
    exchange = client.last
    return "\n".join([exchange.render(), exchange.curl(), repr(exchange), repr(client),
                      json.dumps(exchange.request_headers), exchange.title])


def test_token_is_redacted_in_headers_urls_and_bodies() -> None:
    client, _ = make_client()
    client.post(f"/Users?token={TOKEN}", json={"password": TOKEN, "note": HEADER_SECRET})
    shown = everything_shown(client)
    absent(TOKEN, shown=shown)
    absent(HEADER_SECRET, shown=shown)
    assert "authorization: Bearer ***" in shown
    assert "set-cookie: ***" in shown


def test_curl_reproducer_uses_the_token_variable() -> None:
    client, _ = make_client()
    client.post("/Users", json={"userName": "bjensen"})
    assert client.last.curl() == (
        "curl -sS -i -X POST -H 'accept: application/scim+json' "
        "-H 'content-type: application/scim+json' -H 'x-api-key: ***' "
        "-H \"Authorization: Bearer $SCIM_TOKEN\" "
        "--data-raw '{\"userName\":\"bjensen\"}' https://bridge.example/scim/v2/Users")


def test_other_credentials_are_masked_not_replaced_by_the_variable() -> None:
    client, _ = make_client()
    client.with_token("another-token-9").get("/Users")
    assert "$SCIM_TOKEN" not in client.last.curl()
    assert "another-token-9" not in everything_shown(client)
    client.without_auth().get("/Users")
    assert "authorization" not in client.last.curl().lower()


def test_read_only_client_refuses_writes_before_sending() -> None:
    client, sent = make_client(allow_writes=False)
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        with pytest.raises(WritesNotAllowed, match=f"refusing {method}"):
            client.request(method, "/Users/1", json={})
    assert sent == []
    client.get("/Users")
    assert sent == ["GET"]


def test_read_only_client_allows_post_search() -> None:
    client, sent = make_client(allow_writes=False)
    client.post("/Users/.search", json={"filter": "userName pr"})
    assert sent == ["POST"]


def test_connection_error_becomes_a_one_line_target_error() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    client, _ = make_client(refuse)
    with pytest.raises(TargetError) as raised:
        client.get("/Users")
    assert str(raised.value) == (
        "GET https://bridge.example/scim/v2/Users → cannot connect: [Errno 111] Connection refused")


def test_timeout_becomes_a_target_error() -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    client, _ = make_client(slow)
    with pytest.raises(TargetError, match="timed out"):
        client.get("/Users")


def test_check_failure_carries_expected_actual_and_the_redacted_exchange() -> None:
    client, _ = make_client(lambda request: httpx.Response(
        500, json={"detail": f"token {TOKEN} rejected"}))
    resp = client.get("/Users")
    with pytest.raises(CheckFailure) as raised:
        expect_status(resp, 200)
    assert "expected: 200\n  actual:   500" in str(raised.value)
    exchange = raised.value.failure.exchange
    shown = exchange.render() + exchange.curl()
    assert "> GET https://bridge.example/scim/v2/Users" in shown
    assert "< 500 Internal Server Error" in shown
    assert '-H "Authorization: Bearer $SCIM_TOKEN"' in shown
    absent(TOKEN, shown=shown)


def test_short_secrets_are_not_masked_inside_ordinary_text() -> None:
    assert Redactor(["abc", TOKEN])(f"abc {TOKEN}") == "abc ***"


def seen_by(url: str) -> dict:
    client, _ = make_client()
    return client.get(url).json()


def test_credentials_go_only_to_the_target_origin() -> None:
    own = seen_by("https://bridge.example/scim/v2/Users/1")
    assert own["auth"] == f"Bearer {TOKEN}" and own["key"] == HEADER_SECRET
    for elsewhere in ("https://evil.example/scim/v2/Users/1", "http://bridge.example/scim/v2",
                      "https://bridge.example:8443/scim/v2/Users"):
        answer = seen_by(elsewhere)
        assert answer["auth"] is None, elsewhere
        assert answer["key"] is None, elsewhere


def test_exchanges_go_to_the_sink_passed_in() -> None:
    tape = Tape()
    client, _ = make_client(sink=tape)
    client.get("/Users")
    other = Tape()
    client.recording(other).get("/Groups")
    assert [e.url.rsplit("/", 1)[-1] for e in tape.exchanges] == ["Users"]
    assert [e.url.rsplit("/", 1)[-1] for e in other.exchanges] == ["Groups"]


def test_ring_keeps_only_the_newest_exchanges() -> None:
    ring = Ring(3)
    client, _ = make_client(sink=ring)
    for n in range(5):
        client.get(f"/Users/{n}")
    assert ring.total == 5
    assert [e.url.rsplit("/", 1)[-1] for e in ring.held] == ["2", "3", "4"]
    assert [e.url.rsplit("/", 1)[-1] for e in ring.since(3)] == ["3", "4"]
    assert ring.since(0) == list(ring.held)
    assert ring.since(5) == []


@pytest.mark.parametrize(("path", "url"), [
    pytest.param("/Users/1", "https://bridge.example/scim/v2/Users/1", id="relative"),
    pytest.param("Users", "https://bridge.example/scim/v2/Users", id="no-slash"),
    pytest.param("/scim/v2/Users/1", "https://bridge.example/scim/v2/Users/1",
                 id="absolute-path"),
    pytest.param("https://other.example/x", "https://other.example/x", id="url"),
])
def test_paths_resolve_however_a_target_wrote_them(path, url) -> None:
    client, _ = make_client()
    assert client.url(path) == url


SIMULATOR = """
import sys
from scimcert.bridge.app import create_app
from scimcert.wire import Client, Redactor, Ring
from scimcert.wire.transport import in_process

ring = Ring(10)
client = Client(in_process(create_app(tokens=["tok-sim"])), "http://bridge/scim/v2",
                token="tok-sim", allow_writes=True, redactor=Redactor(["tok-sim"]), sink=ring)
for n in range(100):
    assert client.get("/Users", params={"count": 1}).status_code == 200
assert ring.total == 100 and len(ring.held) == 10, (ring.total, len(ring.held))
assert "pytest" not in sys.modules and "scimcert.harness" not in sys.modules
print("sent", ring.total, "held", len(ring.held))
"""


def test_a_caller_without_pytest_sends_and_records_into_a_bounded_sink() -> None:
    # The provisioning simulator sends from scimcert.idp: the wire must need neither pytest nor
    # the harness, and a Ring keeps its memory bounded however many requests go out.
    done = subprocess.run([sys.executable, "-c", SIMULATOR], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "sent 100 held 10"
