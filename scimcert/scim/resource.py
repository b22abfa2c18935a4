"""Resources in their stored form: client JSON turned into canonical, typed attribute values.

Stored form: attribute names in schema case, extension attributes nested under their URN key,
booleans as bool, no nulls, no empty arrays or objects (RFC 7643 §2.5 treats null, `[]` and an
absent attribute as the same state), `schemas` = core URN plus each extension present.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from scimcert.scim import profile as interop
from scimcert.scim.errors import INVALID_SYNTAX, INVALID_VALUE, bad_request
from scimcert.scim.profile import RFC, Profile
from scimcert.scim.schema import Attribute, AttrPath, Registry, ResourceType
from scimcert.scim.tolerance import STRICT, Tolerances

READ_ONLY = "readOnly"
IMMUTABLE = "immutable"
_SURROGATE = re.compile("[\ud800-\udfff]")


def canonicalize(body: dict[str, Any], registry: Registry, rtype: ResourceType | str,
                 tolerances: Tolerances = STRICT, profile: Profile = RFC) -> dict:
    """Turn a client body (POST/PUT) into the stored form; the input is left untouched.

    Attributes no schema of the resource type defines are ignored, as RFC 7643/7644 give no
    error for them (unless `profile` refuses them); so are explicit nulls, which RFC 7643 §2.5
    makes unassigned, and readOnly attributes, as RFC 7644 §3.3 requires. Schema URNs the
    resource type does not have are refused unless `tolerances.unknown_schema_urns`.
    """
    rtype = resource_type(registry, rtype)
    if not isinstance(body, dict):
        raise bad_request(INVALID_SYNTAX, "the request body is not a JSON object")
    if profile.undeclared_attributes_refused:
        interop.refuse_undeclared(body, registry, rtype)
    out: dict[str, Any] = {}
    for key, value in body.items():
        if key.lower() == "schemas":
            if value is not None and profile.undeclared_schemas_refused:
                interop.refuse_undeclared_schemas(value, rtype)
            if value is not None and not tolerances.unknown_schema_urns:
                _check_schemas(value, rtype)
            continue
        if value is None:
            continue
        urn = extension_urn(registry, rtype, key)
        if urn is None:
            _put(out, registry, rtype, key, value, tolerances)
            continue
        if not isinstance(value, dict):
            raise bad_request(INVALID_VALUE, f"{urn} must be an object of extension attributes")
        for name, sub_value in value.items():
            _put(out, registry, rtype, f"{urn}:{name}", sub_value, tolerances)
    _check_required(out, registry, rtype)
    return {"schemas": schemas_for(out, registry, rtype), **out}


def resource_type(registry: Registry, rtype: ResourceType | str) -> ResourceType:
    return registry.resource_type(rtype) if isinstance(rtype, str) else rtype


def extension_urn(registry: Registry, rtype: ResourceType, text: str) -> str | None:
    """The resource type's extension URN `text` names (any case), in its canonical spelling."""
    return rtype.extension_urn(text)


def schemas_for(resource: dict[str, Any], registry: Registry, rtype: ResourceType) -> list[str]:
    """`schemas` of a stored resource: the core URN and every extension holding a value."""
    return [rtype.schema, *(u for u in registry.extension_urns(rtype) if resource.get(u))]


def container(resource: dict[str, Any], attr: Attribute, registry: Registry,
              rtype: ResourceType, *, create: bool = False) -> dict | None:
    """The dict that holds `attr`: the resource itself, or its extension object."""
    if not is_extension(registry, rtype, attr):
        return resource
    if create:
        return resource.setdefault(attr.schema, {})
    return resource.get(attr.schema)


def is_extension(registry: Registry, rtype: ResourceType, attr: Attribute) -> bool:
    return rtype.extension_urn(attr.schema) is not None


def coerce(attr: Attribute, value: Any, where: str, tolerances: Tolerances = STRICT) -> Any:
    """The stored form of a whole attribute value, or None when it amounts to unassigned."""
    if value is None:
        return None
    if not attr.multi_valued:
        return coerce_item(attr, value, where, tolerances)
    if not isinstance(value, list):
        raise bad_request(INVALID_VALUE, f"{where} is multi-valued: expected an array")
    items = [coerce_item(attr, v, f"{where}[{i}]", tolerances) for i, v in enumerate(value)]
    items = [item for item in items if item is not None]
    check_primary(attr, items, where)
    return items or None


def coerce_item(attr: Attribute, value: Any, where: str,
                tolerances: Tolerances = STRICT) -> Any:
    """The stored form of one value of `attr` (one element if it is multi-valued)."""
    if value is None:
        return None
    if attr.is_complex:
        return _complex(attr, value, where, tolerances)
    return _simple(attr, value, where, tolerances)


def check_primary(attr: Attribute, items: list[Any], where: str) -> None:
    # RFC 7643 §2.4: the primary attribute value "true" MUST appear no more than once.
    if attr.sub("primary") is None:
        return
    if sum(1 for item in items if item.get("primary") is True) > 1:
        raise bad_request(INVALID_VALUE, f"{where} has more than one value with primary true")


def same_value(attr: Attribute, a: Any, b: Any) -> bool:
    """Whether two values of a multi-valued attribute are the same value.

    Complex values with a `value` sub-attribute are the same when `value` matches (and `type`,
    when both have one): a member is identified by its id, not by its `display`.
    """
    if not attr.is_complex:
        return equal(attr, a, b)
    value_sub = attr.sub("value")
    if value_sub is None or "value" not in a or "value" not in b:
        return a == b
    if not equal(value_sub, a["value"], b["value"]):
        return False
    type_sub = attr.sub("type")
    if type_sub is not None and "type" in a and "type" in b:
        return equal(type_sub, a["type"], b["type"])
    return True


def equal(attr: Attribute, a: Any, b: Any) -> bool:
    """Equality of two simple values, case-insensitive for strings unless caseExact."""
    if isinstance(a, str) and isinstance(b, str) and not attr.case_exact:
        return a.casefold() == b.casefold()
    return a == b


def is_reference(attr: Attribute) -> bool:
    """A singular complex attribute that points at another resource (enterprise `manager`)."""
    return attr.is_complex and not attr.multi_valued and attr.sub("value") is not None \
        and attr.sub("$ref") is not None


def _check_schemas(schemas: Any, rtype: ResourceType) -> None:
    # RFC 7643 §3: `schemas` names the schemas that define the attributes of the resource, so
    # it can only name the resource type's own.
    known = {urn.lower() for urn in rtype.schema_urns}
    listed = schemas if isinstance(schemas, list) else [schemas]
    unknown = [urn for urn in listed if not isinstance(urn, str) or urn.lower() not in known]
    if unknown:
        raise bad_request(INVALID_VALUE, f"schemas names {unknown[0]!r}, which is not a schema "
                                         f"of {rtype.name}")


def _put(out: dict, registry: Registry, rtype: ResourceType, key: str, value: Any,
         tolerances: Tolerances) -> None:
    path = AttrPath.parse(key)
    attr = registry.top_attribute(rtype, path)
    if attr is None or attr.mutability == READ_ONLY or value is None:
        return
    if path.sub is not None:
        value = {path.sub: value}
    stored = coerce(attr, value, attr.name, tolerances)
    if stored is None:
        return
    holder = out.setdefault(attr.schema, {}) if is_extension(registry, rtype, attr) else out
    if path.sub is not None and isinstance(holder.get(attr.name), dict):
        holder[attr.name].update(stored)
    else:
        holder[attr.name] = stored


def _complex(attr: Attribute, value: Any, where: str, tolerances: Tolerances) -> dict | None:
    reference = is_reference(attr)
    if reference and tolerances.manager_shapes:
        value = _reference_shape(value)
    if not isinstance(value, dict):
        raise bad_request(INVALID_VALUE, f"{where} is complex: expected an object")
    out: dict[str, Any] = {}
    for key, sub_value in value.items():
        sub = attr.sub(key)
        # Sub-attributes the schema does not define, and readOnly ones (a manager's
        # displayName), are ignored as at the top level (RFC 7644 §3.3).
        if sub is None or sub.mutability == READ_ONLY:
            continue
        stored = coerce(sub, sub_value, f"{where}.{sub.name}", tolerances)
        if stored is not None:
            out[sub.name] = stored
    if reference and tolerances.manager_shapes and not out.get("value"):
        return None
    if reference and out.get("value") == "":
        # RFC 7643 §3.1: an id is never empty, so an empty value refers to nothing.
        raise bad_request(INVALID_VALUE, f"{where}.value must be the id of a resource")
    return out or None


def _reference_shape(value: Any) -> Any:
    if isinstance(value, list):
        if not value:
            return {}
        if len(value) == 1:
            return value[0] if value[0] is not None else {}
    if isinstance(value, str):
        return {"value": value}
    return value


def _simple(attr: Attribute, value: Any, where: str, tolerances: Tolerances) -> Any:
    kind = attr.type
    if kind == "boolean":
        return _boolean(value, where, tolerances)
    if kind == "integer" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind == "decimal" and isinstance(value, int | float) and not isinstance(value, bool):
        return value
    if kind == "dateTime" and isinstance(value, str) and _is_datetime(value):
        return value
    if kind in ("string", "reference", "binary") and isinstance(value, str):
        if _SURROGATE.search(value):
            # A JSON escape such as "\ud800" parses to a lone surrogate, which is no Unicode
            # character (RFC 7643 §2.3.1: "A sequence of zero or more Unicode characters") and
            # has no UTF-8 form to store or return (RFC 7644 §3.8, RFC 8259 §8.2).
            raise bad_request(INVALID_VALUE, f"{where} holds a lone surrogate, which is no "
                                             "Unicode character")
        return value
    raise bad_request(INVALID_VALUE, f"{where} must be of type {kind}, got {value!r}")


def _boolean(value: Any, where: str, tolerances: Tolerances) -> bool:
    if isinstance(value, bool):
        return value
    if tolerances.string_booleans and isinstance(value, str) \
            and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise bad_request(INVALID_VALUE, f"{where} must be a boolean, got {value!r}")


def _is_datetime(text: str) -> bool:
    # RFC 7643 §2.3.5: xsd:dateTime, always with a time part.
    if "t" not in text.lower():
        return False
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _check_required(out: dict, registry: Registry, rtype: ResourceType) -> None:
    for attr in registry.attributes(rtype):
        if not attr.required or attr.mutability == READ_ONLY:
            continue
        holder = out.get(attr.schema, {}) if is_extension(registry, rtype, attr) else out
        applies = holder is out or bool(holder)
        if applies and attr.name not in holder:
            raise bad_request(INVALID_VALUE, f"{attr.name} is required")
