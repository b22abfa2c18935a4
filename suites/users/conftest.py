"""Fixtures of the users suite: run names for suite data, reads and PATCH requests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from scimcert.harness.checks import body_of, expect_status

PATCH_URN = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def fill(value: Any, names: dict[str, str]) -> Any:
    """`value` with `{run}` and `{domain}` replaced in every string."""
    if isinstance(value, str):
        for key, text in names.items():
            value = value.replace("{" + key + "}", text)
        return value
    if isinstance(value, list):
        return [fill(item, names) for item in value]
    if isinstance(value, dict):
        return {fill(key, names): fill(item, names) for key, item in value.items()}
    return value


@pytest.fixture
def named(target) -> Callable[[Any], Any]:
    """Fills suite data with this run's prefix and email domain."""
    names = {"run": target.run_id, "domain": target.email_domain}
    return lambda value: fill(value, names)


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
        resp = scim.patch(path, json={"schemas": [PATCH_URN], "Operations": operations})
        expect_status(resp, 200, 204)
        return resp

    return send
