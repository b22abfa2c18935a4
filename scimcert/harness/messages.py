"""Request bodies the suites send: PatchOp messages, and the SCIM URNs they carry."""

from __future__ import annotations

from typing import Any

from scimcert.scim.urns import (
    ENTERPRISE_URN,
    GROUP_URN,
    PATCH_OP_URN,
    SEARCH_REQUEST_URN,
    USER_URN,
)

# Re-exported for the suites that still import URNs from here; suites may import
# scimcert.scim.urns directly (tests/test_layers.py).
__all__ = ["ENTERPRISE_URN", "GROUP_URN", "PATCH_OP_URN", "SEARCH_REQUEST_URN", "USER_URN",
           "patch_op"]


def patch_op(*operations: dict[str, Any]) -> dict[str, Any]:
    """A PatchOp message (RFC 7644 §3.5.2) carrying `operations`."""
    return {"schemas": [PATCH_OP_URN], "Operations": list(operations)}
