"""A PATCH case of the corpus (fixtures/patch/) made a live test's own: whether it applies to
what a target declares, the other resources it refers to, the values a provider may hold unique,
the body that creates its `before`, and whether a resource read back keeps what was sent.

The corpus is written against the RFC 7643 §8.7 schemas; a target publishes the subset it
supports (RFC 7643 §7), so each function takes the target's registry and the RFC one apart.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from scimcert.harness.factory import declared_part
from scimcert.scim.errors import ScimError
from scimcert.scim.filter import parse_path
from scimcert.scim.filter.ast import And, Compare, Node, Not, Or, Present, ValuePath
from scimcert.scim.schema import Attribute, AttrPath, Registry, ResourceType
from scimcert.scim.urns import GROUP_URN, USER_URN

CORE = {"User": USER_URN, "Group": GROUP_URN}
# What the server assigns (RFC 7643 §3.1) and what the PATCH judgement leaves to other suites.
ASSIGNED = ("id", "meta")


def unfit(case: dict[str, Any], registry: Registry, rtype: ResourceType,
          rfc: Registry) -> str | None:
    """Why the case does not apply to the target, or None.

    A provider publishes the subset of the schema it supports (RFC 7643 §7), so a case naming
    an attribute the target does not declare does not apply; nor does one whose answer rests
    on a characteristic the target declares otherwise than RFC 7643 (a readOnly or immutable
    attribute is refused by RFC 7644 §3.5.2, a required one by §3.5.2.2). An attribute the RFC
    schema lacks is named on purpose (an unknown path is refused), so the target may not
    declare it either.
    """
    reference = rfc.resource_type(case["resourceType"])
    removed = set(removed_paths(case))
    written = {path.lower() for path in operation_paths(case, reference)}
    for path in sorted(set(named_paths(case, reference))):
        mine, assumed = registry.attribute(rtype, path), rfc.attribute(reference, path)
        if assumed is None:
            if mine is not None:
                return f"the target declares {path}, which the case takes as undeclared"
            continue
        if mine is None:
            return f"the target's {case['resourceType']} schema does not declare {path}"
        # Mutability decides the answer only where an operation writes (RFC 7644 §3.5.2).
        compared = [("type", "type"), ("multi_valued", "multiValued")]
        if path.lower() in written:
            compared.append(("mutability", "mutability"))
        for name, label in compared:
            if getattr(mine, name) != getattr(assumed, name):
                return (f"the target declares {path} {label} {getattr(mine, name)}, where "
                        f"RFC 7643 has {getattr(assumed, name)}")
        if path in removed and mine.required != assumed.required:
            return (f"the target declares {path} required {mine.required}, where the case "
                    f"takes it as {assumed.required}")
    return None


def named_paths(case: dict[str, Any], rtype: ResourceType) -> Iterator[str]:
    """Every attribute path the case's operations name (with the sub-attributes of the values
    they write) and every one whose value it changes."""
    yield from operation_paths(case, rtype)
    yield from changed_paths(case, rtype)


def operation_paths(case: dict[str, Any], rtype: ResourceType) -> Iterator[str]:
    """Every attribute path the case's operations name, with the sub-attributes of the values
    they write."""
    for op in operations(case):
        path = op.get("path")
        if isinstance(path, str):
            try:
                found = parse_path(path)
            except ScimError:
                continue
            top = str(AttrPath(found.attr.attr, None, found.attr.urn))
            yield top
            if found.attr.sub:
                yield f"{top}.{found.attr.sub}"
            if found.filter is not None:
                yield from (f"{top}.{name}" for name in filter_names(found.filter))
            if found.sub:
                yield f"{top}.{found.sub}"
            if not found.attr.sub and not found.sub:
                yield from (f"{top}.{name}" for name in value_names(op.get("value")))
        elif isinstance(op.get("value"), dict):
            yield from resource_paths(op["value"], rtype)


def removed_paths(case: dict[str, Any]) -> Iterator[str]:
    """The attribute paths the case's remove operations name."""
    for op in operations(case):
        if str(op.get("op", "")).lower() == "remove" and isinstance(op.get("path"), str):
            try:
                found = parse_path(op["path"])
            except ScimError:
                continue
            yield str(found.attr)


def operations(case: dict[str, Any]) -> list[dict[str, Any]]:
    """The case's operations that are objects (a malformed message may hold anything)."""
    ops = case["patch"].get("Operations")
    return [op for op in ops if isinstance(op, dict)] if isinstance(ops, list) else []


def filter_names(node: Node) -> Iterator[str]:
    if isinstance(node, Compare | Present):
        yield node.path.attr
    elif isinstance(node, And | Or):
        yield from filter_names(node.left)
        yield from filter_names(node.right)
    elif isinstance(node, Not):
        yield from filter_names(node.inner)
    elif isinstance(node, ValuePath):
        yield node.path.attr


def value_names(value: Any) -> Iterator[str]:
    """The sub-attribute names a complex value (or a list of them) holds."""
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict):
            yield from item


def resource_paths(value: dict[str, Any], rtype: ResourceType) -> Iterator[str]:
    """The attribute paths a resource-like object names: its keys (an extension's under its
    URN, a key that is itself a path as it stands) and the sub-attributes of their values."""
    for key, item in value.items():
        urn = rtype.extension_urn(key)
        if urn is not None and isinstance(item, dict):
            for name, sub in item.items():
                yield f"{urn}:{name}"
                yield from (f"{urn}:{name}.{s}" for s in value_names(sub))
        elif key.lower() != "schemas":
            yield key
            if "." not in key.rpartition(":")[2]:
                yield from (f"{key}.{s}" for s in value_names(item))


def flat(resource: dict[str, Any], rtype: ResourceType) -> dict[str, Any]:
    """The resource's attributes by path: core ones by name, extension ones as `urn:name`;
    `schemas`, `id` and `meta` left out."""
    out: dict[str, Any] = {}
    for key, value in resource.items():
        urn = rtype.extension_urn(key)
        if urn is not None and isinstance(value, dict):
            out.update({f"{urn}:{name}": item for name, item in value.items()})
        elif key.lower() not in ("schemas", *ASSIGNED):
            out[key] = value
    return out


def changed_paths(case: dict[str, Any], rtype: ResourceType) -> Iterator[str]:
    """The attributes whose value `after` changes from `before`, with their sub-attributes."""
    if "after" not in case:
        return
    before, after = flat(case["before"], rtype), flat(case["after"], rtype)
    for path in {*before, *after}:
        if before.get(path) != after.get(path):
            yield path
            yield from (f"{path}.{s}" for s in {*value_names(before.get(path)),
                                                 *value_names(after.get(path))})


# The case made the test's own ------------------------------------------------------------------


def fragments(case: dict[str, Any], rtype: ResourceType) -> Iterator[dict[str, Any]]:
    """`before`, `after` and each operation as a resource-like object: what an operation writes
    placed where its path points (a filter's match as a one-element list)."""
    yield case["before"]
    if "after" in case:
        yield case["after"]
    for op in operations(case):
        value, path = op.get("value"), op.get("path")
        if path is None and isinstance(value, dict):
            yield dict(unflattened(value, rtype))
            continue
        if not isinstance(path, str):
            continue
        try:
            found = parse_path(path)
        except ScimError:
            continue
        inner: Any = {found.attr.sub: value} if found.attr.sub else value
        if found.filter is not None:
            inner = [{found.sub: value} if found.sub else value]
        elif found.sub:
            inner = {found.sub: value}
        urn = found.attr.urn
        if urn is not None and rtype.extension_urn(urn) is not None:
            yield {rtype.extension_urn(urn): {found.attr.attr: inner}}
        else:
            yield {found.attr.attr: inner}


def unflattened(value: dict[str, Any], rtype: ResourceType) -> Iterator[tuple[str, Any]]:
    """A path-less value's keys as a resource holds them: a key that is a path (Entra's
    "name.givenName", "urn:…:User:employeeNumber") as the attribute it names."""
    for key, item in value.items():
        urn, colon, rest = key.rpartition(":")
        if colon and rtype.extension_urn(urn) is not None and rtype.extension_urn(key) is None:
            yield rtype.extension_urn(urn), {rest: item}
        elif "." in key and not colon:
            top, _, sub = key.partition(".")
            yield top, {sub: item}
        else:
            yield key, item


def reference_attribute(attr: Attribute | None) -> bool:
    """Whether `attr` refers to other resources by their id in `value` (RFC 7643 §2.3.7): a
    complex attribute with a `value` and a `$ref` to a resource type."""
    if attr is None or not attr.is_complex or attr.sub("value") is None:
        return False
    ref = attr.sub("$ref")
    return ref is not None and bool(set(ref.reference_types) & set(CORE))


def attribute_values(fragment: dict[str, Any], registry: Registry, rtype: ResourceType
                     ) -> Iterator[tuple[Attribute, Any]]:
    """(attribute, value) for every top-level attribute of a resource-like object."""
    for key, value in fragment.items():
        urn = rtype.extension_urn(key)
        if urn is not None and isinstance(value, dict):
            for name, item in value.items():
                attr = registry.attribute(rtype, f"{urn}:{name}")
                if attr is not None:
                    yield attr, item
        else:
            attr = registry.attribute(rtype, key)
            if attr is not None:
                yield attr, value


def items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def references(case: dict[str, Any], registry: Registry, rtype: ResourceType
               ) -> dict[str, str]:
    """The ids of other resources the case refers to (members, manager), each with the resource
    type to create for it: the member's own `type`, else the first the reference allows. The
    references of a readOnly attribute are left as they are: the target refuses to write them
    (RFC 7644 §3.5.2), whatever they name."""
    found: dict[str, str] = {}
    own = case["before"]["id"]
    for fragment in fragments(case, rtype):
        for attr, value in attribute_values(fragment, registry, rtype):
            if not reference_attribute(attr) or attr.mutability == "readOnly":
                continue
            kinds = [k for k in attr.sub("$ref").reference_types if k in CORE]
            for item in items(value):
                ref = item.get("value") if isinstance(item, dict) else item
                if isinstance(ref, str) and ref and ref != own:
                    kind = item.get("type") if isinstance(item, dict) else None
                    found.setdefault(ref, kind if kind in CORE else kinds[0])
    return found


def unique_values(case: dict[str, Any], registry: Registry, rtype: ResourceType,
                  unique: dict[str, list[str]]) -> set[str]:
    """The values the case gives attributes a provider may hold unique (`unique`: attribute
    paths by resource type), wherever the case writes them."""
    wanted = {path.lower() for path in unique.get(case["resourceType"], ())}
    found: set[str] = set()
    for fragment in fragments(case, rtype):
        for attr, value in attribute_values(fragment, registry, rtype):
            name = attr.name.lower()
            if name in wanted:
                found |= {v for v in items(value) if isinstance(v, str) and v}
            for item in items(value):
                if isinstance(item, dict):
                    found |= {v for k, v in item.items() if f"{name}.{k.lower()}" in wanted
                              and isinstance(v, str) and v}
    return found


def renamed(value: str, tag: str, domain: str) -> str:
    """`value` made this test's own: an e-mail address keeps its local part and host in its
    new local part (so values differing only in case still do), on the run's domain."""
    local, at, host = value.partition("@")
    return f"{tag}-{local}.{host}@{domain}" if at else f"{tag}-{value}"


def replaced(value: Any, names: dict[str, str]) -> Any:
    """`value` with every occurrence of a key of `names` in its strings replaced, in one pass
    (a replacement is never replaced again)."""
    if not names:
        return value
    pattern = re.compile("|".join(re.escape(k) for k in sorted(names, key=len, reverse=True)))

    def walk(item: Any) -> Any:
        if isinstance(item, str):
            return pattern.sub(lambda m: names[m.group(0)], item)
        if isinstance(item, list):
            return [walk(v) for v in item]
        if isinstance(item, dict):
            return {k: walk(v) for k, v in item.items()}
        return item

    return walk(value)


def creatable(before: dict[str, Any], registry: Registry, rtype: ResourceType, rfc: Registry,
              reference: ResourceType) -> dict[str, Any]:
    """The body that creates `before` on the target: without what the server assigns or what
    the target lets no client write (readOnly), a reference as its `value` only (its `$ref`,
    `display` and `type` are the provider's to fill in: RFC 7644 §3.3 lets it alter POSTed
    content), and only what the target declares."""
    body: dict[str, Any] = {}
    for key, value in before.items():
        if key.lower() in ASSIGNED:
            continue
        urn = rtype.extension_urn(key)
        if urn is not None and isinstance(value, dict):
            kept = {name: writable(registry.attribute(rtype, f"{urn}:{name}"),
                                   rfc.attribute(reference, f"{urn}:{name}"), item)
                    for name, item in value.items()
                    if not read_only(registry.attribute(rtype, f"{urn}:{name}"))}
            if kept:
                body[key] = kept
        elif key.lower() == "schemas" or not read_only(registry.attribute(rtype, key)):
            body[key] = writable(registry.attribute(rtype, key),
                                 rfc.attribute(reference, key), value)
    return declared_part(registry, rtype, body)


def read_only(attr: Attribute | None) -> bool:
    return attr is not None and attr.mutability == "readOnly"


def writable(attr: Attribute | None, assumed: Attribute | None, value: Any) -> Any:
    """`value` without the sub-attributes a client does not write: all but `value` of what the
    RFC schema makes a reference (`assumed`), and what the target declares readOnly."""
    if attr is None or not attr.is_complex:
        return value

    def kept(item: Any) -> Any:
        if not isinstance(item, dict):
            return item
        if reference_attribute(assumed):
            return {k: v for k, v in item.items() if k.lower() == "value"}
        return {k: v for k, v in item.items() if not read_only(attr.sub(k))}

    return [kept(v) for v in value] if isinstance(value, list) else kept(value)


def unkept(sent: Any, got: Any, where: str = "") -> list[str]:
    """Where `got` lacks a value of `sent`: objects by key, list elements in any order, strings
    in any case (the server MAY alter the case of caseExact false values, RFC 7643 §7)."""
    if isinstance(sent, dict):
        if not isinstance(got, dict):
            return [f"{where or '/'}: {got!r}"]
        folded = {str(k).lower(): v for k, v in got.items()}
        return [gap for key, value in sent.items()
                for gap in unkept(value, folded.get(key.lower()), f"{where}/{key}")]
    if isinstance(sent, list):
        candidates = got if isinstance(got, list) else []
        return [f"{where}: no element holds {json.dumps(item)}" for item in sent
                if not any(not unkept(item, candidate) for candidate in candidates)]
    if (sent == got and type(sent) is type(got)) or same_text(sent, got):
        return []
    return [f"{where}: sent {sent!r}, got {got!r}"]


def same_text(a: Any, b: Any) -> bool:
    return isinstance(a, str) and isinstance(b, str) and a.casefold() == b.casefold()
