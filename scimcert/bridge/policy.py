"""The choices RFC 7643/7644 leave to the service provider, asked of one policy object.

The pipeline calls these hooks at fixed points of every operation; `Policy` answers each the plain
way, adding nothing to what the RFCs say, so a bridge built with it is the RFC pipeline alone.
`OnePassword` (onepassword.py) answers them as the 1Password SCIM Bridge does.
"""

from __future__ import annotations

from scimcert.bridge.account import Account
from scimcert.bridge.store import Resource
from scimcert.scim.errors import ScimError


class Policy:
    """Plain RFC: the provider keeps what it is sent and has no state beyond its resources."""

    def __init__(self, account: Account) -> None:
        self.account = account

    def refusal(self) -> ScimError | None:
        """An error every SCIM request gets right now, such as a 503 (RFC 7644 §3.12)."""
        return None

    def prepare(self, rtype: str, resource: Resource, old: Resource | None) -> None:
        """Change a write's canonical resource before it is checked and stored; RFC 7644 §3.3
        lets the provider alter or ignore what it is sent. `old` is None on create."""

    def patched(self, rtype: str, resource: Resource) -> None:
        """Change a PATCH's result before `prepare`, for attributes the PATCH left unassigned."""

    def admit(self, rtype: str, resource: Resource) -> None:
        """Raise a 409 for a conflict the provider knows beyond the schema's uniqueness
        (RFC 7644 §3.3: the provider refuses a duplicate)."""

    def stored(self, rtype: str, old: Resource | None, new: Resource) -> None:
        """Act on a stored write in the provider's own system; `old` is None on create."""

    def removed(self, rtype: str, rid: str) -> None:
        """Act on a deleted resource in the provider's own system."""

    def patch_body(self, rtype: str) -> bool:
        """Whether a PATCH the client asked no attributes of answers 200 with the resource
        rather than 204: RFC 7644 §3.5.2 allows both."""
        return True
