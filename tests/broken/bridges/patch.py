"""PATCH defects (RFC 7644 §3.5.2): add, replace and remove, and the Entra and Okta dialects.

A class is the reference bridge with that part swapped, served by the factory its @defect
names after the defect id; a function is the factory itself (tests/broken/bridges/registry.py).
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette

from scimcert.bridge.pipeline import Pipeline
from scimcert.bridge.store import Resource
from scimcert.scim.errors import INVALID_PATH, INVALID_VALUE, MUTABILITY, ScimError, bad_request
from scimcert.scim.patch import apply_patch
from tests.broken.bridges import edits
from tests.broken.bridges.asgi import Exchange, answers
from tests.broken.bridges.registry import defect, without_tolerance


@defect(
    "string-boolean-ignored",
    requirements=["entra/patch/string-boolean"],
    summary="PATCH silently skips Entra's \"False\" string for active",
    proves=[
        "provisioning/test_scenarios.py::test_scenario_leaves_the_state_the_idp_expects",
        "users/test_patch.py::test_patch_operation_changes_the_user",
    ],
    dialects=["entra"],
)
class StringBooleanIgnored(Pipeline):
    """Skips PATCH operations whose `active` value is a string such as Entra's "False"."""

    def patch(self, rtype: str, rid: str, message: Any, if_match: str | None = None) -> Resource:
        ops = edits.operations(message)
        kept = [op for op in ops if not _string_active(op)]
        if ops and not kept:
            return self.get(rtype, rid)
        return super().patch(rtype, rid, edits.with_operations(message, kept) if ops else message,
                             if_match)


def _string_active(op: Any) -> bool:
    fields = edits.folded(op)
    value = fields.get("value")
    if edits.op_path(op) == "active":
        return isinstance(value, str)
    return isinstance(value, dict) and isinstance(edits.folded(value).get("active"), str)


@defect(
    "case-sensitive-patch-ops",
    requirements=["entra/patch/capitalised-op"],
    summary="PATCH refuses the op names Add, Replace and Remove that Entra sends",
    proves=[
        "provisioning/test_scenarios.py::test_scenario_leaves_the_state_the_idp_expects",
        "users/test_patch.py::test_patch_operation_changes_the_group",
        "groups/test_rename.py::test_patch_replace_renames_group",
        "users/test_patch.py::test_patch_operation_changes_the_user",
    ],
    dialects=["entra"],
)
def case_sensitive_patch_ops(**options: Any) -> Starlette:
    """Refuses PATCH op names that are not lower case, such as Entra's "Replace", as a bridge
    reading RFC 7644 §3.5.2 to the letter does."""
    return without_tolerance("capitalised_op", **options)


@defect(
    "add-members-replaces",
    requirements=["rfc7644/3.5.2.1/add-multi-valued"],
    summary="Add on members replaces them: earlier members are lost",
    proves=[
        "groups/test_members.py::test_add_member_keeps_existing_members",
    ],
)
class AddMembersReplaces(Pipeline):
    """Treats `add` on members as `replace`: the members a group had before are lost."""

    def patch(self, rtype: str, rid: str, message: Any, if_match: str | None = None) -> Resource:
        ops = edits.operations(message)
        if rtype == "Group" and ops:
            ops = [{**op, "op": "replace"}
                   if edits.op_name(op) == "add" and edits.op_path(op) == "members" else op
                   for op in ops]
            message = edits.with_operations(message, ops)
        return super().patch(rtype, rid, message, if_match)


@defect(
    "add-to-no-members-dropped",
    requirements=["rfc7644/3.5.2.1/add-multi-valued"],
    summary="An add to a group with no members yet is acknowledged but not stored",
    proves=[
        "groups/test_members.py::test_add_one_member",
        "groups/test_members.py::test_add_several_members_in_one_operation",
    ],
)
class AddToNoMembersDropped(edits.EditedPatch):
    """Appends an `add` on members to the group's member list, and skips the operation when
    the group has no list yet (no `members` key): the first members of an empty group are
    acknowledged with 200 but never stored (RFC 7644 §3.5.2.1: add creates the attribute)."""

    def edit(self, rtype: str, op: Any, current: Resource) -> Any:
        if rtype in self.relations.group_types and edits.op_name(op) == "add" \
                and edits.op_path(op) == "members" and not current.get("members"):
            return None
        return op


@defect(
    "patch-answers-old-resource",
    requirements=["rfc7644/3.5.2/patch-answer"],
    summary="PATCH answers with the resource as it was before the change",
    proves=[
        "users/test_patch.py::test_patch_answers_the_resource_or_no_content",
    ],
)
class PatchAnswersOldResource(Pipeline):
    """Answers PATCH with the resource as it was before the change."""

    def patch(self, rtype: str, rid: str, message: Any, if_match: str | None = None) -> Resource:
        before = self.get(rtype, rid)
        super().patch(rtype, rid, message, if_match)
        return before


@defect(
    "add-simple-ignored",
    requirements=["rfc7644/3.5.2.1/add-simple"],
    summary="add with a path on a single-valued attribute does nothing",
    proves=[
        "users/test_patch.py::test_patch_operation_changes_the_user",
    ],
)
class AddSimpleIgnored(edits.EditedPatch):
    """Applies `add` with a path only to multi-valued attributes; other adds do nothing."""

    def edit(self, rtype: str, op: Any, current: Resource) -> Any:
        attr = self.attribute(rtype, edits.path(op))
        if edits.op_name(op) == "add" and attr is not None and not attr.multi_valued:
            return None
        return op


@defect(
    "add-pathless-ignored",
    requirements=["rfc7644/3.5.2.1/add-pathless"],
    summary="add without a path does nothing",
    proves=[
        "users/test_patch.py::test_patch_operation_changes_the_user",
    ],
)
class AddPathlessIgnored(edits.EditedPatch):
    """Ignores `add` operations without a path."""

    def edit(self, rtype: str, op: Any, current: Resource) -> Any:
        return None if edits.op_name(op) == "add" and not edits.path(op) else op


@defect(
    "urn-path-refused",
    requirements=[
        "rfc7644/3.5.2.1/add-extension",
        "rfc7644/3.5.2.3/replace-extension",
        "rfc7644/3.5.2.2/remove-extension",
    ],
    summary="A URN-qualified PATCH path is refused with 400 invalidPath",
    proves=[
        "users/test_patch.py::test_patch_operation_changes_the_user",
    ],
)
class UrnPathRefused(edits.EditedPatch):
    """Answers a URN-qualified PATCH path with 400 invalidPath: only short names are parsed."""

    def edit(self, rtype: str, op: Any, current: Resource) -> Any:
        if edits.op_path(op).startswith("urn:"):
            raise bad_request(INVALID_PATH, f"cannot parse path {edits.path(op)!r}")
        return op


@defect(
    "remove-sets-empty",
    requirements=["rfc7644/3.5.2.2/remove-simple"],
    summary="remove sets a string attribute to \"\" instead of unassigning it",
    proves=[
        "schema/test_attributes.py::test_patch_remove_clears_read_write_attribute",
        "users/test_patch.py::test_patch_operation_changes_the_user",
    ],
)
class RemoveSetsEmpty(edits.EditedPatch):
    """Clears an attribute on `remove` by setting it to "" instead of unassigning it."""

    def edit(self, rtype: str, op: Any, current: Resource) -> Any:
        attr = self.attribute(rtype, edits.path(op))
        if edits.op_name(op) == "remove" and attr is not None and not attr.multi_valued \
                and attr.type == "string" and ":" not in edits.path(op):
            return {"op": "replace", "path": edits.path(op), "value": ""}
        return op


@defect(
    "remove-filter-dropped",
    requirements=["rfc7644/3.5.2.2/remove-value-filter"],
    summary="remove drops the value filter and removes every value",
    proves=[
        "groups/test_members.py::test_remove_member_by_filter_path",
        "users/test_patch.py::test_patch_operation_changes_the_user",
    ],
)
class RemoveFilterDropped(edits.EditedPatch):
    """Drops the value filter of a `remove` path, removing every value of the attribute."""

    def edit(self, rtype: str, op: Any, current: Resource) -> Any:
        if edits.op_name(op) == "remove" and "[" in edits.path(op):
            return {**op, "path": edits.path(op).split("[", 1)[0]}
        return op


@defect(
    "replace-absent-ignored",
    requirements=["rfc7644/3.5.2.3/replace-absent-adds"],
    summary="replace of an attribute without a value does nothing",
    proves=[
        "users/test_patch.py::test_patch_operation_changes_the_user",
    ],
)
class ReplaceAbsentIgnored(edits.EditedPatch):
    """Applies `replace` only to attributes that already have a value."""

    def edit(self, rtype: str, op: Any, current: Resource) -> Any:
        top = edits.path(op).split(".", 1)[0].lower()
        present = {name.lower() for name in current}
        if edits.op_name(op) == "replace" and top and ":" not in top and "[" not in top \
                and top not in present:
            return None
        return op


@defect(
    "replace-multi-valued-appends",
    requirements=["rfc7644/3.5.2.3/replace-multi-valued"],
    summary="replace on a multi-valued attribute appends, keeping old values",
    proves=[
        "groups/test_members.py::test_replace_members",
        "users/test_patch.py::test_patch_operation_changes_the_user",
    ],
)
class ReplaceMultiValuedAppends(edits.EditedPatch):
    """Treats `replace` on a multi-valued attribute as `add`: old values stay."""

    def edit(self, rtype: str, op: Any, current: Resource) -> Any:
        attr = self.attribute(rtype, edits.path(op))
        if edits.op_name(op) == "replace" and attr is not None and attr.multi_valued:
            return {**op, "op": "add"}
        return op


@defect(
    "replace-pathless-ignored",
    requirements=["rfc7644/3.5.2.3/replace-pathless"],
    summary="replace without a path does nothing",
    proves=[
        "users/test_patch.py::test_patch_operation_changes_the_user",
    ],
)
class ReplacePathlessIgnored(edits.EditedPatch):
    """Ignores `replace` operations without a path."""

    def edit(self, rtype: str, op: Any, current: Resource) -> Any:
        return None if edits.op_name(op) == "replace" and not edits.path(op) else op


@defect(
    "user-name-replace-ignored",
    requirements=["rfc7644/3.5.2.3/replace-simple"],
    summary="replace on userName is ignored (1Password emails cannot change)",
    proves=[
        "schema/test_attributes.py::test_patch_replace_sets_read_write_attribute",
        "users/test_patch.py::test_patch_operation_changes_the_user",
    ],
)
class UserNameReplaceIgnored(edits.EditedPatch):
    """Ignores `replace` on userName, because 1Password account emails cannot change."""

    def edit(self, rtype: str, op: Any, current: Resource) -> Any:
        return None if edits.op_name(op) == "replace" and edits.op_path(op) == "username" else op


@defect(
    "sub-attribute-replaces-parent",
    requirements=["rfc7644/3.5.2.3/replace-sub-attribute"],
    summary="replace on name.givenName sets name to {givenName}, losing the rest",
    proves=[
        "users/test_patch.py::test_patch_operation_changes_the_user",
    ],
)
class SubAttributeReplacesParent(edits.EditedPatch):
    """Reads `replace` on name.givenName as setting name to {givenName}: other parts are lost."""

    def edit(self, rtype: str, op: Any, current: Resource) -> Any:
        path = edits.path(op)
        if edits.op_name(op) == "replace" and "." in path and ":" not in path and "[" not in path:
            top, sub = path.split(".", 1)
            return [{"op": "remove", "path": top},
                    {"op": "add", "path": top, "value": {sub: edits.value(op)}}]
        return op


@defect(
    "replace-value-filter-refused",
    requirements=["rfc7644/3.5.2.3/replace-value-filter"],
    summary="replace on a value-filter path answers 400 invalidPath",
    proves=[
        "users/test_patch.py::test_patch_operation_changes_the_user",
    ],
)
class ReplaceValueFilterRefused(edits.EditedPatch):
    """Answers `replace` on a value-filter path with 400 invalidPath."""

    def edit(self, rtype: str, op: Any, current: Resource) -> Any:
        if edits.op_name(op) == "replace" and "[" in edits.path(op):
            raise bad_request(INVALID_PATH, "value filters in PATCH paths are not supported")
        return op


@defect(
    "pathless-path-keys-ignored",
    requirements=["entra/patch/pathless-path-keys"],
    summary="Path-less value keys that are attribute paths are ignored",
    proves=[
        "users/test_patch.py::test_patch_operation_changes_the_user",
    ],
)
class PathlessPathKeysIgnored(edits.EditedPatch):
    """Ignores keys of a path-less value that are attribute paths (name.givenName, URNs)."""

    def edit(self, rtype: str, op: Any, current: Resource) -> Any:
        value = edits.value(op)
        if edits.path(op) or not isinstance(value, dict):
            return op
        kept = {k: v for k, v in value.items() if "." not in k and ":" not in k}
        return {**op, "value": kept} if kept else None


@defect(
    "string-boolean-refused",
    requirements=["entra/patch/string-boolean"],
    summary="\"True\"/\"False\" strings for a boolean are refused with 400",
    proves=[
        "users/test_patch.py::test_patch_operation_changes_the_user",
    ],
)
def string_boolean_refused(**options: Any) -> Starlette:
    """Refuses Entra's "False" for `active`, as RFC 7643 §2.3.2 wants a JSON literal."""
    return without_tolerance("string_booleans", **options)


@defect(
    "pathless-path-keys-refused",
    requirements=["entra/patch/pathless-path-keys"],
    summary="A path-less replace keyed by attribute paths is refused with 400",
    proves=[
        "provisioning/test_scenarios.py::test_scenario_leaves_the_state_the_idp_expects",
        "users/test_patch.py::test_patch_operation_changes_the_user",
    ],
    dialects=["entra-flagged"],
)
def pathless_path_keys_refused(**options: Any) -> Starlette:
    """Refuses "name.givenName" as a key of a path-less replace value (Entra's
    aadOptscim062020), as RFC 7644 §3.5.2.3 makes the value a set of attributes."""
    return without_tolerance("pathless_path_keys", **options)


@defect(
    "patch-always-204",
    requirements=["rfc7644/3.5.2/attributes-answer-200"],
    summary="PATCH answers 204 even when the request names attributes",
    proves=[
        "users/test_patch.py::test_patch_asking_for_attributes_answers_200",
    ],
)
@answers
def patch_always_204(exchange: Exchange) -> None:
    """Answers every PATCH with 204, even when the client asked for attributes."""
    if exchange.method == "PATCH" and exchange.status == 200:
        exchange.status = 204
        exchange.set_body(b"")
        exchange.set_header(b"content-type", None)


@defect(
    "filtered-replace-upserts",
    requirements=["rfc7644/3.5.2.3/replace-filter-no-match"],
    summary="replace through a filter that matches nothing appends a new value",
    proves=["users/test_patch.py::test_replace_through_a_filter_matching_nothing"],
)
class FilteredReplaceUpserts(edits.EditedPatch):
    """Runs a `replace` whose path has a value filter as an `add` (an upsert): where the filter
    matches no value, one built from its `eq` terms is appended instead of a 400 noTarget."""

    def edit(self, rtype: str, op: Any, current: Resource) -> Any:
        if edits.op_name(op) == "replace" and "[" in edits.path(op):
            return {**op, "op": "add"}
        return op


@defect(
    "required-remove-invalid-value",
    requirements=["rfc7644/3.5.2.2/remove-required-mutability"],
    summary="Removing a required attribute answers 400 invalidValue, not mutability",
    proves=["users/test_required.py::"
            "test_removing_a_required_or_read_only_attribute_answers_mutability"],
)
class RequiredRemoveInvalidValue(Pipeline):
    """Validates a patched resource as it validates a PUT body: a PATCH removing a required
    attribute (userName) is refused, but as a missing value, with scimType invalidValue."""

    def patch(self, rtype: str, rid: str, message: Any, if_match: str | None = None) -> Resource:
        try:
            return super().patch(rtype, rid, message, if_match)
        except ScimError as exc:
            removed = self.required_removed(rtype, message)
            if exc.scim_type != MUTABILITY or removed is None:
                raise
            raise bad_request(INVALID_VALUE, f"{removed} is required") from exc

    def required_removed(self, rtype: str, message: Any) -> str | None:
        """The required attribute a `remove` of `message` names, if any."""
        rt = self.resource_type(rtype)
        for op in edits.operations(message):
            path = edits.path(op)
            if edits.op_name(op) != "remove" or not path or "[" in path:
                continue
            attr = self.registry.attribute(rt, path)
            if attr is not None and attr.required:
                return attr.name
        return None


@defect(
    "patch-applied-op-by-op",
    requirements=["rfc7644/3.5.2/refused-patch-changes-nothing"],
    summary="PATCH stores each operation as it goes: a later refusal keeps the earlier ones",
    proves=["users/test_patch.py::test_refused_patch_changes_nothing"],
)
class PatchAppliedOpByOp(Pipeline):
    """Applies and stores the operations one at a time, so an operation that fails leaves the
    ones before it applied: the refusal is answered, the resource is not restored."""

    def patch(self, rtype: str, rid: str, message: Any, if_match: str | None = None) -> Resource:
        ops = edits.operations(message)
        if len(ops) < 2:
            return super().patch(rtype, rid, message, if_match)
        for op in ops:
            stored = super().patch(rtype, rid, edits.with_operations(message, [op]), if_match)
        return stored


@defect(
    "pathless-ops-ignored",
    requirements=["okta/patch/pathless-active", "entra/patch/pathless-path-keys"],
    summary="PATCH answers 200 but skips every operation without a path",
    proves=[
        "provisioning/test_scenarios.py::test_scenario_leaves_the_state_the_idp_expects",
    ],
    dialects=["entra-flagged", "okta"],
)
class PathlessOpsIgnored(edits.EditedPatch):
    """Applies only operations with a path: a bridge written from the RFC's path examples that
    never read §3.5.2.1's "if omitted, the target location is assumed to be the resource itself".
    Okta deactivates and renames groups with path-less operations, Entra with aadOptscim062020
    updates attributes with them; the other dialects always send a path."""

    def edit(self, rtype: str, op: Any, current: Resource) -> Any:
        return op if edits.path(op) else None


@defect(
    "rollback-restores-simple-attributes",
    requirements=["rfc7644/3.5.2/refused-patch-changes-nothing"],
    summary="A refused PATCH restores simple attributes but keeps complex changes",
    proves=["properties/test_patch.py::test_refused_operation_list_changes_nothing"],
)
class RollbackRestoresSimpleAttributes(Pipeline):
    """Applies the operations in place and, when one fails, restores the simple attributes
    from a shallow copy: changes an earlier operation made to a complex or multi-valued
    attribute (a name part, an added e-mail, members) stay. Only a generated operation list
    that changes one of those before a failing operation shows it."""

    def patch(self, rtype: str, rid: str, message: Any, if_match: str | None = None) -> Resource:
        try:
            return super().patch(rtype, rid, message, if_match)
        except ScimError:
            applied = self._until_failure(rtype, rid, message)
            if applied is not None:
                old = self.view(rtype, self.get(rtype, rid), None)
                kept = {k: v for k, v in applied.items() if isinstance(v, dict | list)
                        and k not in ("schemas", "meta")}
                simple = {k: v for k, v in old.items() if not isinstance(v, dict | list)}
                super().replace(rtype, rid, {"schemas": old["schemas"], **simple, **kept})
            raise

    def _until_failure(self, rtype: str, rid: str, message: Any) -> Resource | None:
        """The resource with the operations before the failing one applied."""
        current = self.view(rtype, self.get(rtype, rid), None)
        done = 0
        for op in edits.operations(message):
            try:
                current = apply_patch(current, edits.with_operations(message, [op]),
                                      self.registry, self.resource_type(rtype), self.tolerances)
            except ScimError:
                break
            done += 1
        return current if done else None


@defect(
    "patch-values-cut-to-255",
    requirements=["rfc7644/3.5.2/patch-as-computed"],
    summary="A PATCH stores string values cut to their first 255 characters",
    proves=["properties/test_patch.py::test_patch_leaves_what_the_model_computes"],
)
class PatchValuesCutTo255(edits.EditedPatch):
    """Writes PATCH values through a VARCHAR(255) column (creates and PUTs go elsewhere): a
    longer string is cut. The corpus's values are short; only a generated long value shows it."""

    def edit(self, rtype: str, op: Any, current: Resource) -> Any:
        return {**op, "value": _cut(edits.value(op))} if isinstance(op, dict) else op


def _cut(value: Any) -> Any:
    if isinstance(value, str):
        return value[:255]
    if isinstance(value, list):
        return [_cut(v) for v in value]
    if isinstance(value, dict):
        return {k: _cut(v) for k, v in value.items()}
    return value
