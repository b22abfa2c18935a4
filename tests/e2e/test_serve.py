"""`scimcert serve` as a subprocess on a loopback port: the issue's curl walk-through, over HTTP."""

from __future__ import annotations

import socket
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.secret import absent

TOKEN = "e2e-token-7c41d2"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
ADSCIM = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"


@pytest.fixture(scope="module")
def server(serve):
    running = serve("--token", TOKEN, "--token", "second-token")
    yield running
    running.stop()


@pytest.fixture
def scim(server):
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/scim+json"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=10) as client:
        yield client


def patch(*ops):
    return {"schemas": [PATCH], "Operations": list(ops)}


def test_base_url_is_printed_with_the_default_base_path(server):
    assert server.url.startswith("http://127.0.0.1:")
    assert server.url.endswith("/scim/v2")


def test_curl_walk_through(scim):
    guid = str(uuid.UUID(int=0x4F9C6C1E0D1B4A8E9A8E2F6B3C1D2E3F))
    probe = scim.get("/Users", params={"filter": f'userName eq "{guid}"'})
    assert (probe.status_code, probe.json()["totalResults"], probe.json()["Resources"]) == (
        200, 0, [])

    body = {"schemas": [USER], "userName": "Walk.Through@example.com", "active": True,
            "emails": [{"primary": True, "type": "work", "value": "walk@example.com"}]}
    created = scim.post("/Users", json=body)
    assert created.status_code == 201, created.text
    user = created.json()
    assert created.headers["location"] == user["meta"]["location"]
    assert created.headers["location"].startswith(scim.base_url.__str__().rstrip("/"))

    assert scim.post("/Users", json=body).status_code == 409
    found = scim.get("/Users", params={"filter": 'userName eq "walk.through@EXAMPLE.com"'})
    assert [r["id"] for r in found.json()["Resources"]] == [user["id"]]

    changed = scim.patch(f"/Users/{user['id']}", json=patch(
        {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "new@example.com"},
        {"op": "Replace", "path": "active", "value": "False"}))
    assert changed.status_code == 200, changed.text
    assert changed.json()["active"] is False
    assert changed.json()["emails"][0]["value"] == "new@example.com"
    listed = scim.get("/Users", params={"filter": f'id eq "{user["id"]}"'}).json()
    assert listed["totalResults"] == 1 and listed["Resources"][0]["active"] is False
    again = scim.patch(f"/Users/{user['id']}", json=patch(
        {"op": "Replace", "path": "active", "value": "True"}))
    assert again.json()["active"] is True

    group = scim.post("/Groups", json={"schemas": [GROUP, ADSCIM], "displayName": "Walkers",
                                       "externalId": "g-1", "meta": {"resourceType": "Group"}})
    assert group.status_code == 201, group.text
    gid = group.json()["id"]
    others = [scim.post("/Users", json={"userName": f"walker{i}@example.com"}).json()["id"]
              for i in (1, 2)]
    members = [user["id"], *others]
    added = scim.patch(f"/Groups/{gid}", json=patch(
        {"op": "Add", "path": "members", "value": [{"$ref": None, "value": m} for m in members]}))
    assert added.status_code in (200, 204)
    assert member_ids(scim, gid) == members

    scim.patch(f"/Groups/{gid}", json=patch(
        {"op": "Remove", "path": "members", "value": [{"$ref": None, "value": others[0]}]}))
    assert member_ids(scim, gid) == [user["id"], others[1]]
    scim.patch(f"/Groups/{gid}", json=patch(
        {"op": "remove", "path": f'members[value eq "{others[1]}"]'}))
    assert member_ids(scim, gid) == [user["id"]]

    scim.patch(f"/Groups/{gid}", json=patch(
        {"op": "Replace", "path": "displayName", "value": "Wanderers"}))
    assert scim.get(f"/Groups/{gid}").json()["displayName"] == "Wanderers"

    assert scim.delete(f"/Users/{user['id']}").status_code == 204
    assert scim.get(f"/Users/{user['id']}").status_code == 404
    assert member_ids(scim, gid) == []
    assert scim.delete(f"/Groups/{gid}").status_code == 204
    assert scim.get(f"/Groups/{gid}").status_code == 404


def member_ids(scim: httpx.Client, gid: str) -> list[str]:
    response = scim.get(f"/Groups/{gid}")
    assert response.status_code == 200, response.text
    return [m["value"] for m in response.json().get("members", [])]


def test_concurrent_member_patches_lose_no_update(server, scim):
    clients, per_client = 16, 4
    users = [scim.post("/Users", json={"userName": f"racer{i}@example.com"}).json()["id"]
             for i in range(clients * per_client)]
    gid = scim.post("/Groups", json={"displayName": "Race"}).json()["id"]
    headers = {"Authorization": f"Bearer {TOKEN}"}

    def add(batch: list[str]) -> list[int]:
        with httpx.Client(base_url=server.url, headers=headers, timeout=30) as own:
            return [own.patch(f"/Groups/{gid}", json=patch(
                {"op": "add", "path": "members", "value": [{"value": uid}]})).status_code
                for uid in batch]

    batches = [users[i::clients] for i in range(clients)]
    with ThreadPoolExecutor(max_workers=clients) as pool:
        statuses = [s for result in pool.map(add, batches) for s in result]
    assert set(statuses) == {204}
    assert sorted(member_ids(scim, gid)) == sorted(users)


def test_second_token_works_and_a_wrong_one_is_401(server):
    ok = httpx.get(f"{server.url}/Users", headers={"Authorization": "Bearer second-token"})
    assert ok.status_code == 200
    denied = httpx.get(f"{server.url}/Users", headers={"Authorization": "Bearer wrong"})
    assert denied.status_code == 401
    assert denied.headers["www-authenticate"] == 'Bearer realm="scimcert"'


def test_tokens_never_appear_in_the_servers_output(server):
    httpx.get(f"{server.url}/Users", params={"access_token": TOKEN})
    output = server.stop()
    assert "listening" in output
    absent(TOKEN, output=output)
    absent("second-token", output=output)


def test_token_from_scim_token_environment_variable(serve, clean_environment):
    running = serve(env=clean_environment(SCIM_TOKEN="env-token-93"))
    try:
        ok = httpx.get(f"{running.url}/Users", headers={"Authorization": "Bearer env-token-93"})
        assert ok.status_code == 200
    finally:
        assert "env-token-93" not in running.stop()


def test_without_a_token_serve_refuses_to_start_in_one_line(run_serve):
    result = run_serve("--port", "0")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "--no-auth" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_seed_file_is_one_line(tmp_path, run_serve):
    seed = tmp_path / "seed.json"
    seed.write_text('{"users": [{"state": "active"}]}', encoding="utf-8")
    result = run_serve("--port", "0", "--no-auth", "--seed", str(seed))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "seed" in result.stderr
    assert "Traceback" not in result.stderr


def test_busy_port_is_one_line(run_serve):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = run_serve("--host", "127.0.0.1", "--port", str(port), "--token", TOKEN)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and str(port) in result.stderr
    assert "Traceback" not in result.stderr
    absent(TOKEN, stderr=result.stderr, stdout=result.stdout)
