"""HTTP behaviour: ETags, content types, payload limits, wrong methods, and never a stray 500."""

from __future__ import annotations

import json

import pytest

from scimcert.bridge.app import Parts
from scimcert.bridge.pipeline import Pipeline

USER = "urn:ietf:params:scim:schemas:core:2.0:User"


def test_every_single_resource_response_has_the_etag_of_meta_version(api):
    response = api.client.post("/scim/v2/Users", json={"userName": "ada"})
    created = response.json()
    assert response.headers["etag"] == created["meta"]["version"]
    got = api.get(f"/Users/{created['id']}")
    assert got.headers["etag"] == got.json()["meta"]["version"]
    put = api.client.put(f"/scim/v2/Users/{created['id']}", json={"userName": "ada2"})
    assert put.headers["etag"] == put.json()["meta"]["version"] != created["meta"]["version"]
    patched = api.patch(f"/Users/{created['id']}", {"op": "add", "path": "title", "value": "x"})
    assert patched.headers["etag"] == patched.json()["meta"]["version"]
    assert patched.headers["etag"].startswith('W/"')


def test_if_none_match_with_the_current_version_is_304(api):
    created = api.user("ada")
    response = api.get(f"/Users/{created['id']}",
                        headers={"If-None-Match": created["meta"]["version"]})
    assert response.status_code == 304
    assert response.content == b""
    other = api.get(f"/Users/{created['id']}", headers={"If-None-Match": 'W/"stale"'})
    assert other.status_code == 200


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_if_match_with_a_stale_version_is_412(api, method):
    created = api.user("ada")
    path = f"/scim/v2/Users/{created['id']}"
    headers = {"If-Match": 'W/"999"'}
    bodies = {"put": {"userName": "ada"},
              "patch": {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                        "Operations": [{"op": "add", "path": "title", "value": "t"}]}}
    response = api.client.request(method.upper(), path, headers=headers,
                                  content=json.dumps(bodies.get(method, {})) if method != "delete"
                                  else None)
    api.error(response, 412)
    assert api.get(f"/Users/{created['id']}").json() == created


def test_if_match_with_the_current_version_succeeds(api):
    created = api.user("ada")
    response = api.client.put(f"/scim/v2/Users/{created['id']}", json={"userName": "ada"},
                              headers={"If-Match": created["meta"]["version"]})
    assert response.status_code == 200
    deleted = api.client.delete(f"/scim/v2/Users/{created['id']}",
                                headers={"If-Match": "*"})
    assert deleted.status_code == 204


def test_membership_change_gives_the_user_a_new_version(api):
    ada = api.user("ada")
    api.group("Eng", members=[ada["id"]])
    assert api.get(f"/Users/{ada['id']}").headers["etag"] != ada["meta"]["version"]


def test_content_length_above_max_payload_is_413(bridge):
    small = bridge(max_payload=64)
    response = small.client.post("/scim/v2/Users", content=b"x" * 65,
                                 headers={"Content-Type": "application/scim+json"})
    small.error(response, 413)


def test_streamed_body_above_max_payload_is_413(bridge):
    small = bridge(max_payload=64)

    def chunks():
        yield b'{"userName": "'
        yield b"a" * 100
        yield b'"}'

    response = small.client.post("/scim/v2/Users", content=chunks(),
                                 headers={"Content-Type": "application/scim+json"})
    small.error(response, 413)


def test_body_at_max_payload_is_read(bridge):
    body = json.dumps({"userName": "ada"}).encode()
    exact = bridge(max_payload=len(body))
    assert exact.client.post("/scim/v2/Users", content=body).status_code == 201


@pytest.mark.parametrize("method,path", [
    pytest.param("PUT", "/Users", id="put-collection"),
    pytest.param("DELETE", "/Groups", id="delete-collection"),
    pytest.param("POST", "/Users/abc", id="post-item"),
    pytest.param("DELETE", "/ServiceProviderConfig", id="delete-spc"),
    pytest.param("GET", "/Bulk", id="get-bulk"),
])
def test_wrong_method_is_405_with_a_scim_error(api, method, path):
    api.error(api.client.request(method, f"/scim/v2{path}"), 405)


def test_unknown_endpoint_is_404_with_a_scim_error(api):
    api.error(api.get("/Widgets"), 404)


def test_me_is_501(api):
    api.error(api.get("/Me"), 501)
    api.error(api.client.post("/scim/v2/Me", json={}), 501)


GARBAGE = [
    pytest.param(b"", id="empty"),
    pytest.param(b"null", id="null"),
    pytest.param(b"[" * 5000 + b"]" * 5000, id="deeply-nested"),
    pytest.param(b'{"userName": NaN}', id="nan"),
    pytest.param(b"\xff\xfe\x00", id="not-utf8"),
    pytest.param(b'{"userName": 12}', id="number-username"),
    pytest.param(b'{"userName": "x", "emails": "nope"}', id="emails-string"),
    pytest.param(b'{"userName": "x", "name": [1]}', id="name-list"),
    pytest.param(b'{"userName": "x", "active": "maybe"}', id="active-word"),
    pytest.param(b'{"userName": "x", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":'
                 b' 5}', id="extension-number"),
    pytest.param(b'{"userName": "' + b"9" * 5000 + b'"}', id="long-username"),
    pytest.param(b'{"userName": "x", "meta": 7, "id": []}', id="bad-readonly"),
]


@pytest.mark.parametrize("body", GARBAGE)
def test_garbage_bodies_never_cause_a_500(api, body):
    for method, path in (("POST", "/Users"), ("POST", "/Groups"), ("POST", "/Bulk"),
                         ("POST", "/.search"), ("POST", "/Users/.search")):
        response = api.client.request(method, f"/scim/v2{path}", content=body)
        assert response.status_code < 500, (method, path, response.text)
    created = api.user(f"u{len(body)}")
    for method in ("PUT", "PATCH"):
        response = api.client.request(method, f"/scim/v2/Users/{created['id']}", content=body)
        assert response.status_code < 500, (method, response.text)


PATCHES = [
    pytest.param({"Operations": "x"}, id="operations-string"),
    pytest.param({"Operations": [{"op": "explode"}]}, id="unknown-op"),
    pytest.param({"Operations": [{"op": "add", "path": "emails[type eq", "value": 1}]},
                 id="bad-path"),
    pytest.param({"Operations": [{"op": "replace", "path": "id", "value": "x"}]}, id="id"),
    pytest.param({"Operations": [{"op": "remove", "path": "userName"}]}, id="remove-required"),
    pytest.param({"Operations": [{"op": "add", "path": "members", "value": [{"value": 3}]}]},
                 id="member-number"),
]


@pytest.mark.parametrize("message", PATCHES)
def test_bad_patches_are_4xx_errors(api, message):
    ada = api.user("ada")
    for path in (f"/Users/{ada['id']}", f"/Groups/{api.group(f'g{id(message)}')['id']}"):
        response = api.client.patch(f"/scim/v2{path}", json=message)
        assert 400 <= response.status_code < 500, response.text
        assert response.headers["content-type"] == "application/scim+json"


def test_unexpected_exception_is_a_logged_scim_500(bridge, caplog):
    class Exploding(Pipeline):
        def get(self, rtype, rid):
            raise RuntimeError("boom")

    broken = bridge(parts=Parts(pipeline=Exploding))
    response = broken.get("/Users/x")
    broken.error(response, 500)
    assert "boom" not in response.text
    assert "boom" in caplog.text


def test_location_follows_the_request_base_url(bridge):
    api = bridge(base_path="/scim")
    response = api.client.post("https://bridge.example/scim/Users", json={"userName": "ada"})
    assert response.headers["location"].startswith("https://bridge.example/scim/Users/")
