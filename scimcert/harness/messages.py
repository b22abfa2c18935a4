"""Request bodies the suites send: PatchOp messages."""

from __future__ import annotations

from typing import Any

from scimcert.scim.urns import PATCH_OP_URN


def patch_op(*operations: dict[str, Any]) -> dict[str, Any]:
    """A PatchOp message (RFC 7644 §3.5.2) carrying `operations`."""
    return {"schemas": [PATCH_OP_URN], "Operations": list(operations)}
