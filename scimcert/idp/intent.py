"""What an IdP wants done, IdP-neutral: an intent kind with its arguments (the contract every
dialect renders; fixtures/scenarios/ write their steps in it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

KINDS = (
    "test_connection", "find_user", "create_user", "update_user", "change_username",
    "deactivate_user", "reactivate_user", "delete_user", "find_group", "create_group",
    "rename_group", "update_group", "add_members", "remove_members", "replace_members",
    "delete_group",
)
# The neutral Person: Entra-like names a dialect maps to SCIM attributes.
PERSON = ("userName", "externalId", "displayName", "givenName", "familyName", "email",
          "preferredLanguage", "active", "employeeNumber", "department", "manager")


@dataclass(frozen=True)
class Intent:
    """One intent: `kind` (one of KINDS) and its arguments (ids already resolved; `current`,
    where given, the resource as last read from the target)."""

    kind: str
    args: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown intent {self.kind!r}; one of {', '.join(KINDS)}")
