"""The PATCH engine (RFC 7644 §3.5.2): apply a PatchOp message to a stored resource.

Pure: it returns a new resource and never touches its input. Atomic, as RFC 7644 §3.5.2 asks
of a PATCH request: it works on a deep copy, so an error in any operation leaves nothing applied.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from scimcert.scim import profile as interop
from scimcert.scim import resource as res
from scimcert.scim.errors import (
    INVALID_PATH,
    INVALID_SYNTAX,
    INVALID_VALUE,
    MUTABILITY,
    NO_TARGET,
    ScimError,
    bad_request,
)
from scimcert.scim.filter import evaluate, parse_path, validate
from scimcert.scim.filter.ast import And, Compare, Node
from scimcert.scim.profile import RFC, Profile
from scimcert.scim.schema import Attribute, AttrPath, Registry, ResourceType
from scimcert.scim.tolerance import STRICT, Tolerances
from scimcert.scim.urns import PATCH_OP_URN

OPS = ("add", "replace", "remove")


@dataclass(frozen=True)
class Target:
    """Where a PATCH path points: a top-level attribute, maybe a sub-attribute and a filter."""

    text: str
    attr: Attribute
    sub: Attribute | None = None
    filter: Node | None = None


@dataclass(frozen=True)
class Operation:
    op: str
    path: str | None
    value: Any
    has_value: bool


def apply_patch(resource: dict, message: dict, registry: Registry,
                rtype: ResourceType | str, tolerances: Tolerances = STRICT,
                profile: Profile = RFC) -> dict:
    """Apply every operation of `message` to a copy of `resource` and return the copy."""
    rtype = res.resource_type(registry, rtype)
    operations = read_message(message, tolerances, profile)
    engine = _Engine(copy.deepcopy(resource), registry, rtype, tolerances, profile)
    for operation in operations:
        engine.apply(operation)
    return engine.finish(resource)


def read_message(message: Any, tolerances: Tolerances = STRICT,
                 profile: Profile = RFC) -> list[Operation]:
    """The operations of a PatchOp message; ScimError 400 invalidSyntax when it is malformed."""
    if not isinstance(message, dict):
        raise bad_request(INVALID_SYNTAX, "a PATCH body is a PatchOp object")
    fields = _folded(message)
    schemas = fields.get("schemas")
    missing = schemas is None and not tolerances.patch_without_schemas
    if missing or (schemas is not None and (not isinstance(schemas, list)
                                            or PATCH_OP_URN not in schemas)):
        raise bad_request(INVALID_SYNTAX, f"schemas must contain {PATCH_OP_URN}")
    operations = fields.get("operations")
    # RFC 7644 §3.5.2: "Operations", an array of one or more PATCH operations.
    if not isinstance(operations, list) or not operations:
        raise bad_request(INVALID_SYNTAX, "Operations must be an array of one or more operations")
    found = [_operation(item, index, tolerances) for index, item in enumerate(operations)]
    missing = next((i for i, operation in enumerate(found) if operation.path is None), None)
    if profile.path_required and missing is not None:
        raise bad_request(INVALID_SYNTAX, f"Operations[{missing}] has no path: every operation "
                                          "names one (interop profile §6.5.1.1)")
    return found


def _operation(item: Any, index: int, tolerances: Tolerances) -> Operation:
    if not isinstance(item, dict):
        raise bad_request(INVALID_SYNTAX, f"Operations[{index}] is not an object")
    fields = _folded(item)
    op = fields.get("op")
    if isinstance(op, str) and tolerances.capitalised_op:
        op = op.lower()
    if op not in OPS:
        raise bad_request(INVALID_SYNTAX, f"Operations[{index}].op must be add, replace or remove")
    path = fields.get("path")
    if path is not None and not isinstance(path, str):
        raise bad_request(INVALID_PATH, f"Operations[{index}].path must be a string")
    return Operation(op, path or None, fields.get("value"), "value" in fields)


def _folded(obj: dict) -> dict:
    return {key.lower(): value for key, value in obj.items() if isinstance(key, str)}


class _Engine:
    """Applies operations one by one to the working copy `doc`."""

    def __init__(self, doc: dict, registry: Registry, rtype: ResourceType,
                 tolerances: Tolerances, profile: Profile = RFC) -> None:
        self.doc = doc
        self.registry = registry
        self.rtype = rtype
        self.tolerances = tolerances
        self.profile = profile

    def apply(self, operation: Operation) -> None:
        if operation.path is None:
            self._pathless(operation)
            return
        urn = res.extension_urn(self.registry, self.rtype, operation.path)
        if urn is not None:
            self._extension(operation, urn)
            return
        target = self.resolve(operation.path)
        self._guard(target)
        self._at(operation, target)

    def finish(self, original: dict) -> dict:
        for urn in self.registry.extension_urns(self.rtype):
            if urn in self.doc and not self.doc[urn]:
                del self.doc[urn]
        self._check_required(original)
        if "schemas" in original:
            self.doc["schemas"] = res.schemas_for(self.doc, self.registry, self.rtype)
        return self.doc

    def resolve(self, text: str) -> Target:
        """The target of a PATCH path; ScimError 400 invalidPath when it names nothing."""
        parsed = parse_path(text)
        attr = self.lookup(parsed.attr)
        if attr is None:
            raise bad_request(INVALID_PATH, f"{text}: {self.rtype.name} has no {parsed.attr}")
        sub_name = parsed.attr.sub or parsed.sub
        sub = attr.sub(sub_name) if sub_name else None
        if sub_name and sub is None:
            raise bad_request(INVALID_PATH, f"{text}: {attr.name} has no sub-attribute {sub_name}")
        if parsed.filter is not None:
            self._check_filter(text, attr, parsed.filter)
        return Target(text, attr, sub, parsed.filter)

    def lookup(self, path: AttrPath | str) -> Attribute | None:
        """The top-level attribute of `path`; with `unqualified_extension_path`, an unqualified
        name not in the core schema is looked up in the extensions."""
        found = self.registry.top_attribute(self.rtype, path)
        path = AttrPath.parse(path) if isinstance(path, str) else path
        if found is not None or path.urn is not None:
            return found
        if not self.tolerances.unqualified_extension_path:
            return None
        for urn in self.registry.extension_urns(self.rtype):
            schema = self.registry.schema(urn)
            found = schema.attribute(path.attr) if schema else None
            if found is not None:
                return found
        return None

    def _check_filter(self, text: str, attr: Attribute, node: Node) -> None:
        if not (attr.multi_valued and attr.is_complex):
            raise bad_request(INVALID_PATH, f"{text}: a value filter needs a multi-valued complex")
        try:
            validate(node, self.registry, self.rtype, parent=attr)
        except ScimError as exc:
            raise bad_request(INVALID_PATH, f"{text}: {exc.detail}") from exc

    def _guard(self, target: Target) -> None:
        # RFC 7644 §3.5.2: a client MUST NOT modify a readOnly attribute.
        for attr in (target.attr, target.sub):
            if attr is not None and attr.mutability == res.READ_ONLY:
                raise bad_request(MUTABILITY, f"{target.text}: {attr.name} is readOnly")

    # -- operations ------------------------------------------------------------------------------

    def _at(self, operation: Operation, target: Target) -> None:
        if operation.op == "remove":
            self._remove(target, operation.value)
            return
        if not operation.has_value:
            raise bad_request(INVALID_VALUE, f"{operation.op} {target.text} needs a value")
        if operation.value is None:
            # RFC 7643 §2.5: null is the same state as unassigned (Entra sends explicit nulls).
            self._remove(target, None)
        else:
            self._write(operation.op, target, operation.value)

    def _pathless(self, operation: Operation) -> None:
        if operation.op == "remove":
            # RFC 7644 §3.5.2.2: remove without a path fails with noTarget.
            raise bad_request(NO_TARGET, "remove needs a path")
        if not isinstance(operation.value, dict):
            raise bad_request(INVALID_VALUE, f"{operation.op} without a path needs an object value")
        for key, value in operation.value.items():
            if key.lower() == "schemas":
                continue
            urn = res.extension_urn(self.registry, self.rtype, key)
            if urn is not None:
                self._extension(Operation(operation.op, urn, value, True), urn, lenient=True)
                continue
            target = self._pathless_target(key, value)
            if target is not None:
                self._at(Operation(operation.op, key, value, True), target)

    def _pathless_target(self, key: str, value: Any) -> Target | None:
        # Names no schema defines are ignored as on create (see resource.canonicalize).
        if self.lookup(key) is None:
            return None
        path = AttrPath.parse(key)
        if (path.sub or path.urn) and not self.tolerances.pathless_path_keys:
            raise bad_request(INVALID_VALUE, f"{key}: a value without a path holds attributes "
                                             "by name, not attribute paths")
        target = self.resolve(key)
        if target.attr.mutability == res.READ_ONLY and target.sub is None \
                and self.tolerances.read_only_echo:
            holder = res.container(self.doc, target.attr, self.registry, self.rtype) or {}
            if holder.get(target.attr.name) == value:
                return None
        self._guard(target)
        return target

    def _extension(self, operation: Operation, urn: str, *, lenient: bool = False) -> None:
        if operation.op == "remove" or operation.value is None:
            if operation.op != "remove" and not operation.has_value:
                raise bad_request(INVALID_VALUE, f"{operation.op} {urn} needs a value")
            self.doc.pop(urn, None)
            return
        if not isinstance(operation.value, dict):
            raise bad_request(INVALID_VALUE, f"{urn} must be an object of extension attributes")
        for name, value in operation.value.items():
            path = f"{urn}:{name}"
            if self.registry.top_attribute(self.rtype, path) is None:
                if lenient:
                    continue
                raise bad_request(INVALID_PATH, f"{path} is not an attribute of {self.rtype.name}")
            target = self.resolve(path)
            self._guard(target)
            self._at(Operation(operation.op, path, value, True), target)

    def _write(self, op: str, target: Target, value: Any) -> None:
        attr = target.attr
        if self.profile.undeclared_attributes_refused:
            interop.refuse_undeclared_value(target.sub or attr, value, target.text)
        if target.filter is not None:
            self._write_filtered(op, target, value)
        elif target.sub is not None and attr.multi_valued:
            self._write_each(target, value)
        elif target.sub is not None:
            self._write_sub(target, value)
        elif attr.multi_valued and op == "add":
            self._append(target, value)
        elif attr.multi_valued:
            self._set_top(target, self._coerce(attr, _listed(value), target.text))
        elif attr.is_complex and op == "replace" and self.profile.complex_replace_whole:
            self._set_top(target, self._coerce(attr, value, target.text))
        elif attr.is_complex:
            self._merge_complex(target, value)
        else:
            self._set_top(target, self._coerce(attr, value, target.text))

    def _append(self, target: Target, value: Any) -> None:
        # RFC 7644 §3.5.2.1: add to a multi-valued attribute adds new values; a value already
        # there changes nothing.
        attr = target.attr
        new = self._coerce(attr, _listed(value), target.text)
        if new is None:
            return
        holder = res.container(self.doc, attr, self.registry, self.rtype, create=True)
        items = holder.setdefault(attr.name, [])
        touched = []
        for item in new:
            found = next((old for old in items if res.same_value(attr, old, item)), None)
            if found is None:
                items.append(item)
                touched.append(item)
            elif attr.is_complex:
                _merge_into(attr, found, item)
                touched.append(found)
        self._settle_primary(target, items, touched)

    def _merge_complex(self, target: Target, value: Any) -> None:
        # RFC 7644 §3.5.2.1/§3.5.2.3: the value of a complex attribute is a set of sub-attributes;
        # those not given are left unchanged.
        attr = target.attr
        new = self._coerce(attr, value, target.text)
        holder = res.container(self.doc, attr, self.registry, self.rtype) or {}
        current = holder.get(attr.name)
        if new is None or current is None:
            self._set_top(target, new)
            return
        if res.is_reference(attr) and current.get("value") != new.get("value"):
            # A manager's $ref and displayName describe its value: a new value replaces them.
            self._set_top(target, new)
            return
        for name, sub_value in new.items():
            _set_sub(current, attr.sub(name), sub_value, target.text)

    def _write_sub(self, target: Target, value: Any) -> None:
        attr, sub = target.attr, target.sub
        holder = res.container(self.doc, attr, self.registry, self.rtype, create=True)
        current = holder.setdefault(attr.name, {})
        _set_sub(current, sub, self._coerce(sub, value, target.text), target.text)
        if not current:
            del holder[attr.name]

    def _write_each(self, target: Target, value: Any) -> None:
        # An unfiltered sub-attribute of a multi-valued attribute (emails.type) addresses that
        # sub-attribute of every value; with no values there is nothing to operate on (§3.12).
        items = self._items(target.attr)
        if not items:
            raise bad_request(NO_TARGET, f"{target.text}: {target.attr.name} has no values")
        stored = self._coerce(target.sub, value, target.text)
        for item in items:
            _set_sub(item, target.sub, stored, target.text)
        res.check_primary(target.attr, items, target.text)

    def _write_filtered(self, op: str, target: Target, value: Any) -> None:
        attr = target.attr
        matched = self._matched(target)
        if not matched:
            self._add_missing(op, target, value)
            return
        if target.sub is not None:
            stored = {target.sub.name: self._coerce(target.sub, value, target.text)}
        else:
            stored = self._coerce_item(attr, value, target.text) or {}
        for item in matched:
            for name, sub_value in stored.items():
                _set_sub(item, attr.sub(name), sub_value, target.text)
        touched = matched if stored.get("primary") is True else []
        self._settle_primary(target, self._items(attr), touched)

    def _add_missing(self, op: str, target: Target, value: Any) -> None:
        # RFC 7644 §3.5.2.3: replace through a filter that matches nothing fails with noTarget.
        # RFC 7644 §3.5.2.1: for add, "if the target location does not exist, the attribute and
        # value are added" -- a new value built from the filter's `eq` terms (Entra sends
        # add emails[type eq "work"].value for a first work email); a filter that does not
        # pin a value down leaves nothing to build, which is noTarget (§3.12).
        seed = _seed(target.filter, target.attr) if op == "add" else None
        if seed is None:
            raise bad_request(NO_TARGET, f"{target.text}: the filter matches no value")
        if target.sub is not None:
            seed[target.sub.name] = value
        elif isinstance(value, dict):
            seed.update(value)
        else:
            raise bad_request(INVALID_VALUE, f"{target.text}: expected an object")
        self._append(target, [seed])

    def _remove(self, target: Target, value: Any) -> None:
        attr = target.attr
        if target.filter is not None:
            self._remove_filtered(target)
        elif target.sub is not None and attr.multi_valued:
            for item in self._items(attr):
                _set_sub(item, target.sub, None, target.text)
            self._keep_items(attr, [item for item in self._items(attr) if item])
        elif target.sub is not None:
            holder = res.container(self.doc, attr, self.registry, self.rtype) or {}
            current = holder.get(attr.name)
            if current:
                _set_sub(current, target.sub, None, target.text)
                if not current:
                    del holder[attr.name]
        elif attr.multi_valued and value is not None:
            self._remove_listed(target, value)
        else:
            # Removing an attribute that has no value leaves it unassigned, which RFC 7644
            # §3.5.2.2 asks for; noTarget (§3.12) is for a filter that matches nothing.
            self._set_top(target, None)

    def _remove_filtered(self, target: Target) -> None:
        matched = self._matched(target)
        # RFC 7644 §3.12 noTarget: the "path" "contains a filter that yields no match".
        if not matched:
            raise bad_request(NO_TARGET, f"{target.text}: the filter matches no value")
        if target.sub is None:
            kept = [item for item in self._items(target.attr) if _absent(item, matched)]
            self._keep_items(target.attr, kept)
            return
        for item in matched:
            _set_sub(item, target.sub, None, target.text)
        self._keep_items(target.attr, [item for item in self._items(target.attr) if item])

    def _remove_listed(self, target: Target, value: Any) -> None:
        if not self.tolerances.remove_value_list:
            raise bad_request(INVALID_VALUE, f"remove {target.text} takes no value: without a "
                                             "filter it removes every value")
        attr = target.attr
        gone = self._coerce(attr, _listed(value), target.text) or []
        kept = [item for item in self._items(attr)
                if not any(res.same_value(attr, item, g) for g in gone)]
        self._keep_items(attr, kept)

    # -- helpers ---------------------------------------------------------------------------------

    def _coerce(self, attr: Attribute, value: Any, where: str) -> Any:
        return res.coerce(attr, value, where, self.tolerances)

    def _coerce_item(self, attr: Attribute, value: Any, where: str) -> Any:
        return res.coerce_item(attr, value, where, self.tolerances)

    def _items(self, attr: Attribute) -> list:
        holder = res.container(self.doc, attr, self.registry, self.rtype) or {}
        return holder.get(attr.name) or []

    def _keep_items(self, attr: Attribute, items: list) -> None:
        holder = res.container(self.doc, attr, self.registry, self.rtype)
        if holder is None:
            return
        if items:
            holder[attr.name] = items
        else:
            holder.pop(attr.name, None)

    def _matched(self, target: Target) -> list[dict]:
        return [item for item in self._items(target.attr)
                if evaluate(target.filter, item, self.registry, self.rtype, parent=target.attr)]

    def _set_top(self, target: Target, value: Any) -> None:
        attr = target.attr
        holder = res.container(self.doc, attr, self.registry, self.rtype, create=value is not None)
        if holder is None:
            return
        current = holder.get(attr.name)
        _check_immutable(attr, current, value, target.text)
        if value is None:
            holder.pop(attr.name, None)
        else:
            holder[attr.name] = value

    def _settle_primary(self, target: Target, items: list, touched: list) -> None:
        # RFC 7644 §3.5.2: setting "primary" to true on one value sets it to false on the others.
        chosen = [item for item in touched if item.get("primary") is True]
        if len(chosen) > 1:
            raise bad_request(INVALID_VALUE, f"{target.text}: more than one primary value")
        for item in items:
            if chosen and item is not chosen[0] and item.get("primary") is True:
                item["primary"] = False
        res.check_primary(target.attr, items, target.text)

    def _check_required(self, original: dict) -> None:
        # RFC 7644 §3.5.2.2: a required attribute that becomes unassigned is a mutability error.
        for attr in self.registry.attributes(self.rtype):
            if not attr.required:
                continue
            before = res.container(original, attr, self.registry, self.rtype) or {}
            after = res.container(self.doc, attr, self.registry, self.rtype) or {}
            if attr.name in before and attr.name not in after:
                raise bad_request(MUTABILITY, f"{attr.name} is required and cannot be removed")


def _set_sub(item: dict, sub: Attribute, value: Any, where: str) -> None:
    if sub.mutability == res.READ_ONLY:
        return
    _check_immutable(sub, item.get(sub.name), value, where)
    if value is None:
        item.pop(sub.name, None)
    else:
        item[sub.name] = value


def _check_immutable(attr: Attribute, current: Any, value: Any, where: str) -> None:
    # RFC 7644 §3.5.2: an immutable attribute may be given a value only when it has none.
    if attr.mutability == res.IMMUTABLE and current is not None and current != value:
        raise bad_request(MUTABILITY, f"{where}: {attr.name} is immutable")


def _merge_into(attr: Attribute, found: dict, item: dict) -> None:
    # The same value added again: sub-attributes it brings fill gaps; immutable ones already set
    # stay as they are (Okta re-sends members with a display of its own).
    for name, value in item.items():
        sub = attr.sub(name)
        current = found.get(name)
        kept = sub.mutability == res.IMMUTABLE or res.equal(sub, current, value)
        if current is None or not kept:
            found[name] = value


def _absent(item: dict, matched: list[dict]) -> bool:
    return all(item is not m for m in matched)


def _listed(value: Any) -> Any:
    # RFC 7644 §3.5.2.1: the value "MAY be ... a JSON object containing the sub-attributes of the
    # complex attribute" -- one value for a multi-valued attribute, taken as a one-element array.
    return value if isinstance(value, list) else [value]


def _seed(node: Node | None, attr: Attribute) -> dict | None:
    """The sub-attribute values a filter of `eq` terms joined by `and` pins down, else None."""
    if isinstance(node, Compare):
        sub = attr.sub(node.path.attr) if node.path.sub is None else None
        if node.op != "eq" or sub is None:
            return None
        return {sub.name: node.value}
    if isinstance(node, And):
        left, right = _seed(node.left, attr), _seed(node.right, attr)
        if left is None or right is None:
            return None
        return {**left, **right}
    return None
