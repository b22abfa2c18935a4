"""Entra ID's provisioning cycles, run against any SCIM target in seconds rather than every
40 minutes (https://learn.microsoft.com/entra/identity/app-provisioning/how-provisioning-works,
"Provisioning cycles: Initial and incremental").

A cycle tests the connection, then for each user in the cycle (every user in the initial one,
the users a change touched in an incremental one, and those that failed before) evaluates the
attribute mapping, matches on the matching attribute (a lookup the dialect renders), creates or
links, and updates only the target attributes whose mapped value changed since it last sent them.
A user leaving scope, disabled or soft-deleted is disabled through the mapped `active` (the
`Switch([IsSoftDeleted], …)` expression: Entra disables "via an update"); a hard-deleted one is
deleted where the dialect deletes. Reference attributes (manager) follow in a second pass, then
groups and their memberships. Provision on demand runs the same steps for one user.

Memory: per user the target id and a digest of what was last sent (not the values, not the
exchanges: the client records into the bounded sink its caller passes), so a cycle over a
generated tenant stays flat in the tenant's size but for those few bytes a user.
"""

from __future__ import annotations

import time
from array import array
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import Any

import httpx

from scimcert.idp import log as logs
from scimcert.idp.attributes import parsed, place, read
from scimcert.idp.dialect import PATHS, Dialect, Quirk
from scimcert.idp.directory import Directory
from scimcert.idp.intent import Intent
from scimcert.idp.log import Entry, Log
from scimcert.idp.mapping import Context, MappingError
from scimcert.idp.request import Request
from scimcert.idp.retry import Retrier
from scimcert.idp.rules import Rules
from scimcert.scim.schema import Registry
from scimcert.wire import Client, TargetError, json_of

USER = "User"
GROUP = "Group"
ACTIVE = "active"
MEMBERS = "members"
# The SCIM path of each neutral Person attribute a dialect renders, any case → its key.
NEUTRAL = {path.lower(): key for key, path in PATHS.items()} | {ACTIVE: ACTIVE}
ABSENT = 0
# Provision on demand takes one group and at most five of its members (provision-on-demand).
ON_DEMAND_MEMBERS = 5


class QuirkRefused(Exception):
    """The target refused a request for a quirk of the dialect: sent again without `quirks`,
    the same intent went through. Raised only by a Provisioner that `diagnose`s (the suites,
    whose verdict names the quirk); the refusal is logged as `entry` before."""

    def __init__(self, entry: Entry, quirks: tuple[Quirk, ...],
                 response: httpx.Response) -> None:
        super().__init__(entry.line())
        self.entry = entry
        self.quirks = quirks
        self.response = response


class Stopped(Exception):
    """The cycle cannot go on: the connection test failed (logged)."""

    def __init__(self, entry: Entry) -> None:
        super().__init__(entry.line())
        self.entry = entry


@dataclass(slots=True)
class Link:
    """A user the service manages: its target id and a digest of each value last sent (8 bytes
    a target attribute, in the order of `Provisioner.slot`). `managed` false: disabled on
    leaving scope, so no longer managed ("once a user is unassigned and disabled … a later
    delete sends nothing"). `source` is the very string the links are keyed by, which group
    memberships hold too, so a user's id is kept once however many groups it is in."""

    source: str
    target: str
    sent: bytes
    managed: bool = True


@dataclass(slots=True)
class GroupLink:
    """A group the service manages: its target id, the displayName and externalId the target
    holds as far as the service knows, and the users it added as members."""

    target: str
    name: str
    members: set[str]
    external: str | None = None


@dataclass
class Cycle:
    """What one cycle did: its number, counts and the quarantine it ended in, if any."""

    number: int
    events: int = 0
    failures: int = 0
    reference_failures: int = 0
    codes: set[str] = field(default_factory=set)
    quarantine: str | None = None
    stopped: Entry | None = None


@dataclass
class Provisioner:
    """Runs cycles of `directory` through `mapping` into the target `client` reaches, as
    `dialect` sends them, logging each event to `log`.

    `mapping` is an Entra attribute mapping (scimcert.idp.mapping.Mapping); `context` the
    clock and random source its expressions read. `on_created(endpoint, id)` hears of every
    resource the service creates (the suites register them for cleanup); `progress(done,
    total)` of each user done; `sleep` is what a back-off waits with.
    """

    client: Client
    directory: Directory
    mapping: Any
    log: Log
    dialect: Dialect = field(default_factory=lambda: Dialect.load("entra"))
    rules: Rules = field(default_factory=Rules.load)
    context: Any = None
    sleep: Callable[[float], None] = time.sleep
    on_created: Callable[[str, str], None] | None = None
    progress: Callable[[int, int], None] | None = None
    refused_token: str | None = None
    # Find the quirks behind a 4xx by sending the intent again without them, and raise
    # QuirkRefused: for the suites' verdicts only, as Entra itself never re-sends.
    diagnose: bool = False
    links: dict[str, Link] = field(default_factory=dict)
    groups: dict[str, GroupLink] = field(default_factory=dict)
    pending: set[str] = field(default_factory=set)
    number: int = 0
    quarantine: str | None = None

    def __post_init__(self) -> None:
        self.retry = Retrier(self.rules, self.sleep)
        self.current = Cycle(0)
        if self.context is None:
            self.context = Context()
        users = _rows(self.mapping, USER)
        self.created_only = {r.target for r in users if _create_only(r)}
        self.references = {r.target for r in users if _reference(r.target)}
        self.matching = sorted(_matching(self.mapping, USER), key=_precedence)
        # Groups are provisioned when the mapping has a group object mapping.
        self.group_matching = [r.target for r in sorted(_matching(self.mapping, GROUP),
                                                         key=_precedence)]
        self.registry = Registry.load()
        self.slot: dict[str, int] = {}
        self.booleans: dict[str, bool] = {}
        self.duplicates: frozenset[int] | None = None

    # -- runs

    def run(self, cycles: int = 1) -> list[Cycle]:
        """The initial cycle, then `cycles - 1` incremental ones, each after the directory's
        next batch of changes (a cycle without changes before it reads no delta). Stops at a
        quarantine, as the job would (it retries once a day at best)."""
        done = []
        for index in range(cycles):
            touched = None
            if self.number > 0:
                batch = self.directory.changes[index - 1] if index - 1 < len(
                    self.directory.changes) else []
                touched = self.directory.apply(batch)
            done.append(self.cycle(touched))
            if self.quarantine:
                break
        return done

    def cycle(self, touched: set[str] | None = None) -> Cycle:
        """One cycle: the initial one when `touched` is None (every user and group), else an
        incremental one over the users and groups `touched` names and those that failed."""
        self.number += 1
        result = Cycle(self.number)
        self.current = result
        try:
            self.test_connection(logged=True)
        except Stopped as exc:
            result.stopped = exc.entry
            self._count(exc.entry)
            self._judge(result)
            return result
        initial = touched is None
        if initial or touched:
            self.duplicates = None
        users = self.directory.users
        if initial:
            uids: Iterable[str] = users if _lazy(self.directory) else list(users)
            total = len(users)
        else:
            wanted = (touched or set()) | self.pending
            # In the directory's order, then the users deleted from it.
            uids = [u for u in users if u in wanted] + sorted(
                u for u in wanted if u in self.links and u not in users)
            total = len(uids)
        self.pending = set()
        reached: list[str] = []
        for done, uid in enumerate(uids, start=1):
            if uid in self.directory.groups:
                continue
            self.user(uid, initial=initial)
            if self.references and uid in self.links:
                reached.append(uid)
            if self.progress is not None:
                self.progress(done, total)
        for uid in reached:
            self.reference(uid)
        if self.group_matching or _rows(self.mapping, GROUP):
            self.sync_groups()
        self._judge(result)
        return result

    def on_demand(self, text: str) -> list[Entry]:
        """Provision on demand of one user (by id, UPN, mail or name): test connection, then
        the user as a cycle would handle it (https://learn.microsoft.com/entra/identity/
        app-provisioning/provision-on-demand). Returns the entries it logged."""
        with self._on_demand() as kept:
            uid = self.directory.find_user(text)
            if uid is None:
                self._write(Entry(0, USER, logs.OTHER, logs.FAILURE, source=text,
                                  reason=f"no user {text!r} in the directory"))
            elif self._connected():
                self._on_demand_user(uid)
        return kept.entries

    def on_demand_group(self, text: str, members: Iterable[str] = ()) -> list[Entry]:
        """Provision on demand of one group (by id or name) with the members chosen (by id,
        UPN, mail or name; default: its first five direct user members): test connection,
        each member as a user, the group created or linked, and those members added.
        Entra takes at most five members; the group's other members wait for a cycle."""
        with self._on_demand() as kept:
            gid = self.directory.find_group(text)
            chosen = self._chosen_members(gid, text, list(members))
            if chosen is None or gid is None:
                return kept.entries
            if not self.directory.group_in_scope(gid):
                self._write(self._entry(GROUP, logs.OTHER, logs.SKIPPED, gid,
                                        name=self.directory.groups[gid].displayName,
                                        code=self.rules.code("skipped"),
                                        reason="out of scope: not assigned to the app"))
                return kept.entries
            if not self._connected():
                return kept.entries
            for uid in chosen:
                self._on_demand_user(uid)
            self.group(gid)
            if gid in self.groups:
                self.membership(gid, only=set(chosen))
        return kept.entries

    def _chosen_members(self, gid: str | None, text: str, members: list[str]
                        ) -> list[str] | None:
        """The members an on-demand group run provisions, or None (logged) when the group or
        one of them is unknown, or more than five are chosen."""
        def refused(reason: str) -> None:
            self._write(Entry(0, GROUP, logs.OTHER, logs.FAILURE, source=gid or text,
                              reason=reason))
        if gid is None:
            refused(f"no group {text!r} in the directory")
            return None
        direct = self.directory.user_members(gid)
        if not members:
            return direct[:ON_DEMAND_MEMBERS]
        if len(members) > ON_DEMAND_MEMBERS:
            refused(f"provision on demand takes at most {ON_DEMAND_MEMBERS} members of a group "
                    f"({len(members)} chosen)")
            return None
        chosen = []
        for member in members:
            uid = self.directory.find_user(member)
            if uid is None or uid not in direct:
                refused(f"{member!r} is not a user member of the group")
                return None
            chosen.append(uid)
        return list(dict.fromkeys(chosen))

    @contextmanager
    def _on_demand(self) -> Iterator[logs.Kept]:
        kept = logs.Kept()
        outer = self.log
        self.log = logs.Tee(outer, kept)
        self.current = Cycle(0)
        try:
            yield kept
        finally:
            self.log = outer

    def _connected(self) -> bool:
        try:
            self.test_connection(logged=True)
        except Stopped:
            return False
        return True

    def _on_demand_user(self, uid: str) -> None:
        self.user(uid, initial=True, on_demand=True)
        if uid in self.links and self.references:
            self.reference(uid)

    # -- the connection

    def test_connection(self, *, logged: bool = False, token: str | None = None,
                        retried: bool = True) -> Entry:
        """Entra's Test Connection: a lookup of a random GUID that must answer 200 with an
        empty list. Its entry: Success, or Failure with the code the answer maps to (raising
        `Stopped` when `logged`, after logging it; invalid credentials quarantine the job)."""
        client = self.client.with_token(token) if token is not None else self.client
        request, = self.dialect.render(Intent("test_connection"))
        entry = Entry(self.number, "Job", logs.OTHER, logs.SUCCESS, name="Test connection")
        try:
            resp = (self.retry if retried else _once)(lambda: _send(client, request))
        except TargetError as exc:
            entry = self._failed(entry, None, exc)
        else:
            entry = self._probed(entry, resp)
        if entry.status == logs.FAILURE and logged:
            self._write(entry)
            if entry.code in self.rules.quarantine["immediate"]:
                self.quarantine = self.rules.quarantine["immediateReason"]
            raise Stopped(entry)
        return entry

    def _probed(self, entry: Entry, resp: httpx.Response) -> Entry:
        if resp.status_code == 404:
            return _replace(entry, status=logs.FAILURE, code=self.rules.code("notAList"),
                            http=404, reason="the lookup of a random GUID answered 404; Entra "
                            "expects 200 with an empty ListResponse", detail=self._detail(resp))
        if resp.status_code != 200:
            return self._refused(entry, resp, "Test Connection was refused")
        body = json_of(resp)
        if not isinstance(body, dict) or not isinstance(body.get("Resources", []), list):
            return _replace(entry, status=logs.FAILURE, code=self.rules.code("unreadable"),
                            http=200, reason="the lookup did not answer a ListResponse")
        if body.get("totalResults") != 0 or body.get("Resources"):
            return _replace(entry, status=logs.FAILURE, code=self.rules.code("unreadable"),
                            http=200, reason="a lookup of a random GUID found "
                            f"{body.get('totalResults')} user(s): the filter is not applied")
        return entry

    # -- users

    def user(self, uid: str, *, initial: bool, on_demand: bool = False) -> None:
        link = self.links.get(uid)
        if uid not in self.directory.users:
            if link is not None:
                self.delete(uid, link)
            return
        source = self.directory.source(uid)
        name = _name(source)
        in_scope = self.directory.in_scope(uid)
        if link is None:
            if not in_scope:
                if initial or on_demand:
                    self._write(self._entry(USER, logs.OTHER, logs.SKIPPED, uid, name=name,
                                            code=self.rules.code("skipped"),
                                            reason="out of scope: not assigned to the app"))
                return
            if source.get("IsSoftDeleted"):
                self._write(self._entry(USER, logs.OTHER, logs.SKIPPED, uid, name=name,
                                        code=self.rules.code("skipped"),
                                        reason="disabled or deleted in Entra: not created"))
                return
            self.provision(uid, source, name)
            return
        if not link.managed:
            if not in_scope or source.get("IsSoftDeleted"):
                return
            link.managed = True
        if on_demand and source.get("IsSoftDeleted") and in_scope:
            # Provision on demand disables unassigned users, not users disabled or deleted in
            # Entra (provision-on-demand, "Known limitations").
            self._write(self._entry(USER, logs.OTHER, logs.SKIPPED, uid, link.target, name,
                                    code=self.rules.code("skipped"), reason="on demand does not "
                                    "disable users disabled or deleted in Entra"))
            return
        values = self.evaluate(uid, source, name, creating=False)
        if values is None:
            return
        changes = self.changed(link, values)
        if not changes:
            if not initial:
                self._write(self._entry(USER, logs.OTHER, logs.SKIPPED, uid, link.target, name,
                                        code=self.rules.code("skipped"),
                                        reason="no change to a mapped attribute"))
            return
        if self.send_changes(uid, link, name, changes) and not in_scope \
                and changes.get(ACTIVE) is False:
            link.managed = False

    def provision(self, uid: str, source: dict[str, Any], name: str) -> None:
        values = self.evaluate(uid, source, name, creating=True)
        if values is None:
            return
        attribute, value = self.matching_value(source) or (None, None)
        if attribute is None:
            self._write(self._entry(USER, logs.OTHER, logs.SKIPPED, uid, name=name,
                                    code=self.rules.code("noMatchingValue"),
                                    reason="no value for the matching attribute"))
            return
        if _folded(attribute, value) in self.source_duplicates():
            self._write(self._entry(USER, logs.OTHER, logs.FAILURE, uid, name=name,
                                    code=self.rules.code("sourceDuplicates"),
                                    reason=f"more than one user in scope has {attribute} "
                                    f"{value!r}: remove the duplicate or match on another "
                                    "attribute"))
            self.pending.add(uid)
            return
        found = self.lookup(uid, name, USER, attribute, value)
        if found is None:
            return
        if not found:
            self.create(uid, name, values)
            return
        hit = found[0]
        link = Link(uid, str(hit.get("id")), b"")
        self.links[uid] = link
        plain = self.sendable({p: v for p, v in values.items() if p not in self.created_only})
        changes = {p: v for p, v in plain.items() if not _same(read(hit, p), v)}
        link.sent = self._digest(link.sent, plain)
        reason = f"matched the existing user by {attribute} eq {value!r}: linked"
        if not changes:
            self._write(self._entry(USER, logs.UPDATE, logs.SUCCESS, uid, link.target, name,
                                    reason=reason))
            return
        self.send_changes(uid, link, name, changes, reason=reason, fresh=hit)

    def source_duplicates(self) -> frozenset[int]:
        """Digests of the matching values more than one user in scope has: Entra matches a
        user not yet linked by querying the source too, and fails both with
        DuplicateSourceEntries. One pass over the directory per cycle that needs it, 8 bytes
        a user while it runs (a generated tenant stays lazy)."""
        if self.duplicates is None:
            seen = array("q")
            directory = self.directory
            for uid in directory.users:
                if uid in directory.groups or not directory.in_scope(uid):
                    continue
                found = self.matching_value(directory.source(uid))
                if found is not None:
                    seen.append(_folded(*found))
            ordered = sorted(seen)
            self.duplicates = frozenset(a for a, b in pairwise(ordered) if a == b)
        return self.duplicates

    def matching_value(self, source: dict[str, Any]) -> tuple[str, Any] | None:
        """(matching attribute, value) of a user as a create would match it: the first
        matching row by precedence with a value; None if none has one or the mapping fails
        (the users pass logs that)."""
        for row in self.matching:
            try:
                value = self.mapping.value(row, source, self.context)
            except MappingError:
                return None
            value = row.default if value is None else value
            if value not in (None, ""):
                return row.target, self._typed(row.target, value)
        return None

    def evaluate(self, uid: str, source: dict[str, Any], name: str, *, creating: bool
                 ) -> dict[str, Any] | None:
        try:
            values = self.mapping.evaluate(source, creating=creating, context=self.context,
                                           object=USER)
        except MappingError as exc:  # its message names the row and why
            self._write(self._entry(USER, logs.OTHER, logs.FAILURE, uid, name=name,
                                    reason=f"the attribute mapping failed: {exc}"))
            self.pending.add(uid)
            return None
        return {p: self._typed(p, v) for p, v in values.items()}

    def _typed(self, path: str, value: Any) -> Any:
        # The Switch of `active` yields "True"/"False"; Entra sends the target's type: a JSON
        # boolean in a create (use-scim-to-provision-users-and-groups, "Create User"), the
        # strings again in a default-job PATCH (the dialect's `booleans`).
        if path not in self.booleans:
            self.booleans[path] = _boolean(self.registry, path)
        if self.booleans[path] and isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        return value

    def sendable(self, values: dict[str, Any]) -> dict[str, Any]:
        """The values sent in the users pass: references wait for the second pass."""
        return {p: v for p, v in values.items() if p not in self.references}

    def changed(self, link: Link, values: dict[str, Any]) -> dict[str, Any]:
        """The values differing from what was last sent (a value no longer mapped is left as
        it is: Entra does not provision null values)."""
        return {p: v for p, v in self.sendable(values).items()
                if p not in self.created_only and _hash(v) != self._sent(link, p)}

    def create(self, uid: str, name: str, values: dict[str, Any]) -> None:
        sending = self.sendable(values)
        resp = self.perform(uid, name, USER, logs.CREATE,
                            Intent("create_user", {"person": _person(sending)}))
        if resp is None:
            return
        rid = self.created(USER, "/Users", uid, name, resp)
        if rid is None:
            self.pending.add(uid)
            return
        self.links[uid] = Link(uid, rid, self._digest(b"", sending))
        self._write(self._entry(USER, logs.CREATE, logs.SUCCESS, uid, rid, name,
                                changed=tuple(sending)))

    def send_changes(self, uid: str, link: Link, name: str, changes: dict[str, Any], *,
                     reason: str | None = None, fresh: dict[str, Any] | None = None) -> bool:
        """PATCH (or PUT) the changed values; `active` through the dialect's own deactivate or
        reactivate request. Returns whether everything went through."""
        active = changes.get(ACTIVE)
        rest = {p: v for p, v in changes.items() if p != ACTIVE}
        intents: list[Intent] = []
        current = fresh
        if rest:
            if current is None:
                current = self.current_of(uid, name, link, rest)
                if current is False:
                    return False
            intents.append(Intent("update_user", {
                "id": link.target, "changes": _person(rest), "current": current}))
        if ACTIVE in changes:
            kind = "reactivate_user" if active else "deactivate_user"
            if current is None and self._reads(kind):
                current = self.current_of(uid, name, link, changes)
                if current is False:
                    return False
            if isinstance(current, dict) and rest:
                current = _applied(current, rest)
            intents.append(Intent(kind, {"id": link.target, "current": current or {}}))
        action = logs.DISABLE if active is False else logs.UPDATE
        for intent in intents:
            if self.perform(uid, name, USER, action, intent, target=link.target) is None:
                return False
        link.sent = self._digest(link.sent, changes)
        self._write(self._entry(USER, action, logs.SUCCESS, uid, link.target, name,
                                changed=tuple(changes), reason=reason))
        return True

    def _reads(self, kind: str) -> bool:
        return self.dialect.shape["deactivate"] == "put" if "activate" in kind else \
            self.dialect.shape["user_update"] == "put"

    def current_of(self, uid: str, name: str, link: Link, changes: dict[str, Any]) -> Any:
        """The resource a request needs as last read: a GET for a dialect that sends whole
        resources (Okta GETs before every PUT); for Entra, which sends `Add` for an attribute
        it never set, what it last sent stands in."""
        if self.dialect.shape["user_update"] != "put":
            if not self.dialect.shape.get("add_when_absent"):
                return None
            return {"id": link.target, **{
                _key(p): "held" for p in changes if self._sent(link, p) != ABSENT}}
        request = Request("GET", f"/Users/{link.target}")
        resp = self.send(uid, name, USER, logs.UPDATE, request, target=link.target)
        return json_of(resp) if resp is not None else False

    def reference(self, uid: str) -> None:
        """The second pass: each reference attribute (manager) set to the target id of the
        user it names, once that user is provisioned; a manager out of scope stays unset
        (how-provisioning-works, step 6 of the initial cycle)."""
        link = self.links[uid]
        if not link.managed or uid not in self.directory.users:
            return
        source = self.directory.source(uid)
        try:
            values = self.mapping.evaluate(source, creating=False, context=self.context,
                                           object=USER)
        except MappingError:  # logged in the users pass
            return
        changes = {}
        for path in self.references:
            manager = self.links.get(str(values.get(path))) if values.get(path) else None
            if manager is None or _hash(manager.target) == self._sent(link, path):
                continue
            changes[path] = manager.target
        if not changes:
            return
        name = _name(source)
        intent = Intent("update_user", {"id": link.target, "changes": _person(changes),
                                        "current": self.current_of(uid, name, link, changes)})
        if self.perform(uid, name, USER, logs.UPDATE, intent, target=link.target,
                        reference=True) is None:
            return
        link.sent = self._digest(link.sent, changes)
        self._write(self._entry(USER, logs.UPDATE, logs.SUCCESS, uid, link.target, name,
                                changed=tuple(changes), reason="reference attributes"))

    def delete(self, uid: str, link: Link) -> None:
        """A user hard-deleted in Entra: DELETE where the dialect deletes, if still managed."""
        del self.links[uid]
        if not link.managed:
            return
        intent = Intent("delete_user", {"id": link.target, "current": {}})
        deletes = self.dialect.render(intent)[0].method == "DELETE"
        action = logs.DELETE if deletes else logs.DISABLE
        if self.perform(uid, uid, USER, action, intent, target=link.target) is None:
            return
        self._write(self._entry(USER, action, logs.SUCCESS, uid, link.target, uid,
                                reason="deleted in Entra"))

    # -- groups

    def sync_groups(self) -> None:
        """Groups after users, memberships last ("synchronizes the users and the groups, and
        then later synchronizes the group memberships")."""
        for gid in [g for g in self.groups if not self.directory.group_in_scope(g)]:
            self.drop_group(gid)
        in_scope = [g for g in self.directory.groups if self.directory.group_in_scope(g)]
        for gid in in_scope:
            self.group(gid)
        for gid in in_scope:
            if gid in self.groups:
                self.membership(gid)

    def group(self, gid: str) -> None:
        group = self.directory.groups[gid]
        try:
            values = self.mapping.evaluate(group.source(), creating=gid not in self.groups,
                                           context=self.context, object=GROUP)
        except MappingError as exc:
            self._write(self._entry(GROUP, logs.OTHER, logs.FAILURE, gid, name=group.displayName,
                                    reason=f"the attribute mapping failed: {exc}"))
            return
        name = values.get("displayName") or group.displayName
        link = self.groups.get(gid)
        if link is None:
            attribute = next((p for p in self.group_matching if values.get(p)), "displayName")
            found = self.lookup(gid, name, GROUP, attribute, values.get(attribute, name))
            if found is None:
                return
            if not found:
                self.create_group(gid, name, values)
                return
            hit = found[0]
            external = hit.get("externalId")
            link = GroupLink(str(hit.get("id")), str(hit.get("displayName") or name), set(),
                             external if isinstance(external, str) else None)
            self.groups[gid] = link
            reason = f"matched the existing group by {attribute} eq {name!r}: linked"
            if not self.update_group(gid, link, name, values, reason=reason):
                self._write(self._entry(GROUP, logs.UPDATE, logs.SUCCESS, gid, link.target,
                                        name, reason=reason))
            return
        self.update_group(gid, link, name, values)

    def update_group(self, gid: str, link: GroupLink, name: str, values: dict[str, Any], *,
                     reason: str | None = None) -> bool:
        """Send the group's mapped attributes that differ from what the target holds (a
        rename; an externalId, e.g. of a group linked by name). Returns whether it logged an
        entry: the update, or its refusal (a dialect that sends no externalId sends nothing)."""
        changes: dict[str, Any] = {}
        if link.name != name:
            changes["displayName"] = name
        external = values.get("externalId")
        if external not in (None, "") and str(external) != link.external:
            changes["externalId"] = str(external)
        if not changes:
            return False
        intent = Intent("update_group", {
            "id": link.target, "changes": changes,
            "current": {"id": link.target, "displayName": link.name,
                        **({"externalId": link.external} if link.external else {})}})
        sends = bool(self.dialect.render(intent))
        if sends and self.perform(gid, name, GROUP, logs.UPDATE, intent,
                                  target=link.target) is None:
            return True
        link.name = name
        link.external = changes.get("externalId", link.external)
        if sends:
            self._write(self._entry(GROUP, logs.UPDATE, logs.SUCCESS, gid, link.target, name,
                                    changed=tuple(changes), reason=reason))
        return sends

    def created(self, kind: str, endpoint: str, sid: str, name: str,
                resp: httpx.Response) -> str | None:
        """The id a create answered (told to `on_created` for cleanup), or None, logged as a
        failure: without an id the object cannot be linked."""
        body = json_of(resp)
        rid = body.get("id") if isinstance(body, dict) else None
        if not isinstance(rid, str) or not rid:
            self._write(self._entry(kind, logs.CREATE, logs.FAILURE, sid, name=name,
                                    code=self.rules.code("unreadable"), http=resp.status_code,
                                    reason="the create answered no id"))
            return None
        if self.on_created is not None:
            self.on_created(endpoint, rid)
        return rid

    def create_group(self, gid: str, name: str, values: dict[str, Any]) -> None:
        resp = self.perform(gid, name, GROUP, logs.CREATE, Intent("create_group", {
            "displayName": name, "externalId": values.get("externalId"), "members": []}))
        if resp is None:
            return
        rid = self.created(GROUP, "/Groups", gid, name, resp)
        if rid is None:
            return
        external = values.get("externalId")
        self.groups[gid] = GroupLink(rid, name, set(), None if external in (None, "")
                                     else str(external))
        self._write(self._entry(GROUP, logs.CREATE, logs.SUCCESS, gid, rid, name,
                                changed=tuple(p for p in ("displayName", "externalId")
                                              if values.get(p))))

    def membership(self, gid: str, *, only: set[str] | None = None) -> None:
        """Add the provisioned direct members the target lacks, remove those that left, in one
        PATCH each way (Entra's multi-member PATCH); `only`: add just these (on demand)."""
        link = self.groups[gid]
        wanted = {u for u in self.directory.user_members(gid) if u in self.links}
        # A member whose user was deleted left the group with it (RFC 7644 §3.6).
        link.members = {u for u in link.members if u in self.links}
        adding = sorted(wanted - link.members)
        removing = sorted(link.members - wanted)
        if only is not None:
            adding, removing = [u for u in adding if u in only], []
        current = {"id": link.target, "displayName": link.name,
                   "members": [{"value": self.links[u].target} for u in sorted(link.members)]}
        for kind, uids in (("add_members", adding), ("remove_members", removing)):
            if not uids:
                continue
            targets = [self.links[u].target for u in uids]
            intent = Intent(kind, {"id": link.target, "members": targets, "current": current})
            if self.perform(gid, link.name, GROUP, logs.UPDATE, intent, target=link.target,
                            reference=True) is None:
                continue
            if kind == "add_members":
                link.members |= {self.links[u].source for u in uids}
            else:
                link.members -= set(uids)
            sign = "+" if kind == "add_members" else "-"
            self._write(self._entry(GROUP, logs.UPDATE, logs.SUCCESS, gid, link.target,
                                    link.name, changed=(MEMBERS,),
                                    reason=f"{sign}{len(uids)} member(s): "
                                    + ", ".join(uids[:5]) + (" …" if len(uids) > 5 else "")))

    def drop_group(self, gid: str) -> None:
        link = self.groups.pop(gid)
        if self.perform(gid, link.name, GROUP, logs.DELETE,
                        Intent("delete_group", {"id": link.target}),
                        target=link.target) is None:
            return
        self._write(self._entry(GROUP, logs.DELETE, logs.SUCCESS, gid, link.target, link.name,
                                reason="out of scope or deleted in Entra"))

    # -- the wire

    def lookup(self, sid: str, name: str, kind: str, attribute: str, value: Any
               ) -> list[dict[str, Any]] | None:
        """The target's resources matching `attribute eq value`: [] or one; None when the
        lookup failed or found several (logged)."""
        intent = (Intent("find_user", {"attribute": attribute, "value": str(value)})
                  if kind == USER else Intent("find_group", {"displayName": str(value)}))
        resp = self.perform(sid, name, kind, logs.OTHER, intent)
        if resp is None:
            return None
        body = json_of(resp)
        hits = body.get("Resources") if isinstance(body, dict) else None
        if not isinstance(hits, list):
            self._write(self._entry(kind, logs.OTHER, logs.FAILURE, sid, name=name,
                                    code=self.rules.code("unreadable"), http=resp.status_code,
                                    reason=f"the lookup by {attribute} answered no ListResponse"))
            self.pending.add(sid)
            return None
        if len(hits) > 1:
            self._write(self._entry(kind, logs.OTHER, logs.FAILURE, sid, name=name,
                                    code=self.rules.code("duplicates"), http=resp.status_code,
                                    reason=f"{len(hits)} target {kind.lower()}s have "
                                    f"{attribute} {value!r}"))
            self.pending.add(sid)
            return None
        return [h for h in hits if isinstance(h, dict)]

    def perform(self, sid: str, name: str, kind: str, action: str, intent: Intent, *,
                target: str | None = None, reference: bool = False) -> httpx.Response | None:
        """`intent` as the dialect sends it: each of its requests sent; the last answer, or
        None when one was refused or failed (logged)."""
        requests = self.dialect.render(intent)
        resp = None
        for request in requests:
            resp = self.send(sid, name, kind, action, request, target=target,
                             reference=reference, intent=intent)
            if resp is None:
                return None
        return resp

    def send(self, sid: str, name: str, kind: str, action: str, request: Request, *,
             target: str | None = None, reference: bool = False,
             intent: Intent | None = None) -> httpx.Response | None:
        """Send with retries; a refusal or a failure is logged (and the object retried next
        cycle) and gives None. With `diagnose`, a 4xx refusal of the `intent` the request
        belongs to is examined for the dialect quirks it refused."""
        try:
            resp = self.retry(lambda: _send(self.client, request))
        except TargetError as exc:
            self._write(self._failed(self._entry(kind, action, logs.FAILURE, sid, target, name),
                                     None, exc), reference=reference)
            self.pending.add(sid)
            return None
        if resp.is_success:
            return resp
        entry = self._refused(self._entry(kind, action, logs.FAILURE, sid, target, name), resp,
                              f"{request.method} {request.path.split('?')[0]} was refused")
        self._write(entry, reference=reference)
        self.pending.add(sid)
        if self.diagnose and intent is not None and 400 <= resp.status_code < 500 \
                and resp.status_code != 401:
            quirks = self.dialect.refused(intent, lambda r: _send(self.client, r),
                                          self.on_created)
            if quirks:
                raise QuirkRefused(entry, quirks, resp)
        return None

    def _refused(self, entry: Entry, resp: httpx.Response, what: str) -> Entry:
        verdict = self.rules.status(resp.status_code)
        reason = what
        if self.retry.retried(resp.status_code):
            reason += f" after {self.rules.retry['attempts']} attempts"
        return _replace(entry, status=logs.FAILURE, code=verdict.code, http=resp.status_code,
                        reason=f"{reason} ({resp.status_code})", detail=self._detail(resp))

    def _detail(self, resp: httpx.Response) -> str | None:
        """The target's own words about a refusal, secrets masked (a bridge may echo them)."""
        found = _detail(resp)
        return None if found is None else self.client.redactor(found)

    def _failed(self, entry: Entry, resp: httpx.Response | None, exc: TargetError) -> Entry:
        name = "timeout" if "timed out" in exc.cause else "transport"
        return _replace(entry, status=logs.FAILURE, code=self.rules.code(name),
                        reason="the target did not answer", detail=exc.cause)

    # -- the log

    def _entry(self, kind: str, action: str, status: str, sid: str | None,
               target: str | None = None, name: str | None = None, **more: Any) -> Entry:
        return Entry(self.number if self.current.number else 0, kind, action, status,
                     source=sid, target=target, name=name, **more)

    def _write(self, entry: Entry, *, reference: bool = False) -> None:
        self._count(entry, reference=reference)
        self.log.write(entry)

    def _count(self, entry: Entry, *, reference: bool = False) -> None:
        cycle = self.current
        if entry.object != "Job":
            cycle.events += 1
        if entry.status == logs.FAILURE:
            if reference:
                cycle.reference_failures += 1
            else:
                cycle.failures += 1
            if entry.code:
                cycle.codes.add(entry.code)

    def _judge(self, cycle: Cycle) -> None:
        reason = self.rules.quarantined(codes=cycle.codes, failures=cycle.failures,
                                        events=max(cycle.events, 1),
                                        reference_failures=cycle.reference_failures)
        if reason is not None:
            self.quarantine = reason
        cycle.quarantine = self.quarantine

    def _sent(self, link: Link, path: str) -> int:
        """The digest of the value last sent for `path` to the user of `link` (ABSENT: none)."""
        index = self.slot.get(path)
        if index is None or 8 * index >= len(link.sent):
            return ABSENT
        return array("q", link.sent[8 * index:8 * index + 8])[0]

    def _digest(self, sent: bytes, changes: dict[str, Any]) -> bytes:
        """`sent` with the digests of `changes` written into their slots."""
        values = array("q", sent)
        for path, value in changes.items():
            index = self.slot.setdefault(path, len(self.slot))
            values.extend([ABSENT] * (index + 1 - len(values)))
            values[index] = _hash(value)
        return values.tobytes()


# -- helpers


def _rows(mapping: Any, kind: str) -> list[Any]:
    rows = getattr(mapping, "rows", None)
    if rows is None:
        return _matching(mapping, kind)
    return [r for r in rows if getattr(r, "object", USER) == kind]


def _matching(mapping: Any, kind: str) -> list[Any]:
    return [r for r in mapping.matching(object=kind) if getattr(r, "matching", None)]


def _precedence(row: Any) -> int:
    value = getattr(row, "matching", None)
    return value if isinstance(value, int) and not isinstance(value, bool) else 1


def _create_only(row: Any) -> bool:
    return getattr(row, "apply", "always") == "create"


def _reference(path: str) -> bool:
    return path.lower() == "manager" or path.lower().endswith(":manager")


def _boolean(registry: Registry, path: str) -> bool:
    try:
        urn, attr, _, sub = parsed(path)
    except ValueError:
        return False
    name = f"{urn}:{attr}" if urn else attr
    found = registry.attribute("User", f"{name}.{sub}" if sub else name)
    return found is not None and found.type == "boolean"


def _lazy(directory: Directory) -> bool:
    return not isinstance(directory.users, dict)


def _hash(value: Any) -> int:
    if value is None:
        return ABSENT
    try:
        found = hash((type(value).__name__, value))
    except TypeError:
        found = hash((type(value).__name__, repr(value)))
    return found or 1


def _folded(attribute: str, value: Any) -> int:
    """A matching value's digest, case folded: Entra's source match and a target's userName
    match are both case-insensitive (RFC 7643 §4.1.1 caseExact false)."""
    return _hash((attribute.lower(), value.casefold() if isinstance(value, str) else value))


def _same(got: Any, wanted: Any) -> bool:
    if isinstance(wanted, bool) or isinstance(got, bool):
        return got is wanted or (isinstance(got, str) and got.lower() == str(wanted).lower())
    return got == wanted


def _person(values: dict[str, Any]) -> dict[str, Any]:
    """Target paths as the neutral Person a dialect renders (others kept by their path)."""
    return {NEUTRAL.get(path.lower(), path): value for path, value in values.items()}


def _key(path: str) -> str:
    return NEUTRAL.get(path.lower(), path)


def _applied(current: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    out = dict(current)
    for path, value in changes.items():
        place(out, path, value)
    return out


def _name(source: dict[str, Any]) -> str:
    return str(source.get("userPrincipalName") or source.get("displayName")
               or source.get("id"))


def _once(send: Callable[[], httpx.Response]) -> httpx.Response:
    return send()


def _send(client: Client, request: Request) -> httpx.Response:
    return client.request(request.method, request.path, params=list(request.params) or None,
                          json=request.body, headers=dict(request.headers) or None)


def _detail(resp: httpx.Response) -> str | None:
    body = json_of(resp)
    if isinstance(body, dict) and isinstance(body.get("detail"), str):
        return body["detail"][:300]
    text = resp.text.strip()
    return text[:200] if text else None


def _replace(entry: Entry, **changes: Any) -> Entry:
    return replace(entry, **changes)
