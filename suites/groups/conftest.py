"""Fixtures of the groups suite: reading a group and its member ids, and sending PATCH."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from scimcert.harness.checks import body_of, expect_status

PATCH_URN = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


@pytest.fixture
def read(scim) -> Callable[[str], dict[str, Any]]:
    """GETs a resource that exists and returns its body."""

    def get(path: str) -> dict[str, Any]:
        resp = scim.get(path)
        expect_status(resp, 200)
        return body_of(resp)

    return get


@pytest.fixture
def member_ids(read) -> Callable[[str], set[str]]:
    """The ids listed in `members` of a group."""

    def ids(group_id: str) -> set[str]:
        return {m.get("value") for m in read(f"/Groups/{group_id}").get("members") or []}

    return ids


@pytest.fixture
def send_patch(scim) -> Callable[[str, list[dict[str, Any]]], httpx.Response]:
    """PATCHes a group with `operations`; RFC 7644 §3.5.2 allows 200 with the resource or 204."""

    def send(group_id: str, operations: list[dict[str, Any]]) -> httpx.Response:
        resp = scim.patch(f"/Groups/{group_id}",
                          json={"schemas": [PATCH_URN], "Operations": operations})
        expect_status(resp, 200, 204)
        return resp

    return send
