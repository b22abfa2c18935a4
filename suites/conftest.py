"""Fixtures several suites share: reading a resource that exists, sending a PATCH, and
whether the target declares the enterprise extension."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from scimcert.harness.checks import body_of, expect_status
from scimcert.harness.messages import patch_op
from scimcert.harness.outcome import not_applicable
from scimcert.scim.urns import ENTERPRISE_URN, USER_URN

NO_ENTERPRISE = ("the target's User resource type does not declare the "
                 "enterprise extension")


@pytest.fixture
def read(scim) -> Callable[[str], dict[str, Any]]:
    """GETs a resource that exists and returns its body."""

    def get(path: str) -> dict[str, Any]:
        resp = scim.get(path)
        expect_status(resp, 200)
        return body_of(resp)

    return get


@pytest.fixture
def send_patch(scim) -> Callable[[str, list[dict[str, Any]]], httpx.Response]:
    """PATCHes a resource with `operations`; RFC 7644 §3.5.2 allows 200 with the resource or 204."""

    def send(path: str, operations: list[dict[str, Any]]) -> httpx.Response:
        resp = scim.patch(path, json=patch_op(*operations))
        expect_status(resp, 200, 204)
        return resp

    return send


@pytest.fixture(scope="session")
def enterprise(registry) -> bool:
    """Whether the target's User resource type lists the enterprise extension in its
    schemaExtensions; the extension is optional (RFC 7643 §4.3, §6)."""
    # Found by its core schema, not by how its endpoint is written (H6: "/scim/v2/Users").
    users = next((r for r in registry.resource_types.values() if r.schema == USER_URN), None)
    return users is not None and users.extension_urn(ENTERPRISE_URN) is not None


@pytest.fixture
def needs_enterprise(enterprise) -> Callable[[Any], None]:
    """Skips as not applicable when `sent` (any suite data) names the enterprise extension and
    the target does not declare it: RFC 7643 §3 allows only the resource type's schemas."""

    def check(sent: Any) -> None:
        if not enterprise and ENTERPRISE_URN.lower() in json.dumps(sent).lower():
            not_applicable(NO_ENTERPRISE)

    return check


@pytest.fixture(scope="session")
def fit_user(enterprise) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A user body as the target can take it: without the enterprise extension (its attributes
    and its URN in schemas) when the target does not declare it."""
    urn = ENTERPRISE_URN.lower()

    def fit(body: dict[str, Any]) -> dict[str, Any]:
        if enterprise:
            return body
        out = {key: value for key, value in body.items()
               if key.lower() != urn and not key.lower().startswith(urn + ":")}
        if isinstance(out.get("schemas"), list):
            out["schemas"] = [s for s in out["schemas"] if str(s).lower() != urn]
        return out

    return fit
