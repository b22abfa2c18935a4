"""Fixtures several suites share: reading a resource that exists, sending a PATCH, and what the
target declares for its users (the User resource type, the enterprise extension, and the
attributes a user body may carry)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from scimcert.harness.checks import body_of, expect, expect_status, precondition
from scimcert.harness.factory import CREATED, declared_part
from scimcert.harness.messages import patch_op
from scimcert.harness.outcome import not_applicable
from scimcert.scim.schema import ResourceType
from scimcert.scim.urns import ENTERPRISE_URN, GROUP_URN, USER_URN

NO_ENTERPRISE = ("the target's User resource type does not declare the "
                 "enterprise extension")
READ = "rfc7644/3.4.1/read-by-id"
ROUND_TRIP = "rfc7643/7/read-write-round-trip"


@pytest.fixture
def read(scim) -> Callable[[str], dict[str, Any]]:
    """GETs a resource that exists and returns its body. The read is a precondition of the
    test: a failing one is reported once, under read-by-id, not as the test's own finding."""

    def get(path: str) -> dict[str, Any]:
        with precondition(READ):
            resp = scim.get(path)
            expect_status(resp, 200)
            body = body_of(resp)
            expect(isinstance(body, dict), f"GET {path} answers the resource",
                   expected="a JSON object", actual=body, resp=resp)
        return body

    return get


@pytest.fixture
def send_patch(scim) -> Callable[[str, list[dict[str, Any]]], httpx.Response]:
    """PATCHes a resource with `operations`; RFC 7644 §3.5.2 allows 200 with the resource or 204."""

    def send(path: str, operations: list[dict[str, Any]]) -> httpx.Response:
        resp = scim.patch(path, json=patch_op(*operations))
        expect_status(resp, 200, 204)
        return resp

    return send


@pytest.fixture
def created_id() -> Callable[[httpx.Response], str]:
    """The id of the resource a create answered 201 with: a precondition of the test, filed
    under created-201."""

    def of(resp: httpx.Response) -> str:
        with precondition(CREATED):
            expect_status(resp, 201)
            body = body_of(resp)
            expect(isinstance(body, dict) and isinstance(body.get("id"), str),
                   "the create answer carries the new resource's id", expected="an id",
                   actual=body, resp=resp)
        return body["id"]

    return of


@pytest.fixture
def group_of(make, read) -> Callable[[list[str]], dict[str, Any]]:
    """Creates a group with the users `ids` as members and checks a read lists exactly them:
    both a precondition of the test. members is readWrite (RFC 7643 §4.2, §8.7.1), so a group
    that forgets them is the round trip's finding, not the test's."""

    def create(ids: list[str]) -> dict[str, Any]:
        group = make.group(members=ids)
        listed = {m.get("value") for m in read(f"/Groups/{group['id']}").get("members") or []
                  if isinstance(m, dict)}
        with precondition(ROUND_TRIP):
            expect(listed == set(ids), "a group created with members lists them",
                   expected=sorted(ids), actual=sorted(listed, key=str))
        return group

    return create


@pytest.fixture(scope="session")
def user_type(registry) -> ResourceType | None:
    """The target's User resource type, found by its core schema URN (RFC 7643 §6) however
    its endpoint is spelled."""
    return next((r for r in registry.resource_types.values()
                 if r.schema.lower() == USER_URN.lower()), None)


@pytest.fixture(scope="session")
def group_type(registry) -> ResourceType | None:
    """The target's Group resource type, found by its core schema URN (RFC 7643 §6)."""
    return next((r for r in registry.resource_types.values()
                 if r.schema.lower() == GROUP_URN.lower()), None)


@pytest.fixture(scope="session")
def enterprise(user_type) -> bool:
    """Whether the target's User resource type lists the enterprise extension in its
    schemaExtensions; the extension is optional (RFC 7643 §4.3, §6)."""
    return user_type is not None and user_type.extension_urn(ENTERPRISE_URN) is not None


@pytest.fixture
def needs_enterprise(enterprise) -> Callable[[Any], None]:
    """Skips as not applicable when `sent` (any suite data) names the enterprise extension and
    the target does not declare it: RFC 7643 §3 allows only the resource type's schemas."""

    def check(sent: Any) -> None:
        if not enterprise and ENTERPRISE_URN.lower() in json.dumps(sent).lower():
            not_applicable(NO_ENTERPRISE)

    return check


@pytest.fixture(scope="session")
def fit_user(registry, user_type) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A user body as the target can take it: only the attributes, sub-attributes and
    extensions its /Schemas and /ResourceTypes declare for User, with `schemas` naming only the
    URNs left. A provider publishes the subset it supports (RFC 7643 §7) and may refuse the rest
    (RFC 7644 §3.3, §3.12 invalidValue)."""

    def fit(body: dict[str, Any]) -> dict[str, Any]:
        return body if user_type is None else declared_part(registry, user_type, body)

    return fit
