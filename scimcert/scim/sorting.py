"""Sorting query results by `sortBy` and `sortOrder` (RFC 7644 §3.4.2.3)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from scimcert.scim.errors import INVALID_VALUE, bad_request
from scimcert.scim.resource import container, resource_type
from scimcert.scim.schema import Attribute, AttrPath, Registry, ResourceType

ORDERS = ("ascending", "descending")


def sort_resources(resources: list[dict], registry: Registry, rtype: ResourceType | str,
                   sort_by: str, order: str | None = "ascending") -> list[dict]:
    """A new list of `resources` in `sort_by` order; the sort is stable.

    Resources without a value for `sort_by` come last when ascending and first when
    descending (RFC 7644 §3.4.2.3).
    """
    rtype = resource_type(registry, rtype)
    descending = _descending(order)
    top, sub = _sort_attribute(registry, rtype, sort_by)
    keyed = [(_key(res, top, sub, registry, rtype), res) for res in resources]
    present = [(k, r) for k, r in keyed if k is not None]
    missing = [r for k, r in keyed if k is None]
    # list.sort stays stable with reverse=True: equal keys keep their input order.
    present.sort(key=lambda pair: pair[0], reverse=descending)
    ordered = [r for _, r in present]
    return missing + ordered if descending else ordered + missing


def _descending(order: str | None) -> bool:
    # RFC 7644 §3.4.2.3: sortOrder defaults to ascending; only "ascending" and "descending" are
    # allowed, so anything else is a value not compatible with the operation (§3.12 invalidValue).
    text = (order or "ascending").lower()
    if text not in ORDERS:
        raise bad_request(INVALID_VALUE, f"sortOrder is ascending or descending, not {order!r}")
    return text == "descending"


def _sort_attribute(registry: Registry, rtype: ResourceType,
                    sort_by: str) -> tuple[Attribute, Attribute | None]:
    path = AttrPath.parse(sort_by.strip())
    top = registry.top_attribute(rtype, path)
    if top is None:
        raise bad_request(INVALID_VALUE, f"sortBy {sort_by!r} is not an attribute of {rtype.name}")
    sub = top.sub(path.sub) if path.sub else None
    if path.sub and sub is None:
        raise bad_request(INVALID_VALUE, f"sortBy {sort_by!r}: no such sub-attribute of {top.name}")
    if top.is_complex and sub is None:
        # RFC 7644 §3.4.2.3: a complex attribute sorts by a sub-attribute path; a multi-valued one
        # named alone sorts by its `value`.
        sub = top.sub("value") if top.multi_valued else None
        if sub is None:
            raise bad_request(INVALID_VALUE, f"sortBy {sort_by!r} names a complex attribute")
    return top, sub


def _key(resource: dict, top: Attribute, sub: Attribute | None, registry: Registry,
         rtype: ResourceType) -> tuple | None:
    holder = container(resource, top, registry, rtype) or {}
    value = holder.get(top.name)
    if top.multi_valued:
        value = _primary_or_first(value)
    if sub is not None:
        value = value.get(sub.name) if isinstance(value, dict) else None
    if value is None:
        return None
    return _order_key(sub or top, value)


def _primary_or_first(values: Any) -> Any:
    # RFC 7644 §3.4.2.3: a multi-valued attribute sorts by its primary value, else its first.
    if not values:
        return None
    for value in values:
        if isinstance(value, dict) and value.get("primary") is True:
            return value
    return values[0]


def _order_key(attr: Attribute, value: Any) -> tuple:
    # Strings sort case-insensitively unless caseExact; dateTimes by instant, not by text.
    if isinstance(value, str) and attr.type == "dateTime":
        try:
            return (0, datetime.fromisoformat(value).timestamp())
        except ValueError:
            return (1, value)
    if isinstance(value, str):
        return (1, value if attr.case_exact else value.casefold())
    return (0, value)
