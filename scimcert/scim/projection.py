"""Which attributes a response carries (RFC 7644 §3.4.2.5, §3.9; RFC 7643 §7 `returned`).

`always` attributes (id) are in every response, and `schemas` too (RFC 7643 §3: every
representation includes it); `meta` is `default` (RFC 7643 §3.1). `default` attributes are
returned unless excluded or unless `attributes` names others; `request` ones only when named;
`never` ones (password) never.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from scimcert.scim.resource import extension_urn, resource_type
from scimcert.scim.schema import Attribute, AttrPath, Registry, ResourceType

# A selection maps a top-level attribute to the sub-attributes named (lower case), or to
# None when the attribute is named as a whole.
Selection = dict[tuple[str, str], set[str] | None]

_GONE = object()


def project(resource: dict, registry: Registry, rtype: ResourceType | str,
            attributes: Iterable[str] | str | None = None,
            excluded: Iterable[str] | str | None = None) -> dict:
    """A new dict holding the attributes of `resource` a response returns."""
    rtype = resource_type(registry, rtype)
    wanted = selection(attributes, registry, rtype) if attributes else None
    dropped = selection(excluded, registry, rtype) if excluded else {}
    out: dict[str, Any] = {}
    for key, value in resource.items():
        if key == "schemas":
            continue
        urn = extension_urn(registry, rtype, key)
        if urn is not None and isinstance(value, dict):
            kept = _extension(value, urn, registry, rtype, wanted, dropped)
        else:
            kept = _attribute(registry.top_attribute(rtype, key), value, wanted, dropped)
        if kept is not _GONE:
            out[key] = kept
    extensions = [u for u in registry.extension_urns(rtype) if out.get(u)]
    return {"schemas": [rtype.schema, *extensions], **out}


def selection(names: Iterable[str] | str, registry: Registry, rtype: ResourceType) -> Selection:
    """Parse `attributes`/`excludedAttributes` names (case-insensitive, URN-qualified or not).

    A bare extension URN selects every attribute of that extension. Names the resource type
    does not define select nothing.
    """
    if isinstance(names, str):
        names = names.split(",")
    chosen: Selection = {}
    for raw in names:
        name = raw.strip()
        if not name:
            continue
        urn = extension_urn(registry, rtype, name)
        if urn is not None:
            schema = registry.schema(urn)
            for attr in schema.attributes if schema else ():
                chosen[_key(attr)] = None
            continue
        _select(chosen, AttrPath.parse(name), registry, rtype)
    return chosen


def _select(chosen: Selection, path: AttrPath, registry: Registry, rtype: ResourceType) -> None:
    attr = registry.top_attribute(rtype, path)
    if attr is None:
        return
    key = _key(attr)
    sub = attr.sub(path.sub) if path.sub else None
    if path.sub is None:
        chosen[key] = None
    elif sub is not None and chosen.get(key, set()) is not None:
        chosen.setdefault(key, set()).add(sub.name.lower())


def _key(attr: Attribute) -> tuple[str, str]:
    return attr.schema.lower(), attr.name.lower()


def _extension(value: dict, urn: str, registry: Registry, rtype: ResourceType,
               wanted: Selection | None, dropped: Selection) -> Any:
    out = {}
    for name, sub_value in value.items():
        attr = registry.top_attribute(rtype, f"{urn}:{name}")
        kept = _attribute(attr, sub_value, wanted, dropped)
        if kept is not _GONE:
            out[name] = kept
    return out or _GONE


def _attribute(attr: Attribute | None, value: Any, wanted: Selection | None,
               dropped: Selection) -> Any:
    if attr is None:
        return _GONE if wanted is not None else value
    if attr.returned == "never":
        return _GONE
    # RFC 7644 §3.4.2.5: excludedAttributes has no effect on attributes returned "always".
    if attr.returned == "always":
        return _subs(attr, value, None, set())
    key = _key(attr)
    if wanted is not None and key not in wanted:
        return _GONE
    if wanted is None and attr.returned == "request":
        return _GONE
    if key in dropped and dropped[key] is None:
        return _GONE
    subs = wanted[key] if wanted is not None else None
    return _subs(attr, value, subs, dropped.get(key) or set())


def _subs(attr: Attribute, value: Any, wanted: set[str] | None, excluded: set[str]) -> Any:
    if not attr.is_complex:
        return value
    if attr.multi_valued and isinstance(value, list):
        items = [_pick(attr, item, wanted, excluded) for item in value]
        items = [item for item in items if item]
        return items or _GONE
    if isinstance(value, dict):
        return _pick(attr, value, wanted, excluded) or _GONE
    return value


def _pick(attr: Attribute, item: dict, wanted: set[str] | None, excluded: set[str]) -> dict:
    out = {}
    for name, value in item.items():
        sub = attr.sub(name)
        if sub is None or _returns(sub, wanted, excluded):
            out[name] = value
    return out


def _returns(sub: Attribute, wanted: set[str] | None, excluded: set[str]) -> bool:
    name = sub.name.lower()
    if sub.returned in ("never", "always"):
        return sub.returned == "always"
    if wanted is not None:
        return name in wanted
    return sub.returned != "request" and name not in excluded
