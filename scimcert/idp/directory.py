"""The Entra ID directory a provisioning cycle reads: users by Microsoft Graph's property names,
groups, the app's assignments and scoping, and the changes made between cycles
(schemas/data/directory.schema.json).

Who is in scope, and `IsSoftDeleted`, follow Microsoft's documentation:
- "Sync only assigned users and groups": a user is in scope when assigned to the app directly
  or as an immediate member of an assigned group; nested groups are not read
  (https://learn.microsoft.com/entra/identity/app-provisioning/how-provisioning-works#scoping).
  "Sync all users and groups": everyone is in scope.
- `IsSoftDeleted` is true when the user is out of scope (unassigned or filtered out),
  soft-deleted, or has `accountEnabled` false (customize-application-attributes, "What you
  should know": https://learn.microsoft.com/entra/identity/app-provisioning/customize-application-attributes).
- A B2B guest's `userPrincipalName` (`alias_theirdomain#EXT#@yourdomain`) reaches a mapping as
  `alias@theirdomain`; `originalUserPrincipalName` keeps the whole
  (how-provisioning-works, "B2B (guest) users").
"""

from __future__ import annotations

import json
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema

from scimcert import paths

ALL = "all"
ASSIGNED = "assigned"
GUEST = "#EXT#@"


class DirectoryError(Exception):
    """A directory file that cannot be read, breaks its schema or names what it lacks; str() is
    one line."""


@dataclass
class Group:
    id: str
    displayName: str
    members: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def source(self) -> dict[str, Any]:
        """The group as a mapping reads it (Entra's group mapping sources objectId)."""
        return {**self.extra, "id": self.id, "objectId": self.id,
                "displayName": self.displayName, "members": list(self.members)}


@dataclass
class Directory:
    """Users by id (in file order), groups by id, assignments, scoping and later changes.

    `users` and `groups` may be any mapping: a generated tenant computes each user when asked
    (scimcert/idp/generate.py), so a cycle over it holds no more than one user at a time.
    """

    users: MutableMapping[str, dict[str, Any]]
    groups: MutableMapping[str, Group] = field(default_factory=dict)
    assignments: set[str] = field(default_factory=set)
    scoping: str = ALL
    changes: list[list[dict[str, Any]]] = field(default_factory=list)
    seed: Path | None = None
    _entitled: set[str] | None = field(default=None, repr=False)

    # -- loading

    @classmethod
    def load(cls, path: Path | str) -> Directory:
        path = Path(path)
        return cls.from_json(read(path), base=path.parent)

    @classmethod
    def from_json(cls, data: dict[str, Any], *, base: Path | None = None) -> Directory:
        """A directory from a document valid against the directory schema; its references
        (managers, members, assignments, change targets) must name what it holds."""
        users = {u["id"]: dict(u) for u in data["users"]}
        groups = {g["id"]: _group(g) for g in data.get("groups", [])}
        seed = data.get("seed")
        directory = cls(users, groups, set(data.get("assignments", [])),
                        data.get("scoping", ALL),
                        [list(batch["steps"]) for batch in data.get("changes", [])],
                        (base or Path(".")) / seed if seed else None)
        directory.check()
        return directory

    def check(self) -> None:
        """Raise DirectoryError for a reference to no user or group (known ones only: changes
        may add users and groups before the steps that name them)."""
        known = set(self.users) | set(self.groups)
        for user in self.users.values():
            if user.get("manager") and user["manager"] not in self.users:
                raise DirectoryError(f"user {user['id']}: manager {user['manager']!r} is no user")
        for group in self.groups.values():
            for member in group.members:
                if member not in known:
                    raise DirectoryError(f"group {group.id}: member {member!r} is no user or group")
        for principal in self.assignments:
            if principal not in known:
                raise DirectoryError(f"assignment {principal!r} is no user or group")
        for number, batch in enumerate(self.changes, start=2):
            for step in batch:
                if step["op"] == "addUser":
                    known.add(step["user"]["id"])
                elif step["op"] == "addGroup":
                    known.add(step["group"]["id"])
                for name in ("user", "principal", "group"):
                    ref = step.get(name)
                    if isinstance(ref, str) and ref not in known:
                        raise DirectoryError(f"changes before cycle {number}: {step['op']} "
                                             f"names {ref!r}, no user or group")

    # -- scope

    def entitled(self) -> set[str]:
        """Users assigned to the app directly or as immediate members of an assigned group."""
        if self._entitled is None:
            found = {p for p in self.assignments if p in self.users}
            for principal in self.assignments:
                group = self.groups.get(principal)
                if group is not None:
                    found.update(m for m in group.members if m in self.users)
            self._entitled = found
        return self._entitled

    def in_scope(self, uid: str) -> bool:
        """Whether the user is in the provisioning scope (assignment or sync-all)."""
        return self.scoping == ALL or uid in self.entitled()

    def group_in_scope(self, gid: str) -> bool:
        """Whether the group is provisioned: every group when syncing all, else the groups
        assigned to the app (a group inside an assigned group is not read)."""
        return gid in self.groups and (self.scoping == ALL or gid in self.assignments)

    def soft_deleted(self, uid: str, user: dict[str, Any] | None = None) -> bool:
        """Entra's computed `IsSoftDeleted` (see the module doc); `user`: its record, when
        already read (a generated tenant computes it on each read)."""
        user = self.users[uid] if user is None else user
        return (not self.in_scope(uid) or bool(user.get("softDeleted"))
                or user.get("accountEnabled", True) is False)

    def source(self, uid: str) -> dict[str, Any]:
        """The user as a mapping reads it: its properties, `IsSoftDeleted`, and a guest's
        userPrincipalName as Entra passes it on."""
        user = self.users[uid]
        out = {k: v for k, v in user.items() if k != "softDeleted"}
        out.setdefault("objectId", uid)
        upn = user.get("userPrincipalName", "")
        out["originalUserPrincipalName"] = upn
        if GUEST in upn:
            alias = upn.split(GUEST, 1)[0]
            local, _, domain = alias.rpartition("_")
            out["userPrincipalName"] = f"{local}@{domain}" if local else alias
        out["IsSoftDeleted"] = self.soft_deleted(uid, user)
        return out

    def user_members(self, gid: str) -> list[str]:
        """The group's direct members that are users (a nested group is not provisioned as a
        member: "Provisioning nested groups isn't supported",
        https://learn.microsoft.com/entra/identity/app-provisioning/known-issues)."""
        return [m for m in self.groups[gid].members if m in self.users]

    # -- changes

    def apply(self, steps: list[dict[str, Any]]) -> set[str]:
        """Make the changes of one batch; the ids of the users and groups they touch (the delta
        an incremental cycle reads)."""
        touched: set[str] = set()
        for step in steps:
            touched |= self._apply(step)
        self._entitled = None
        return touched

    def _apply(self, step: dict[str, Any]) -> set[str]:
        op = step["op"]
        if op == "update":
            user = self._user(step["user"])
            for key, value in step["set"].items():
                if value is None:
                    user.pop(key, None)
                else:
                    user[key] = value
            self.users[user["id"]] = user
            return {user["id"]}
        if op in ("disable", "enable"):
            user = self._user(step["user"])
            user["accountEnabled"] = op == "enable"
            self.users[user["id"]] = user
            return {user["id"]}
        if op in ("softDelete", "restore"):
            user = self._user(step["user"])
            user["softDeleted"] = op == "softDelete"
            self.users[user["id"]] = user
            if op == "softDelete":
                # A deleted user leaves its groups; a restore does not bring the memberships
                # back (how-provisioning-works: "restoring … doesn't restore group memberships").
                return {user["id"], *self._leave_groups(user["id"])}
            return {user["id"]}
        if op == "hardDelete":
            uid = self._user(step["user"])["id"]
            del self.users[uid]
            self.assignments.discard(uid)
            return {uid, *self._leave_groups(uid)}
        if op in ("assign", "unassign"):
            principal = step["principal"]
            if op == "assign":
                self.assignments.add(principal)
            else:
                self.assignments.discard(principal)
            group = self.groups.get(principal)
            return {principal, *(group.members if group else ())}
        if op in ("addMembers", "removeMembers"):
            group = self._group(step["group"])
            if op == "addMembers":
                group.members += [m for m in step["members"] if m not in group.members]
            else:
                group.members = [m for m in group.members if m not in step["members"]]
            self.groups[group.id] = group
            return {group.id, *step["members"]}
        if op == "renameGroup":
            group = self._group(step["group"])
            group.displayName = step["displayName"]
            self.groups[group.id] = group
            return {group.id}
        if op == "deleteGroup":
            group = self._group(step["group"])
            del self.groups[group.id]
            self.assignments.discard(group.id)
            return {group.id, *group.members}
        if op == "addUser":
            self.users[step["user"]["id"]] = dict(step["user"])
            return {step["user"]["id"]}
        if op == "addGroup":
            group = _group(step["group"])
            self.groups[group.id] = group
            return {group.id, *group.members}
        raise DirectoryError(f"unknown change {op!r}")

    def _leave_groups(self, uid: str) -> set[str]:
        left = set()
        for group in self.groups.values():
            if uid in group.members:
                group.members = [m for m in group.members if m != uid]
                self.groups[group.id] = group
                left.add(group.id)
        return left

    def _user(self, uid: str) -> dict[str, Any]:
        if uid not in self.users:
            raise DirectoryError(f"no user {uid!r} in the directory")
        return dict(self.users[uid])

    def _group(self, gid: str) -> Group:
        if gid not in self.groups:
            raise DirectoryError(f"no group {gid!r} in the directory")
        return self.groups[gid]

    def find_user(self, text: str) -> str | None:
        """The id of the user `text` names: its id, userPrincipalName, mail or displayName
        (any case), as an admin picks one for provision on demand."""
        if text in self.users:
            return text
        folded = text.casefold()
        for uid, user in self.users.items():
            names = (user.get("userPrincipalName"), user.get("mail"), user.get("displayName"))
            if any(isinstance(n, str) and n.casefold() == folded for n in names):
                return uid
        return None


    def find_group(self, text: str) -> str | None:
        """The id of the group `text` names: its id or displayName (any case)."""
        if text in self.groups:
            return text
        folded = text.casefold()
        return next((gid for gid, group in self.groups.items()
                     if group.displayName.casefold() == folded), None)


def _group(data: dict[str, Any]) -> Group:
    extra = {k: v for k, v in data.items() if k not in ("id", "displayName", "members")}
    return Group(data["id"], data["displayName"], list(data.get("members", [])), extra)


def read(path: Path) -> dict[str, Any]:
    """The directory document at `path`, checked against the directory schema."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DirectoryError(f"cannot read directory file {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise DirectoryError(f"directory file {path} is not valid JSON: {exc}") from None
    error = jsonschema.exceptions.best_match(_validator().iter_errors(data))
    if error is not None:
        where = "/" + "/".join(str(p) for p in error.absolute_path)
        raise DirectoryError(f"directory file {path} is invalid at {where}: {error.message}")
    return data


def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads((paths.schemas() / "data" / "directory.schema.json").read_text("utf-8"))
    return jsonschema.Draft202012Validator(schema)

