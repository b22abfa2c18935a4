"""Two representations of a resource compared as RFC 7643/7644 let a provider differ.

The comparison is on each attribute's normal form:

- null, `[]`, `{}` and absent are the same unassigned state (RFC 7643 §2.5);
- the values of a multi-valued attribute have no order (RFC 7643 §2.4);
- a string of a `caseExact: false` attribute may come back in another case (RFC 7643 §7), a
  dateTime in another notation of the same instant (§2.3.5), a number as 1 or 1.0 (§2.3.3);
- `primary: false` and no `primary` say the same: which value is primary (§2.4);
- of a reference to a resource (`members`, `manager`: a `value` with a `$ref`) only `value`
  counts: `$ref`, `display` and `type` are the provider's to fill in (§2.3.7, §4.2);
- `id`, `meta`, `schemas`, readOnly attributes and those not returned by default are judged by
  other requirements, never here.

Only the attributes and sub-attributes named on either side of the comparison's `basis` count,
so a provider may add attributes a client never sent (RFC 7644 §3.3: "the server is free to
alter and/or ignore POSTed content" applies to what was not sent, not to what was).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from scimcert.scim.schema import Attribute, Registry, ResourceType

ABSENT = "(absent)"
# Characters of a value a difference shows; the reproducer carries the whole value.
SHOWN = 120
SKIPPED = frozenset({"schemas", "id", "meta"})


@dataclass(frozen=True)
class Difference:
    """One attribute holding otherwise than expected."""

    path: str
    expected: Any
    actual: Any

    def __str__(self) -> str:
        return f"{self.path}: expected {_show(self.expected)}, got {_show(self.actual)}"


def _show(value: Any) -> str:
    if value is None:
        return ABSENT
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    if len(text) <= SHOWN:
        return text
    return f"{text[:SHOWN // 2]}…{text[-SHOWN // 4:]} ({len(text)} characters)"


def compared(registry: Registry, rtype: ResourceType) -> dict[str, Attribute]:
    """The attributes of `rtype` a comparison looks at, by lower-case path (an extension's as
    `urn:name`): client-writable, returned by default."""
    out = {}
    for attr in registry.attributes(rtype):
        if attr.name.lower() in SKIPPED or attr.mutability == "readOnly":
            continue
        if attr.returned in ("never", "request") or attr.mutability == "writeOnly":
            continue
        extension = rtype.extension_urn(attr.schema) is not None
        out[(f"{attr.schema}:{attr.name}" if extension else attr.name).lower()] = attr
    return out


def flat(resource: dict[str, Any] | None, rtype: ResourceType) -> dict[str, tuple[str, Any]]:
    """The resource's top-level values by lower-case path: (path as written, value)."""
    out: dict[str, tuple[str, Any]] = {}
    for key, value in (resource or {}).items():
        if not isinstance(key, str):
            continue
        urn = rtype.extension_urn(key)
        if urn is not None and isinstance(value, dict):
            for name, item in value.items():
                out[f"{urn}:{name}".lower()] = (f"{urn}:{name}", item)
        else:
            out[key.lower()] = (key, value)
    return out


def differences(expected: dict[str, Any], actual: dict[str, Any], registry: Registry,
                rtype: ResourceType, basis: Iterable[dict[str, Any]] = ()) -> list[Difference]:
    """Where `actual` holds otherwise than `expected`: every attribute named in `expected` or in
    one of `basis` (e.g. the resource before a change, or `actual` itself for a comparison both
    ways) is compared in normal form."""
    attrs = compared(registry, rtype)
    want, got = flat(expected, rtype), flat(actual, rtype)
    others = [flat(b, rtype) for b in basis]
    keys = sorted({*want, *(k for other in others for k in other)} & attrs.keys())
    found = []
    for key in keys:
        attr = attrs[key]
        subs = _named(attr, [want.get(key), *(o.get(key) for o in others)])
        a, b = (want.get(key, (key, None))[1], got.get(key, (key, None))[1])
        if normal(a, attr, subs) != normal(b, attr, subs):
            path = (want.get(key) or got.get(key) or (key,))[0]
            found.append(Difference(path, _shown(a, attr), _shown(b, attr)))
    return found


def _named(attr: Attribute, sides: list[tuple[str, Any] | None]) -> set[str] | None:
    """The sub-attribute names any side holds: the ones compared (None: not complex)."""
    if not attr.is_complex:
        return None
    names: set[str] = set()
    for side in sides:
        if side is None:
            continue
        value = side[1]
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict):
                names.update(k.lower() for k in item if isinstance(k, str))
    return names


def _shown(value: Any, attr: Attribute) -> Any:
    """`value` as a difference shows it: a reference by its ids alone."""
    if value in (None, [], {}):
        return None
    if attr.sub("value") is not None and attr.sub("$ref") is not None:
        items = value if isinstance(value, list) else [value]
        return sorted(str(i.get("value")) for i in items if isinstance(i, dict))
    return value


def normal(value: Any, attr: Attribute, subs: set[str] | None = None) -> Any:
    """`value` of `attr` in the form equal values share (see the module doc); None when it is
    unassigned. `subs` limits a complex value to the sub-attributes named."""
    if value is None or value == [] or value == {}:
        return None
    if attr.multi_valued and isinstance(value, list):
        one = _single(attr)
        items = [normal(item, one, subs) for item in value]
        kept = sorted(json.dumps(item, sort_keys=True, ensure_ascii=False)
                      for item in items if item is not None)
        return kept or None
    if attr.is_complex and isinstance(value, dict):
        return _complex(value, attr, subs)
    return _simple(value, attr)


def _complex(value: dict[str, Any], attr: Attribute, subs: set[str] | None) -> Any:
    reference = attr.sub("value") is not None and attr.sub("$ref") is not None
    out = {}
    for key, item in value.items():
        sub = attr.sub(key) if isinstance(key, str) else None
        if sub is None or (reference and sub.name != "value"):
            continue
        if subs is not None and sub.name.lower() not in subs:
            continue
        if sub.mutability == "readOnly" or sub.returned in ("never", "request"):
            continue
        if sub.name == "primary" and item is False:
            continue
        shaped = normal(item, sub)
        if shaped is not None:
            out[sub.name.lower()] = shaped
    return out or None


def _simple(value: Any, attr: Attribute) -> Any:
    if isinstance(value, bool) or attr.type == "boolean":
        return ["boolean", value]
    if attr.type in ("integer", "decimal") and isinstance(value, int | float):
        return ["number", float(value)]
    if attr.type == "dateTime" and isinstance(value, str):
        moment = _instant(value)
        return ["dateTime", moment if moment is not None else value]
    if isinstance(value, str):
        return ["string", value if attr.case_exact else value.casefold()]
    return ["json", json.dumps(value, sort_keys=True, ensure_ascii=False)]


def _instant(text: str) -> str | None:
    try:
        moment = datetime.fromisoformat(text.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


def _single(attr: Attribute) -> Attribute:
    return replace(attr, multi_valued=False)
