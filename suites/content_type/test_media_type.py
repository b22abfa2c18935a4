"""Media types: application/scim+json answers, Accept negotiation, JSON request bodies, UTF-8."""

from __future__ import annotations

import json

import pytest

from scimcert.harness.checks import (
    body_of,
    expect,
    expect_content_type,
    expect_equal,
    expect_status,
)
from scimcert.harness.outcome import not_applicable

ANY = {"Accept": "*/*"}
# Successful reads; the media type of error answers is graded by rfc7644/3.12/error-media-type.
READS = ["/ServiceProviderConfig", "/ResourceTypes", "/Schemas", "/Users?count=1",
         "/Groups?count=1"]
# A discovery document the target does not serve is graded by the requirement that it be
# served; the checks of its answer do not apply.
SERVED = {"/ServiceProviderConfig": "rfc7644/4/service-provider-config",
          "/ResourceTypes": "rfc7644/4/resource-types-served", "/Schemas": "rfc7644/4/schemas-list"}
REQUEST_TYPES = [
    pytest.param("application/scim+json", id="scim-json",
                 marks=pytest.mark.requirement("rfc7644/3.3/created-201")),
    pytest.param("application/json", id="json",
                 marks=pytest.mark.requirement("okta/spec-test/json-content-type")),
    pytest.param("application/scim+json; charset=utf-8", id="scim-json-charset",
                 marks=pytest.mark.requirement("okta/spec-test/charset-content-type")),
]


@pytest.mark.requirement("rfc7644/3.8/accept-scim-json")
def test_accept_scim_json_gets_scim_json(scim):
    resp = scim.get("/Users", params={"count": 1}, headers={"Accept": "application/scim+json"})
    expect_status(resp, 200)
    expect_content_type(resp)
    body_of(resp)


@pytest.mark.requirement("rfc7644/3.8/accept-json")
def test_accept_json_gets_json(scim):
    resp = scim.get("/Users", params={"count": 1}, headers={"Accept": "application/json"})
    expect_status(resp, 200)
    media = resp.headers.get("content-type", "").split(";")[0].strip().lower()
    expect(media in ("application/json", "application/scim+json"), "the answer is JSON",
           expected="application/json or application/scim+json", actual=media)
    body_of(resp)


@pytest.mark.requirement("rfc7644/3.8/default-scim-json", "entra/responses/scim-json")
@pytest.mark.parametrize("path", READS)
def test_answer_is_scim_json(scim, path):
    resp = scim.get(path, headers=ANY)
    if path in SERVED and resp.status_code != 200:
        not_applicable(f"GET {path} answered {resp.status_code}: graded by {SERVED[path]}")
    expect_content_type(resp)


@pytest.mark.writes
@pytest.mark.parametrize("media", REQUEST_TYPES)
def test_create_with_request_media_type_succeeds(scim, cleanup, make, media):
    resp = scim.post("/Users", content=json.dumps(make.user_body()).encode(),
                     headers={"Content-Type": media})
    created = body_of(resp) if resp.is_success else None
    if isinstance(created, dict) and isinstance(created.get("id"), str):
        cleanup.register("/Users", created["id"])
    expect_status(resp, 201)


@pytest.mark.writes
@pytest.mark.requirement("rfc7644/3.8/utf-8")
def test_non_ascii_text_round_trips(scim, cleanup, make):
    display = "Zoë Ångström 山田 Łukasz"
    body = make.user_body(displayName=display, nickName="Łuki")
    resp = scim.post("/Users", content=json.dumps(body, ensure_ascii=False).encode("utf-8"),
                     headers={"Content-Type": "application/scim+json"})
    created = body_of(resp) if resp.is_success else {}
    if isinstance(created.get("id"), str):
        cleanup.register("/Users", created["id"])
    expect_status(resp, 201)
    read = scim.get(f"/Users/{created['id']}")
    expect_status(read, 200)
    expect_equal(body_of(read).get("displayName"), display, "displayName read back")
    expect_equal(body_of(read).get("nickName"), "Łuki", "nickName read back")
