"""`scimcert serve --strict` over a socket: Entra's capitalised "Replace" is refused with 400,
as RFC 7644 §3.5.2 allows only lower-case op names; the default server accepts it."""

from __future__ import annotations

import httpx
import pytest

TOKEN = "e2e-strict-token-91ad"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
REPLACE = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
           "Operations": [{"op": "Replace", "path": "displayName", "value": "Renamed"}]}


def replace_answer(url: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/scim+json"}
    with httpx.Client(base_url=url, headers=headers, timeout=10) as client:
        created = client.post("/Users", json={"schemas": [USER], "userName": "entra.replace"})
        assert created.status_code == 201, created.text
        return client.patch(f"/Users/{created.json()['id']}", json=REPLACE)


@pytest.mark.parametrize(("argv", "status"), [(("--strict",), 400), ((), 200)],
                         ids=["strict", "default"])
def test_capitalised_replace(serve, argv, status):
    server = serve("--token", TOKEN, *argv)
    answer = replace_answer(server.url)
    assert answer.status_code == status, answer.text
    output = server.stop()
    assert ("every IdP tolerance off" in output) is bool(argv)
