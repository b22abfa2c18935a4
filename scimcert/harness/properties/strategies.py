"""Hypothesis strategies generated from the target's own schemas: resource bodies of any declared
type (a vendor extension too), PATCH operation lists in every path form, and filters over a
population as the target stored it.

A generated body is a template: a value that must be unique on the target is a `Unique` and a
group member is a `Member` (an index into the users the property made), both filled in when the
example runs (`Forge.stamp`). So replaying an example while shrinking never collides with what
an earlier run of it created, and the shrunk example still reads the same.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from hypothesis import strategies as st

from scimcert.harness import lookup
from scimcert.harness.properties import text
from scimcert.scim.filter.ast import And, Compare, Node, Not, Or, Present, ValuePath
from scimcert.scim.filter.printer import literal
from scimcert.scim.schema import Attribute, AttrPath, Registry, ResourceType

# Attributes a body never carries: server-assigned (RFC 7643 §3.1), the `schemas` the forge
# writes itself, the members it fills from the property's users, and the password, which is
# never read back (RFC 7643 §4.1.1) so nothing about it can be compared.
NOT_GENERATED = frozenset({"id", "meta", "schemas", "members", "password", "groups"})
MAX_VALUES = 3
MAX_OPERATIONS = 3
OPTIONAL = 5
STRING_OPS = ("eq", "co", "sw", "ew")
ORDER_OPS = ("eq", "gt", "ge", "lt", "le")


@dataclass(frozen=True)
class Unique:
    """A value the target must hold only once: `text` after a tag fresh for each run."""

    text: str
    kind: str = "text"


@dataclass(frozen=True)
class Member:
    """The `index`-th user the property created, as a member value."""

    index: int


def writable(attr: Attribute) -> bool:
    """Whether a client can set `attr` and read it back by default (RFC 7643 §7)."""
    if attr.name.lower() in NOT_GENERATED or attr.mutability in ("readOnly", "writeOnly"):
        return False
    return attr.returned not in ("never", "request")


def reference(attr: Attribute) -> bool:
    """A complex attribute pointing at another resource (`value` and `$ref`): `manager`."""
    return attr.is_complex and attr.sub("value") is not None and attr.sub("$ref") is not None


class Forge:
    """Strategies for one target: `registry` is what its /Schemas and /ResourceTypes declare."""

    def __init__(self, registry: Registry, domain: str) -> None:
        self.registry = registry
        self.domain = domain
        self.formats = text.data()["formats"]
        # Strategies are built once per attribute and per type: building one costs more than
        # drawing from it.
        self.built: dict[tuple[Any, ...], st.SearchStrategy[Any]] = {}

    def _once(self, key: tuple[Any, ...], build: Callable[[], st.SearchStrategy[Any]]
              ) -> st.SearchStrategy[Any]:
        if key not in self.built:
            self.built[key] = build()
        return self.built[key]

    # Values ------------------------------------------------------------------------------------

    def value(self, attr: Attribute, path: str) -> st.SearchStrategy[Any]:
        """A value of `attr` (one element if multi-valued) at `path` (`emails.value`)."""
        return self._once(("value", attr.schema, path), lambda: self._value(attr, path))

    def _value(self, attr: Attribute, path: str) -> st.SearchStrategy[Any]:
        shaped = self.formats.get(path)
        if isinstance(shaped, list):
            return st.sampled_from(shaped)
        if shaped == "email":
            return st.builds(Unique, text.plain(1, 8), st.just("email"))
        if shaped == "phone":
            return st.integers(1000, 9999).map(lambda n: f"+1 555 01{n:04d}"[:15])
        if shaped == "url" or attr.type == "reference":
            return text.plain(1, 10).map(lambda s: f"https://example.com/{s}")
        if attr.canonical_values:
            return st.sampled_from(attr.canonical_values)
        if attr.type == "boolean":
            return st.booleans()
        if attr.type == "integer":
            return st.integers(-(10**6), 10**6)
        if attr.type == "decimal":
            return st.integers(-(10**6), 10**6).map(lambda n: n / 100)
        if attr.type == "dateTime":
            return st.datetimes(datetime(2000, 1, 1), datetime(2099, 12, 31)).map(
                lambda d: d.replace(microsecond=0, tzinfo=UTC).isoformat().replace("+00:00", "Z"))
        if attr.type == "binary":
            return st.binary(min_size=1, max_size=12).map(lambda b: base64.b64encode(b).decode())
        if attr.uniqueness in ("server", "global"):
            return st.builds(Unique, text.words())
        return text.text()

    def attribute(self, attr: Attribute, path: str | None = None) -> st.SearchStrategy[Any]:
        """A whole value of `attr`: a list for a multi-valued one, at most one primary."""
        path = path or attr.name
        return self._once(("attribute", attr.schema, path), lambda: self._attribute(attr, path))

    def _attribute(self, attr: Attribute, path: str) -> st.SearchStrategy[Any]:
        if not attr.is_complex:
            one = self.value(attr, path)
            return st.lists(one, min_size=1, max_size=MAX_VALUES) if attr.multi_valued else one
        if attr.multi_valued:
            return self.values(attr, path)
        subs = {s.name: self.value(s, f"{path}.{s.name}") for s in attr.sub_attributes
                if writable(s)}
        return st.fixed_dictionaries({}, optional=subs).filter(bool)

    def values(self, attr: Attribute, path: str, min_size: int = 1) -> st.SearchStrategy[Any]:
        """Values of a multi-valued complex attribute, distinct by `value`, one maybe primary."""
        subs = {s.name: self.value(s, f"{path}.{s.name}") for s in attr.sub_attributes
                if writable(s) and s.name != "primary"}
        required = {"value": subs.pop("value")} if "value" in subs else {}
        item = st.fixed_dictionaries(required, optional=subs).filter(bool)
        items = st.lists(item, min_size=min_size, max_size=MAX_VALUES,
                         unique_by=lambda i: repr(i.get("value")).casefold())
        if attr.sub("primary") is None:
            return items
        return st.tuples(items, st.integers(-1, MAX_VALUES - 1)).map(_primary)

    # Bodies ------------------------------------------------------------------------------------

    def body(self, rtype: ResourceType, *, members: int = 0) -> st.SearchStrategy[dict]:
        """A create or PUT body of `rtype`: every required attribute, any of the others, each
        declared extension now and then; with `members`, members among that many users."""
        return self._once(("body", rtype.name, members), lambda: self._body(rtype, members))

    def _body(self, rtype: ResourceType, members: int) -> st.SearchStrategy[dict]:
        required: dict[tuple[str, str], st.SearchStrategy[Any]] = {}
        optional: dict[tuple[str, str], st.SearchStrategy[Any]] = {}
        for attr in self.registry.attributes(rtype):
            if not writable(attr) or reference(attr):
                continue
            key = (rtype.extension_urn(attr.schema) or "", attr.name)
            named = not key[0] and (attr.required or _names_it(attr, rtype))
            (required if named else optional)[key] = self.attribute(attr)
        if members and self.registry.top_attribute(rtype, "members") is not None:
            optional[("", "members")] = st.lists(
                st.integers(0, members - 1), unique=True, min_size=1, max_size=members).map(
                lambda found: [{"value": Member(i)} for i in found])
        # A few optional attributes per body: short bodies draw, send and shrink faster, and
        # over the examples every attribute comes up.
        chosen = st.lists(st.sampled_from(sorted(optional)), unique=True,
                          max_size=OPTIONAL) if optional else st.just([])
        some = chosen.flatmap(lambda keys: st.fixed_dictionaries({k: optional[k] for k in keys}))
        return st.tuples(st.fixed_dictionaries(required), some).map(
            lambda pair: _merged(rtype, {**pair[0], **pair[1]}))

    def minimal(self, rtype: ResourceType) -> st.SearchStrategy[dict]:
        """A body of `rtype` with its required attributes alone (a group's displayName)."""
        return self._once(("minimal", rtype.name), lambda: self._minimal(rtype))

    def _minimal(self, rtype: ResourceType) -> st.SearchStrategy[dict]:
        required = {(rtype.extension_urn(a.schema) or "", a.name): self.attribute(a)
                    for a in self.registry.attributes(rtype)
                    if writable(a) and not reference(a) and not rtype.extension_urn(a.schema)
                    and (a.required or _names_it(a, rtype))}
        return st.fixed_dictionaries(required).map(lambda found: _merged(rtype, found))

    def typed(self, types: Sequence[ResourceType], members: int = 0
              ) -> st.SearchStrategy[tuple[ResourceType, dict[str, Any]]]:
        """(type, body template) of any of `types`."""
        return st.sampled_from(list(types)).flatmap(
            lambda t: st.tuples(st.just(t), self.body(t, members=members)))

    def stamp(self, value: Any, tag: str, members: Sequence[str] = ()) -> Any:
        """`value` with every `Unique` prefixed by `tag` and every `Member` its user's id."""
        if isinstance(value, Unique):
            if value.kind == "email":
                return f"{tag}{value.text}@{self.domain}"
            return f"{tag}{value.text}"
        if isinstance(value, Member):
            return members[value.index]
        if isinstance(value, dict):
            return {k: self.stamp(v, tag, members) for k, v in value.items()}
        if isinstance(value, list):
            return [self.stamp(v, tag, members) for v in value]
        return value

    # PATCH -------------------------------------------------------------------------------------

    def operations(self, rtype: ResourceType, *, members: int = 0
                   ) -> st.SearchStrategy[list[dict[str, Any]]]:
        """One to three PATCH operations, in every path form RFC 7644 §3.5.2 gives: plain,
        sub-attribute, value filter, URN-qualified, path-less. A value filter names a value by
        a `Held` the example resolves against the resource (`resolve`)."""
        return self._once(("operations", rtype.name, members),
                          lambda: self._operations(rtype, members))

    def _operations(self, rtype: ResourceType, members: int
                    ) -> st.SearchStrategy[list[dict[str, Any]]]:
        forms = [self._plain(rtype), self._pathless(rtype)]
        filtered = self._filtered(rtype)
        if filtered is not None:
            forms.append(filtered)
        if members and self.registry.top_attribute(rtype, "members") is not None:
            forms.append(self.membership(members))
        return st.lists(st.one_of(forms), min_size=1, max_size=MAX_OPERATIONS)

    def membership(self, members: int) -> st.SearchStrategy[dict[str, Any]]:
        """add, replace or remove of members among `members` users."""
        some = st.lists(st.integers(0, members - 1), min_size=1, max_size=members,
                        unique=True).map(lambda found: [{"value": Member(i)} for i in found])
        return st.one_of(
            st.builds(lambda v: {"op": "add", "path": "members", "value": v}, some),
            st.builds(lambda v: {"op": "replace", "path": "members", "value": v}, some),
            st.integers(0, 99).map(lambda i: {"op": "remove",
                                              "path": Held("members", "value", i)}))

    def failing(self, rtype: ResourceType) -> st.SearchStrategy[dict[str, Any]]:
        """An operation RFC 7644 says must fail with 400 noTarget: remove without a path
        (§3.5.2.2), or replace through a value filter matching no value (§3.5.2.3)."""
        return self._once(("failing", rtype.name), lambda: self._failing(rtype))

    def _failing(self, rtype: ResourceType) -> st.SearchStrategy[dict[str, Any]]:
        options: list[st.SearchStrategy[dict[str, Any]]] = [st.just({"op": "remove"})]
        for attr in self._attributes(rtype):
            if attr.multi_valued and attr.is_complex and attr.sub("value") is not None:
                target = next((s for s in attr.sub_attributes if s.name != "value"
                               and writable(s) and s.type == "string"), None)
                if target is None:
                    continue
                path = self._path(rtype, attr)
                options.append(st.builds(
                    lambda nothing, value, path=path, sub=target.name: {
                        "op": "replace", "path": f'{path}[value eq "{nothing}"].{sub}',
                        "value": value},
                    text.plain(4, 8).map(lambda s: f"no-such-{s}"), text.words()))
        return st.one_of(options)

    def resolve(self, operations: list[dict[str, Any]], current: dict[str, Any],
                rtype: ResourceType, members: Sequence[str] = ()) -> list[dict[str, Any]]:
        """`operations` with each `Held` filter naming a value `current` holds (an operation
        whose attribute holds none is left out) and each `Member` its user's id."""
        out = []
        for op in operations:
            path = op.get("path")
            if isinstance(path, Held):
                chosen = path.pick(current, self.registry, rtype)
                if chosen is None:
                    continue
                op = {**op, "path": chosen}
            out.append(op)
        return out

    def _attributes(self, rtype: ResourceType) -> list[Attribute]:
        return [a for a in self.registry.attributes(rtype) if writable(a) and not reference(a)]

    def _path(self, rtype: ResourceType, attr: Attribute) -> str:
        urn = rtype.extension_urn(attr.schema)
        return f"{urn}:{attr.name}" if urn is not None else attr.name

    def _plain(self, rtype: ResourceType) -> st.SearchStrategy[dict[str, Any]]:
        options = []
        for attr in self._attributes(rtype):
            path = self._path(rtype, attr)
            spelled = st.just(path)
            if rtype.extension_urn(attr.schema) is None:
                # RFC 7644 §3.10: a core attribute may be named with its schema URN too.
                spelled = st.sampled_from([path, path, f"{rtype.schema}:{path}"])
            value = self.attribute(attr)
            options.append(st.builds(lambda op, p, v: {"op": op, "path": p, "value": v},
                                     st.sampled_from(["add", "replace"]), spelled, value))
            # 1Password reads an unassigned `active` as true: RFC 7644 §3.5.1 lets a provider
            # give what a client leaves unassigned a default, so no boolean is removed.
            if not attr.required and attr.type != "boolean":
                options.append(spelled.map(lambda p: {"op": "remove", "path": p}))
            if attr.is_complex and not attr.multi_valued:
                for sub in attr.sub_attributes:
                    if writable(sub):
                        sub_path = f"{path}.{sub.name}"
                        options.append(st.builds(
                            lambda op, v, p=sub_path: {"op": op, "path": p, "value": v},
                            st.sampled_from(["add", "replace"]), self.value(sub, sub_path)))
                        options.append(st.just({"op": "remove", "path": sub_path}))
        return st.one_of(options)

    def _pathless(self, rtype: ResourceType) -> st.SearchStrategy[dict[str, Any]]:
        return st.builds(lambda op, value: {"op": op, "value": value},
                         st.sampled_from(["add", "replace"]),
                         self.body(rtype).map(lambda b: {k: v for k, v in b.items()
                                                         if k != "schemas"}).filter(bool))

    def _filtered(self, rtype: ResourceType) -> st.SearchStrategy[dict[str, Any]] | None:
        """Operations through a value filter naming a value the resource holds."""
        options = []
        for attr in self._attributes(rtype):
            if not (attr.multi_valued and attr.is_complex):
                continue
            path = self._path(rtype, attr)
            keys = [k for k in ("value", "type") if attr.sub(k) is not None]
            subs = [s for s in attr.sub_attributes if writable(s)]
            if not keys or not subs:
                continue
            held = st.builds(Held, st.just(path), st.sampled_from(keys), st.integers(0, 99))
            for sub in subs:
                value = st.just(True) if sub.name == "primary" else \
                    self.value(sub, f"{path}.{sub.name}")
                options.append(st.builds(
                    lambda at, v, sub=sub.name: {"op": "replace", "path": at.then(sub),
                                                 "value": v}, held, value))
            options.append(held.map(lambda at: {"op": "remove", "path": at}))
        return st.one_of(options) if options else None

    # Filters -----------------------------------------------------------------------------------

    def filters(self, rtype: ResourceType) -> st.SearchStrategy[Any]:
        """Filter templates over the attributes `rtype` declares: and, or, not, value paths,
        every operator a type takes, each comparing with a value a population member holds
        (`Leaf`), resolved against the population when the example runs (`Leaf.node`)."""
        return self._once(("filters", rtype.name), lambda: self._filters(rtype))

    def _filters(self, rtype: ResourceType) -> st.SearchStrategy[Any]:
        simple = self._leaf(tuple(self._filterable(rtype)))
        paths = []
        for attr in self._attributes(rtype):
            if not (attr.multi_valued and attr.is_complex):
                continue
            subs = tuple((s.name, s) for s in attr.sub_attributes
                         if writable(s) and s.type in ("string", "boolean"))
            if subs:
                inner = self._leaf(subs)
                parsed = AttrPath.parse(self._path(rtype, attr))
                paths.append(st.builds(ValuePath, st.just(parsed), st.recursive(
                    inner, lambda i: st.builds(And, i, i) | st.builds(Or, i, i),
                    max_leaves=2)))
        # Comparisons of plain attributes as often as value paths of all attributes together.
        leaves = st.one_of(simple, st.one_of(paths)) if paths else simple
        return st.recursive(leaves, lambda inner: st.one_of(
            st.builds(And, inner, inner), st.builds(Or, inner, inner), st.builds(Not, inner)),
            max_leaves=3)

    def lookups(self, rtype: ResourceType) -> st.SearchStrategy[Any]:
        """Comparisons (eq, co, sw, ew; never pr) on the required string attributes every
        resource of `rtype` holds (userName): how clients find a resource, on values full of
        characters a filter escapes."""
        return self._once(("lookups", rtype.name), lambda: self._lookups(rtype))

    def lookup_paths(self, rtype: ResourceType) -> tuple[tuple[str, Attribute], ...]:
        """The attributes a lookup compares: the required single-valued strings (userName)."""
        return tuple((self._path(rtype, a), a) for a in self._attributes(rtype)
                     if a.required and a.type == "string" and not a.multi_valued)

    def _lookups(self, rtype: ResourceType) -> st.SearchStrategy[Any]:
        paths = self.lookup_paths(rtype)
        if not paths:
            return self.filters(rtype)
        numbers = st.integers(0, 2**16 - 1)
        return st.builds(Leaf, st.just(paths), numbers, st.integers(1, len(STRING_OPS)),
                         numbers, numbers, numbers, numbers, st.booleans())

    def _filterable(self, rtype: ResourceType) -> list[tuple[str, Attribute]]:
        out = []
        for attr in self._attributes(rtype):
            path = self._path(rtype, attr)
            if not attr.is_complex:
                out.append((path, attr))
                continue
            for sub in attr.sub_attributes:
                if writable(sub) and not sub.is_complex:
                    out.append((f"{path}.{sub.name}", sub))
        return out

    def _leaf(self, paths: tuple[tuple[str, Attribute], ...]) -> st.SearchStrategy[Any]:
        numbers = st.integers(0, 2**16 - 1)
        return st.builds(Leaf, st.just(paths), numbers, st.integers(0, 5), numbers, numbers,
                         numbers, numbers, st.booleans())


@dataclass(frozen=True)
class Held:
    """A value filter `path[key eq <value>]` naming the `index`-th value the resource holds
    (modulo how many), resolved when the example runs; `sub` follows the filter."""

    path: str
    key: str
    index: int
    sub: str | None = None

    def then(self, sub: str) -> Held:
        return Held(self.path, self.key, self.index, sub)

    def pick(self, resource: dict[str, Any], registry: Registry, rtype: ResourceType
             ) -> str | None:
        found = [v for item in lookup.values_at(resource, self.path, registry, rtype)
                 if isinstance(item, dict) and isinstance(v := item.get(self.key), str) and v]
        if not found:
            return None
        chosen = f"{self.path}[{self.key} eq {literal(found[self.index % len(found)])}]"
        return f"{chosen}.{self.sub}" if self.sub else chosen


@dataclass(frozen=True)
class Leaf:
    """A comparison template, resolved against the population when the example runs: among
    `paths`, the `path`-th of those a population member holds a value at; an operator its type
    takes (`op`-th of them, `pr` first); a value a member holds there (`at`-th), cut by
    `start`/`stop` for co, sw and ew, its letters' case flipped by `flips` when the attribute
    is not caseExact; `boolean` is the value of a boolean comparison."""

    paths: tuple[tuple[str, Attribute], ...]
    path: int
    op: int
    at: int
    start: int
    stop: int
    flips: int
    boolean: bool

    def node(self, population: Sequence[dict[str, Any]], registry: Registry,
             rtype: ResourceType, parent: Attribute | None = None) -> Node:
        """The comparison for `population` (for a value path, its `parent`'s values)."""
        held = {path: [self._values(r, path, registry, rtype, parent) for r in population]
                for path, _ in self.paths}
        present = [(p, a) for p, a in self.paths if any(v for v in held[p])]
        if not present:
            return Present(AttrPath.parse(self.paths[self.path % len(self.paths)][0]))
        name, attr = present[self.path % len(present)]
        path = AttrPath.parse(name)
        ops = ["pr", "eq", "ne"] if attr.type == "boolean" else \
            ["pr", *ORDER_OPS, "ne"] if attr.type in ("integer", "decimal", "dateTime") else \
            ["pr", *STRING_OPS, "ne"]
        op = ops[self.op % len(ops)]
        if op == "pr":
            return Present(path)
        values = [v for found in held[name] for v in found if v not in (None, "")]
        value: Any = self.boolean if attr.type == "boolean" else values[self.at % len(values)]
        # `ne` where a member lacks the attribute or holds several values is left open by
        # RFC 7644 §3.4.2.2 (does it match them?): it becomes `eq` there.
        if op == "ne" and not (all(len(found) == 1 for found in held[name])
                               and not attr.multi_valued and parent is None
                               and "." not in name.rpartition(":")[2]):
            op = "eq"
        if isinstance(value, str):
            value = self._cut(op, value)
            if not attr.case_exact:
                value = "".join(c.swapcase() if self.flips >> (i % 16) & 1 and text.stable(c)
                                else c for i, c in enumerate(value))
        return Compare(path, op, value)

    def _values(self, resource: dict[str, Any], path: str, registry: Registry,
                rtype: ResourceType, parent: Attribute | None) -> list[Any]:
        if parent is None:
            return lookup.values_at(resource, path, registry, rtype)
        found = resource.get(path) if isinstance(resource, dict) else None
        return [] if found is None else [found]

    def _cut(self, op: str, value: str) -> str:
        if op not in ("co", "sw", "ew") or len(value) < 2:
            return value
        i, j = sorted((self.start % len(value), self.stop % len(value) + 1))
        if op == "sw":
            return value[:j]
        if op == "ew":
            return value[i:]
        return value[i:j] or value[i]


def resolved(node: Any, population: Sequence[dict[str, Any]], registry: Registry,
             rtype: ResourceType) -> Node:
    """A filter template (`Forge.filters`) for `population`, as the target stored it."""
    if isinstance(node, Leaf):
        return node.node(population, registry, rtype)
    if isinstance(node, ValuePath):
        parent = registry.top_attribute(rtype, node.path)
        items = [item for r in population for item in
                 lookup.values_at(r, str(node.path), registry, rtype) if isinstance(item, dict)]
        return ValuePath(node.path, _inner(node.filter, items, registry, rtype, parent))
    if isinstance(node, Not):
        return Not(resolved(node.inner, population, registry, rtype))
    return type(node)(resolved(node.left, population, registry, rtype),
                      resolved(node.right, population, registry, rtype))


def _inner(node: Any, items: list[dict[str, Any]], registry: Registry, rtype: ResourceType,
           parent: Attribute | None) -> Node:
    if isinstance(node, Leaf):
        return node.node(items, registry, rtype, parent)
    return type(node)(_inner(node.left, items, registry, rtype, parent),
                      _inner(node.right, items, registry, rtype, parent))


def _names_it(attr: Attribute, rtype: ResourceType) -> bool:
    # A group is known by its displayName (RFC 7643 §4.2; Entra and the reference bridge
    # require it), so every generated group has one.
    return attr.name == "displayName" and rtype.name.lower() == "group"


def _primary(pair: tuple[list[dict[str, Any]], int]) -> list[dict[str, Any]]:
    items, chosen = pair
    if 0 <= chosen < len(items):
        return [{**item, "primary": True} if i == chosen else item for i, item in enumerate(items)]
    return items


def _merged(rtype: ResourceType, values: dict[tuple[str, str], Any]) -> dict[str, Any]:
    """A body from values keyed (extension URN or "", attribute name)."""
    body: dict[str, Any] = {"schemas": [rtype.schema]}
    for (urn, name), value in values.items():
        if not urn:
            body[name] = value
            continue
        if urn not in body:
            body["schemas"].append(urn)
        body.setdefault(urn, {})[name] = value
    return body
