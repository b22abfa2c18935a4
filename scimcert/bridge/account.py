"""The 1Password account behind the bridge: people with a lifecycle state, and its groups.

Modelled on the 1Password SCIM bridge (docs: support.1password.com/scim-endpoints,
/scim-troubleshooting, developer.1password.com/docs/cli/user-states):
- a user created through SCIM is *invited*; the bridge's ConfirmationWatcher confirms them
  (*active*) after they accept, every `confirmation_interval` (default 300 s);
- `active: false` from the IdP *suspends* the user, `active: true` restores them;
- users already in the account are ordinary SCIM resources, so an IdP finds them with
  `userName eq` and links them instead of inviting a second time;
- groups already in the account are not visible to SCIM until an admin marks them *managed*;
- "Provisioning users & groups" can be switched off, and then the bridge refuses SCIM calls.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from scimcert.bridge.store import Resource, Store
from scimcert.scim.errors import ScimError, conflict
from scimcert.scim.resource import canonicalize
from scimcert.scim.schema import Registry
from scimcert.scim.urns import GROUP_URN, USER_URN

INVITED = "invited"
ACTIVE = "active"
SUSPENDED = "suspended"
STATES = (INVITED, ACTIVE, SUSPENDED)


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return str(uuid.uuid4())


def timestamp(moment: datetime) -> str:
    """RFC 3339 UTC date-time as RFC 7643 §2.3.5 asks for dateTime values."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass(slots=True)
class Person:
    """A 1Password user record behind a SCIM User."""

    user_id: str
    state: str
    invited_at: datetime
    confirmed: bool


@dataclass
class UnmanagedGroup:
    """A group that exists in 1Password but is not managed by provisioning."""

    id: str
    name: str
    members: list[str]


class Account:
    """A 1Password account: the SCIM store, each user's 1Password state and the unmanaged groups."""

    def __init__(
        self,
        *,
        registry: Registry | None = None,
        clock: Callable[[], datetime] | None = None,
        ids: Callable[[], str] | None = None,
        confirmation_interval: float | None = 300.0,
        provisioning: bool = True,
    ) -> None:
        self.registry = registry or Registry.load()
        self.clock = clock or utc_now
        self.ids = ids or new_id
        self.confirmation_interval = confirmation_interval
        self.provisioning = provisioning
        self.store = Store.of(self.registry)
        self.people: dict[str, Person] = {}
        self.unmanaged: dict[str, UnmanagedGroup] = {}

    # Python API for tests and seeds

    def add_user(self, user_name: str, *, state: str = ACTIVE, **attributes: Any) -> str:
        """Add a user who is already in the account (not provisioned); returns the SCIM id."""
        if state not in STATES:
            raise ValueError(f"unknown user state {state!r}; expected one of {', '.join(STATES)}")
        body = {"schemas": [USER_URN], **attributes, "userName": user_name}
        resource = canonicalize(body, self.registry, self.registry.resource_type("User"))
        resource["active"] = state != SUSPENDED
        with self.store.lock:
            if self.store.table("User").owner("userName", user_name) is not None:
                raise conflict(f"userName {user_name!r} is already taken")
            stored = self.stamp("User", resource)
            self.store.table("User").put(stored)
            now = self.clock()
            self.people[stored["id"]] = Person(stored["id"], state, now, state != INVITED)
        return stored["id"]

    def add_group(self, name: str, *, members: Iterable[str] = (), managed: bool = False) -> str:
        """Add a group that exists in 1Password; members are user ids or userNames."""
        with self.store.lock:
            self.check_group_name(name)
            group = UnmanagedGroup(self.ids(), name, [self._user_id(m) for m in members])
            self.unmanaged[name.casefold()] = group
            if managed:
                self.manage_group(name)
        return group.id

    def manage_group(self, name: str) -> str:
        """Mark an existing group as managed by provisioning: from now on SCIM sees it."""
        with self.store.lock:
            group = self.unmanaged.pop(name.casefold(), None)
            if group is None:
                raise KeyError(f"no unmanaged group named {name!r}")
            members = [{"value": uid, "type": "User"} for uid in dict.fromkeys(group.members)]
            body = {"schemas": [GROUP_URN], "displayName": group.name, "members": members}
            stored = self.stamp("Group", body, rid=group.id)
            self.store.table("Group").put(stored)
            self.store.set_members(group.id, [], [m["value"] for m in members])
        return group.id

    def state(self, user_id: str) -> str:
        """The 1Password state of the user with SCIM id `user_id`: invited, active or suspended."""
        with self.store.lock:
            person = self.people[user_id]
            self._watch(person)
            return person.state

    def states(self) -> dict[str, str]:
        """Every user's state by userName."""
        table = self.store.table("User")
        with self.store.lock:
            return {table.rows[uid]["userName"]: self.state(uid) for uid in self.people}

    def confirm(self, user_id: str) -> None:
        """Confirm an invited user, as the ConfirmationWatcher does once they accept."""
        with self.store.lock:
            person = self.people[user_id]
            person.confirmed = True
            if person.state == INVITED:
                person.state = ACTIVE

    def confirm_all(self) -> None:
        with self.store.lock:
            for uid in self.people:
                self.confirm(uid)

    # Hooks the SCIM service calls while holding the store lock

    def invite(self, user_id: str, active: bool) -> None:
        person = Person(user_id, INVITED, self.clock(), False)
        self.people[user_id] = person
        if not active:
            person.state = SUSPENDED

    def set_active(self, user_id: str, active: bool) -> None:
        person = self.people.get(user_id)
        if person is None:
            return
        self._watch(person)
        if not active:
            person.state = SUSPENDED
        elif person.state == SUSPENDED:
            # A user suspended before accepting the invitation goes back to invited
            # (1Password CLI states TRANSFER_SUSPENDED -> TRANSFER_STARTED).
            person.state = ACTIVE if person.confirmed else INVITED

    def forget(self, user_id: str) -> None:
        self.people.pop(user_id, None)
        for group in self.unmanaged.values():
            if user_id in group.members:
                group.members = [m for m in group.members if m != user_id]

    def stamp(self, rtype: str, resource: Resource, *, rid: str | None = None,
              created: str | None = None) -> Resource:
        """A new stored form of `resource`: its id and fresh meta (created kept when given)."""
        now = timestamp(self.clock())
        meta = {
            "resourceType": rtype,
            "created": created or now,
            "lastModified": now,
            "version": self.store.next_version(),
        }
        return {**resource, "id": rid or self.ids(), "meta": meta}

    def check_group_name(self, name: str, *, own_id: str | None = None) -> None:
        """Refuse a group name already used by another SCIM group or by an unmanaged group."""
        self.check_unmanaged(name)
        owner = self.store.table("Group").owner("displayName", name)
        if owner is not None and owner != own_id:
            raise conflict(f"group displayName {name!r} is already taken")

    def check_unmanaged(self, name: str) -> None:
        """Refuse a SCIM group whose name an unmanaged 1Password group has (the seed document's
        duplicate-groups warning), telling the admin what to do instead."""
        if name.casefold() in self.unmanaged:
            raise conflict(
                f"A group named {name!r} already exists in 1Password but is not managed by "
                "provisioning. To sync it, mark it as a managed group in 1Password "
                "(Integrations > Automated User Provisioning > Managed Groups) instead of "
                "creating a duplicate group."
            )

    def _user_id(self, ref: str) -> str:
        users = self.store.table("User")
        if users.get(ref) is not None:
            return ref
        owner = users.owner("userName", ref)
        if owner is None:
            raise ScimError(400, f"no user with id or userName {ref!r}", "invalidValue")
        return owner

    def _watch(self, person: Person) -> None:
        """Confirm `person` if the confirmation interval has passed since the invitation."""
        if person.state != INVITED or self.confirmation_interval is None:
            return
        if self.clock() - person.invited_at >= timedelta(seconds=self.confirmation_interval):
            person.state = ACTIVE
            person.confirmed = True
