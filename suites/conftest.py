"""Fixtures several suites share: reading a resource that exists, and sending a PATCH."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from scimcert.harness.checks import body_of, expect_status
from scimcert.harness.messages import patch_op


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
