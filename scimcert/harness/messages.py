"""Request bodies the suites send: suite data filled in for this run, PatchOp messages, and
the SCIM URNs they carry."""

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
           "fill", "patch_op"]


def fill(value: Any, names: dict[str, str]) -> Any:
    """`value` with every `{name}` placeholder replaced, in every string and key it holds.

    Suite data names run-specific values by placeholder (`{run}`, `{domain}`, `{id:alice}`) so
    the same data serves every target and run.
    """
    if isinstance(value, str):
        for name, text in names.items():
            value = value.replace("{" + name + "}", text)
        return value
    if isinstance(value, list):
        return [fill(item, names) for item in value]
    if isinstance(value, dict):
        return {fill(key, names): fill(item, names) for key, item in value.items()}
    return value


def patch_op(*operations: dict[str, Any]) -> dict[str, Any]:
    """A PatchOp message (RFC 7644 §3.5.2) carrying `operations`."""
    return {"schemas": [PATCH_OP_URN], "Operations": list(operations)}
