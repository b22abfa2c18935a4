"""The model a property holds a target to: the strict RFC core (`scimcert.scim`) applied to the
resources as the target last showed them.

A step is judged on its transition: the model takes the resource as the target read it before
the step, computes what the step makes of it (`canonicalize`, `apply_patch`, membership and
deletion as RFC 7644 §3.5-§3.6 say), and compares the next read with that. Where the RFCs allow
several outcomes the model accepts each and then adopts the one the target chose:

- a PUT that omits a readWrite attribute may clear it or keep it (RFC 7644 §3.5.1: "the
  service provider MAY assume that any existing values are to be cleared, or ... MAY assign a
  default value");
- a deleted user may stay listed as a group member (RFC 7644 §3.6 does not say it leaves
  groups; RFC 7643 §2.3.7 leaves referential integrity to the provider);
- `display`, `$ref` and `type` of members, and a user's `groups`, are the provider's to fill in
  (RFC 7643 §4.1.2, §4.2); only which ids are listed is judged.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from scimcert.harness.properties import likeness
from scimcert.scim.errors import ScimError
from scimcert.scim.filter import parse_path
from scimcert.scim.patch import apply_patch
from scimcert.scim.resource import canonicalize
from scimcert.scim.schema import Registry, ResourceType
from scimcert.scim.tolerance import STRICT, Tolerances

# The model reads what a target returns: a `schemas` naming URNs the model does not know is the
# representation suites' finding, not a reason to stop modelling.
READING = Tolerances(unknown_schema_urns=True)
MEMBERS = "members"
ADD_SIMPLE = "rfc7644/3.5.2.1/add-simple"
ADD_EXTENSION = "rfc7644/3.5.2.1/add-extension"
ADD_MULTI = "rfc7644/3.5.2.1/add-multi-valued"
REPLACE_SIMPLE = "rfc7644/3.5.2.3/replace-simple"
REPLACE_ABSENT = "rfc7644/3.5.2.3/replace-absent-adds"
REPLACE_SUB = "rfc7644/3.5.2.3/replace-sub-attribute"
REPLACE_FILTER = "rfc7644/3.5.2.3/replace-value-filter"
REPLACE_EXTENSION = "rfc7644/3.5.2.3/replace-extension"
REPLACE_MULTI = "rfc7644/3.5.2.3/replace-multi-valued"
REMOVE_SIMPLE = "rfc7644/3.5.2.2/remove-simple"
REMOVE_FILTER = "rfc7644/3.5.2.2/remove-value-filter"
REMOVE_EXTENSION = "rfc7644/3.5.2.2/remove-extension"
PATHLESS = {"add": "rfc7644/3.5.2.1/add-pathless", "replace": "rfc7644/3.5.2.3/replace-pathless"}


def stored(resource: dict[str, Any], registry: Registry, rtype: ResourceType) -> dict[str, Any]:
    """A resource as the target returned it, in the core's stored form (readOnly attributes,
    id and meta left out); ScimError when it is no valid resource of its type."""
    return canonicalize(resource, registry, rtype, READING)


def patched(before: dict[str, Any], message: dict[str, Any], registry: Registry,
            rtype: ResourceType) -> dict[str, Any]:
    """What RFC 7644 §3.5.2 makes of `before` (stored form) with `message`; ScimError when the
    core refuses it."""
    return apply_patch(before, message, registry, rtype, STRICT)


def clause(op: dict[str, Any], registry: Registry, rtype: ResourceType,
           before: dict[str, Any]) -> str:
    """The requirement (RFC 7644 §3.5.2.1-§3.5.2.3) an operation's outcome is graded by."""
    name = str(op.get("op", "")).lower()
    path = op.get("path")
    if not path:
        return PATHLESS.get(name, REMOVE_SIMPLE)
    parsed = parse_path(path)
    attr = registry.top_attribute(rtype, parsed.attr)
    urn = parsed.attr.urn
    extension = urn is not None and rtype.extension_urn(urn) is not None
    if name == "remove":
        return REMOVE_FILTER if parsed.filter else REMOVE_EXTENSION if extension \
            else REMOVE_SIMPLE
    if name == "add":
        if extension:
            return ADD_EXTENSION
        return ADD_MULTI if attr is not None and attr.multi_valued else ADD_SIMPLE
    if parsed.filter is not None:
        return REPLACE_FILTER
    if extension:
        return REPLACE_EXTENSION
    if attr is not None and attr.multi_valued:
        return REPLACE_MULTI
    if attr is not None and (attr.is_complex or parsed.attr.sub):
        return REPLACE_SUB
    held = likeness.flat(before, rtype).get(str(parsed.attr).lower())
    return REPLACE_SIMPLE if held and held[1] not in (None, "", [], {}) else REPLACE_ABSENT


def kept_immutable(body: dict[str, Any], current: dict[str, Any], registry: Registry,
                   rtype: ResourceType) -> dict[str, Any]:
    """`body` with the value of each immutable attribute `current` holds: RFC 7644 §3.5.1 lets
    a PUT give an immutable attribute only the value it already has."""
    out = copy.deepcopy(body)
    for path, value in likeness.flat(current, rtype).values():
        attr = registry.attribute(rtype, path)
        if attr is None or attr.mutability != "immutable" or value in (None, [], {}):
            continue
        urn = rtype.extension_urn(attr.schema)
        if urn is None:
            out[attr.name] = value
            continue
        out.setdefault(urn, {})[attr.name] = value
        if urn not in out.setdefault("schemas", [rtype.schema]):
            out["schemas"].append(urn)
    return out


def member_ids(resource: dict[str, Any] | None) -> set[str]:
    """The ids `members` lists."""
    found = (resource or {}).get(MEMBERS) or []
    return {m["value"] for m in found if isinstance(m, dict) and isinstance(m.get("value"), str)}


@dataclass
class Entry:
    """One resource the model knows: its type and its state in stored form."""

    rtype: ResourceType
    state: dict[str, Any]


@dataclass
class Expectation:
    """What a read of one resource must show: `state`, where each attribute of `either` may
    instead be unassigned (PUT leaving it out, RFC 7644 §3.5.1)."""

    state: dict[str, Any]
    either: dict[str, Any] = field(default_factory=dict)


@dataclass
class Model:
    """The resources a stateful property made, in the state the strict core says they are in."""

    registry: Registry
    live: dict[str, Entry] = field(default_factory=dict)
    gone: set[str] = field(default_factory=set)

    def add(self, rid: str, rtype: ResourceType, read: dict[str, Any]) -> None:
        """Adopt a created resource as the target read it back (the round trip of a create is
        another property's finding)."""
        self.live[rid] = Entry(rtype, stored(read, self.registry, rtype))

    def put(self, rid: str, body: dict[str, Any]) -> Expectation:
        """RFC 7644 §3.5.1: the body replaces the resource; each readWrite attribute it omits
        may be cleared or kept."""
        entry = self.live[rid]
        new = canonicalize(body, self.registry, entry.rtype, STRICT)
        sent = {k for k, _ in likeness.flat(new, entry.rtype).items()}
        either = {k: v for k, v in likeness.flat(entry.state, entry.rtype).items()
                  if k not in sent and k != MEMBERS}
        return Expectation(new, {k: v[1] for k, v in either.items()})

    def patch(self, rid: str, message: dict[str, Any]) -> Expectation:
        """RFC 7644 §3.5.2: the operations applied in order, atomically."""
        entry = self.live[rid]
        return Expectation(patched(entry.state, message, self.registry, entry.rtype))

    def delete(self, rid: str) -> None:
        """RFC 7644 §3.6: the resource is gone; groups may drop it from their members."""
        self.live.pop(rid, None)
        self.gone.add(rid)

    def expected(self, rid: str) -> Expectation:
        return Expectation(self.live[rid].state)

    def groups_of(self, rid: str) -> set[str]:
        """The live groups listing `rid` as a member (RFC 7643 §4.1.2)."""
        return {gid for gid, entry in self.live.items() if rid in member_ids(entry.state)}

    def judge(self, rid: str, expectation: Expectation, read: dict[str, Any]
              ) -> list[likeness.Difference]:
        """How the resource as read differs from `expectation`; on none, the model adopts it."""
        entry = self.live[rid]
        try:
            actual = stored(_without(read, self.gone), self.registry, entry.rtype)
        except ScimError as exc:
            return [likeness.Difference("(resource)", "a valid resource", exc.detail)]
        wanted = _without(copy.deepcopy(expectation.state), self.gone)
        for key, value in expectation.either.items():
            if not _holds(actual, key, entry.rtype):
                continue
            _put_flat(wanted, key, value, entry.rtype)
        found = likeness.differences(wanted, actual, self.registry, entry.rtype, [actual])
        if not found:
            entry.state = actual
        return found

    def of_type(self, rtype: ResourceType) -> list[str]:
        """The ids of the live resources of `rtype`, oldest first."""
        return [rid for rid, entry in self.live.items() if entry.rtype.name == rtype.name]


def _without(read: dict[str, Any], gone: set[str]) -> dict[str, Any]:
    """`read` without members that are deleted resources (RFC 7644 §3.6 lets them stay)."""
    found = read.get(MEMBERS)
    if not isinstance(found, list):
        return read
    kept = [m for m in found if not (isinstance(m, dict) and m.get("value") in gone)]
    return {**read, MEMBERS: kept}


def _holds(resource: dict[str, Any], key: str, rtype: ResourceType) -> bool:
    value = likeness.flat(resource, rtype).get(key, (key, None))[1]
    return value not in (None, [], {})


def _put_flat(resource: dict[str, Any], key: str, value: Any, rtype: ResourceType) -> None:
    """Set the attribute at flat path `key` (`urn:name` for an extension's)."""
    urn, _, name = key.rpartition(":")
    found = rtype.extension_urn(urn) if urn else None
    if found is None:
        resource[key] = value
        return
    resource.setdefault(found, {})[name] = value
