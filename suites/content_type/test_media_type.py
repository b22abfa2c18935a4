"""Media types: application/scim+json answers, Accept negotiation, JSON request bodies, UTF-8."""

from __future__ import annotations

import json
from typing import Any

import pytest

from scimcert.harness.checks import (
    body_of,
    expect,
    expect_content_type,
    expect_equal,
    expect_status,
    precondition,
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


# Text attributes UTF-8 can be judged on: (an ASCII value, a value beyond ASCII) for each.
TEXTS = {
    "displayName": ("Zoe Angstrom Yamada Lukasz", "Zoë Ångström 山田 Łukasz"),
    "nickName": ("Luki", "Łuki"),
    "name.givenName": ("Zoe", "Zoë"),
    "name.familyName": ("Yamada", "山田"),
}


def declared_texts(registry) -> list[str]:
    """The paths of TEXTS the target's User declares as strings it stores and returns."""
    found = []
    for path in TEXTS:
        attr = registry.attribute("User", path)
        if attr is not None and attr.type == "string" and attr.mutability == "readWrite" \
                and attr.returned in ("default", "always"):
            found.append(path)
    return found


def with_texts(paths: list[str], which: int) -> dict[str, Any]:
    """User attributes setting each path to its ASCII (0) or non-ASCII (1) value."""
    out: dict[str, Any] = {}
    for path in paths:
        top, _, sub = path.partition(".")
        if sub:
            out.setdefault(top, {})[sub] = TEXTS[path][which]
        else:
            out[top] = TEXTS[path][which]
    return out


def text_at(resource: Any, path: str) -> Any:
    """The value at `path`, names matched without regard to case (RFC 7643 §2.1)."""
    for name in path.split("."):
        if not isinstance(resource, dict):
            return None
        resource = next((v for k, v in resource.items() if k.lower() == name.lower()), None)
    return resource


@pytest.mark.writes
@pytest.mark.requirement("rfc7644/3.8/utf-8")
def test_non_ascii_text_round_trips(scim, cleanup, make, registry, read):
    # RFC 7644 §3.3 lets a server alter or ignore what it is sent (django-scim2 derives
    # displayName from name), so UTF-8 is judged only on the attributes an ASCII value of
    # which the target first proves to store as sent.
    plain = make.user(**with_texts(declared_texts(registry), 0))
    with precondition("rfc7644/3.4.1/read-by-id"):
        stored = read(f"/Users/{plain['id']}")
    kept = [path for path in declared_texts(registry) if text_at(stored, path) == TEXTS[path][0]]
    if not kept:
        not_applicable("the target stores none of "
                       f"{', '.join(TEXTS)} as sent, even in ASCII")
    body = make.user_body(**with_texts(kept, 1))
    resp = scim.post("/Users", content=json.dumps(body, ensure_ascii=False).encode("utf-8"),
                     headers={"Content-Type": "application/scim+json"})
    created = body_of(resp) if resp.is_success else {}
    if isinstance(created, dict) and isinstance(created.get("id"), str):
        cleanup.register("/Users", created["id"])
    expect_status(resp, 201)
    got = read(f"/Users/{created['id']}")
    expect_equal({path: text_at(got, path) for path in kept},
                 {path: TEXTS[path][1] for path in kept}, "non-ASCII values read back")
