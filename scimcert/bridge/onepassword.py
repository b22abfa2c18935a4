"""The 1Password SCIM Bridge's answers to what RFC 7643/7644 leave open (see `Policy`).

Each user is a person in the 1Password account (account.py, with its sources): created users are
invited, `active: false` suspends them and `active` mirrors that state; groups already in the
account but not managed by provisioning keep their names; provisioning can be switched off.
"""

from __future__ import annotations

from scimcert.bridge.policy import Policy
from scimcert.bridge.store import Resource
from scimcert.scim.errors import ScimError

PEOPLE = "User"
GROUPS = "Group"
# RFC 7643 §4.1.1 password is writeOnly, and 1Password users choose their own password, so a
# value sent by the IdP (Okta sends a placeholder) is dropped.
DISCARDED = ("password",)
SWITCHED_OFF = ("Provisioning users & groups is turned off in 1Password. Turn it on in "
                "Integrations > Automated User Provisioning.")


class OnePassword(Policy):
    """Users are 1Password people with a lifecycle state; groups may clash with unmanaged ones."""

    def refusal(self) -> ScimError | None:
        return None if self.account.provisioning else ScimError(503, SWITCHED_OFF)

    def prepare(self, rtype: str, resource: Resource, old: Resource | None) -> None:
        for name in DISCARDED:
            resource.pop(name, None)
        if rtype == PEOPLE:
            # `active` mirrors the suspension state, so it is always present; a write that
            # leaves it out does not change the state.
            resource["active"] = resource.get("active", old["active"] if old else True)

    def patched(self, rtype: str, resource: Resource) -> None:
        if rtype == PEOPLE and "active" not in resource:
            # A PATCH remove leaves `active` unassigned (RFC 7644 §3.5.2.2); unassigned means
            # the create default, true, unlike a PUT that omits it, which keeps the state.
            resource["active"] = True

    def admit(self, rtype: str, resource: Resource) -> None:
        if rtype == GROUPS:
            self.account.check_unmanaged(resource["displayName"])

    def stored(self, rtype: str, old: Resource | None, new: Resource) -> None:
        if rtype != PEOPLE:
            return
        if old is None:
            self.account.invite(new["id"], new["active"])
        elif old["active"] != new["active"]:
            self.account.set_active(new["id"], new["active"])

    def removed(self, rtype: str, rid: str) -> None:
        if rtype == PEOPLE:
            self.account.forget(rid)

    def patch_body(self, rtype: str) -> bool:
        # Entra recommends 204 for group PATCH, as returning a large member list is expensive
        # (use-scim-to-provision-users-and-groups, "Groups"); users get their resource, as in
        # Entra's user PATCH examples.
        return rtype != GROUPS
