"""Interop profile defects (draft-zollner-scim-interop-profile-01): the reference bridge in its
interop mode (scimcert.bridge.interop), claiming the profile, with one rule of the draft broken.

Claiming it, each one's misses are failures, not the deviations an unclaimed bridge gets. Every
bridge here is a factory named after its defect id (tests/broken/bridges/registry.py); the parts
they swap in are private.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from starlette.applications import Starlette

from scimcert.bridge import interop
from scimcert.bridge.account import Account
from scimcert.bridge.app import Parts
from scimcert.bridge.discovery import Discovery
from scimcert.bridge.pipeline import Pipeline, Query
from scimcert.bridge.settings import Settings
from scimcert.bridge.store import Resource, Table
from scimcert.scim.errors import INVALID_FILTER, INVALID_VALUE, ScimError, bad_request
from scimcert.scim.filter.ast import Compare, Node
from scimcert.scim.paging import list_response
from scimcert.scim.profile import Profile
from scimcert.scim.schema import Registry, ResourceType, Schema
from scimcert.scim.urns import ENTERPRISE_URN, USER_URN
from tests.broken.bridges.asgi import Exchange, Rewrite
from tests.broken.bridges.edits import EditedPatch, op_name, path
from tests.broken.bridges.filter import AndEvaluatedAsOr
from tests.broken.bridges.registry import defect

SUITE = "interop/test_profile.py::"


def _keeping_the_profile(**options: Any) -> Starlette:
    """The interop-mode reference bridge itself: meets every profile requirement
    (tests/broken/test_broken.py runs it)."""
    return interop.create_app(**options)


def _serving(*, profile: Profile | None = None, **parts: Any) -> Any:
    """The interop-mode bridge keeping `profile` (default: all of it) with `parts` swapped."""

    def factory(**options: Any) -> Starlette:
        return interop.create_app(profile=profile, parts=Parts(**parts), **options)

    return factory


def _without(switch: str, **options: Any) -> Starlette:
    return interop.create_app(profile=Profile.interop().without(switch), **options)


# §4 --------------------------------------------------------------------------------------------


class _FlagAsString(Discovery):
    def service_provider_config(self, base: str) -> dict[str, Any]:
        return {**super().service_provider_config(base), "interopProfileConformant": "true"}


@defect("interop-flag-as-string",
        requirements=["interop/4/conformance-flag"],
        summary="ServiceProviderConfig claims the profile with the string \"true\"",
        proves=[f"{SUITE}test_service_provider_config_claims_the_profile"])
def interop_flag_as_string(**options: Any) -> Starlette:
    return _serving(discovery=_FlagAsString)(**options)


# §5.1 ------------------------------------------------------------------------------------------


class _NoResourceTypes(Discovery):
    def resource_types(self, base: str) -> dict[str, Any]:
        raise ScimError(404, "no /ResourceTypes here")


@defect("interop-resource-types-missing",
        requirements=["interop/5.1/discovery-endpoints"],
        summary="/ResourceTypes answers 404",
        proves=[f"{SUITE}test_discovery_endpoint_is_served"])
def interop_resource_types_missing(**options: Any) -> Starlette:
    return _serving(discovery=_NoResourceTypes)(**options)


class _NoEnterpriseSchema(Discovery):
    def schema_list(self, base: str) -> list[dict[str, Any]]:
        return [s for s in super().schema_list(base) if s["id"] != ENTERPRISE_URN]


@defect("interop-extension-schema-not-served",
        requirements=["interop/5.1/resource-type-schemas-served"],
        summary="/Schemas leaves out the enterprise extension User names",
        proves=[f"{SUITE}test_resource_type_schemas_are_served"])
def interop_extension_schema_not_served(**options: Any) -> Starlette:
    return _serving(discovery=_NoEnterpriseSchema)(**options)


class _LowerCaseTypeIds(Discovery):
    def resource_type_list(self, base: str) -> list[dict[str, Any]]:
        return [{**rt, "id": rt["id"].lower()} for rt in super().resource_type_list(base)]


@defect("interop-resource-type-id-lower-case",
        requirements=["interop/5.1/resource-type-id-is-name"],
        summary="ResourceType ids are lower-case names (user, group)",
        proves=[f"{SUITE}test_resource_type_id_equals_name"])
def interop_resource_type_id_lower_case(**options: Any) -> Starlette:
    return _serving(discovery=_LowerCaseTypeIds)(**options)


# §5.2 ------------------------------------------------------------------------------------------


class _FoldedIds(Pipeline):
    def get(self, rtype: str, rid: str) -> Resource:
        table = self.store.table(rtype)
        match = next((r for r in table if r["id"].lower() == rid.lower()), None)
        return match if match is not None else super().get(rtype, rid)


@defect("interop-id-case-insensitive",
        requirements=["interop/5.2/id-case-exact"],
        summary="GET finds a resource by its id in any case",
        proves=[f"{SUITE}test_id_in_other_case_names_no_resource"])
def interop_id_case_insensitive(**options: Any) -> Starlette:
    return _serving(pipeline=_FoldedIds)(**options)


def _registry(schema: str | None, name: str, **changes: Any) -> Registry:
    """The RFC registry with attribute `name` of `schema` (None: the common attributes)
    changed."""
    registry = Registry.load()
    found = registry.common if schema is None else registry.schema(schema)
    assert found is not None
    attrs = tuple(dataclasses.replace(a, **changes) if a.name == name else a
                  for a in found.attributes)
    changed = Schema(found.id, found.name, found.description, attrs)
    if schema is None:
        registry.common = changed
    else:
        registry.add_schema(changed)
    return registry


class _Unindexed(Pipeline):
    def indexed_ids(self, table: Table, rt: ResourceType, node: Node | None) -> list[str] | None:
        return None


@defect("interop-external-id-folded",
        requirements=["interop/5.2/external-id-case-exact"],
        summary="externalId eq matches in any case",
        proves=[f"{SUITE}test_external_ids_differing_in_case_are_distinct"])
def interop_external_id_folded(**options: Any) -> Starlette:
    account = Account(registry=_registry(None, "externalId", case_exact=False))
    return _serving(pipeline=_Unindexed)(account=account, **options)


@defect("interop-user-name-case-exact",
        requirements=["interop/5.2/username-case-insensitive"],
        summary="userName is caseExact: filters and uniqueness tell JSmith from jsmith",
        proves=[f"{SUITE}test_user_name_in_other_case_is_the_same_value"])
def interop_user_name_case_exact(**options: Any) -> Starlette:
    account = Account(registry=_registry(USER_URN, "userName", case_exact=True))
    return _serving()(account=account, **options)


class _CaseExactUserNameFilter(Pipeline):
    def evaluate(self, node: Node, view: Resource, rt: ResourceType, lenient: bool) -> bool:
        exact = not (isinstance(node, Compare) and node.op == "eq"
                     and node.path.attr.lower() == "username"
                     and view.get("userName") != node.value)
        return exact and super().evaluate(node, view, rt, lenient)


@defect("interop-user-name-filter-case-exact",
        requirements=["interop/5.2/filter-uniqueness-consistent",
                      "interop/5.2/username-case-insensitive"],
        summary="userName eq compares case-exactly while uniqueness ignores case",
        proves=[f"{SUITE}test_filter_and_uniqueness_share_one_case_rule",
                f"{SUITE}test_user_name_in_other_case_is_the_same_value"])
def interop_user_name_filter_case_exact(**options: Any) -> Starlette:
    return _serving(pipeline=_CaseExactUserNameFilter)(**options)


# §5.3, §5.4: a rule of the profile switched off -------------------------------------------------


@defect("interop-undeclared-attributes-ignored",
        requirements=["interop/5.3/undeclared-attribute-refused"],
        summary="Undeclared attributes and sub-attributes are ignored, not refused",
        proves=[f"{SUITE}test_create_with_undeclared_attribute_is_refused",
                f"{SUITE}test_patch_value_with_undeclared_sub_attribute_is_refused"])
def interop_undeclared_attributes_ignored(**options: Any) -> Starlette:
    return _without("undeclared_attributes_refused", **options)


@defect("interop-undeclared-schemas-accepted",
        requirements=["interop/5.3/undeclared-schema-refused"],
        summary="A create naming a schema URI User does not have is accepted",
        proves=[f"{SUITE}test_create_naming_undeclared_schema_is_refused"])
def interop_undeclared_schemas_accepted(**options: Any) -> Starlette:
    return _without("undeclared_schemas_refused", **options)


@defect("interop-free-text-types-served",
        requirements=["interop/5.4/canonical-values-declared"],
        summary="roles, entitlements and x509Certificates are served without canonicalValues",
        proves=[f"{SUITE}test_typed_multi_valued_attributes_declare_canonical_values"])
def interop_free_text_types_served(**options: Any) -> Starlette:
    return _without("typed_values_declared", **options)


# §6.1, §6.2 ------------------------------------------------------------------------------------


class _UserNameInPath(Pipeline):
    def get(self, rtype: str, rid: str) -> Resource:
        table = self.store.table(rtype)
        owner = table.owner("userName", rid) if "userName" in table.unique_attrs else None
        return super().get(rtype, owner or rid)


@defect("interop-user-at-user-name",
        requirements=["interop/6.1/resource-at-endpoint-id"],
        summary="GET /Users/{userName} answers the user",
        proves=[f"{SUITE}test_resource_lives_at_its_endpoint_and_id"])
def interop_user_at_user_name(**options: Any) -> Starlette:
    return _serving(pipeline=_UserNameInPath)(**options)


def _plain_json_errors(exchange: Exchange) -> None:
    if exchange.status >= 400:
        exchange.set_header(b"content-type", b"application/json")


@defect("interop-errors-as-plain-json",
        requirements=["interop/6.2/scim-json-both-ways"],
        summary="Error answers are labelled application/json",
        proves=[f"{SUITE}test_scim_bodies_travel_as_scim_json"])
def interop_errors_as_plain_json(*, tokens: Sequence[str] = (), **options: Any) -> Rewrite:
    return Rewrite(interop.create_app(tokens=tokens, **options), tokens,
                   on_answer=_plain_json_errors)


# §6.3 ------------------------------------------------------------------------------------------


class _AndAsOr(AndEvaluatedAsOr):
    pass


@defect("interop-and-read-as-or",
        requirements=["interop/6.3/eq-and-supported"],
        summary="The filter operator and is evaluated as or",
        proves=[f"{SUITE}test_eq_joined_by_and_finds_exactly_the_match"])
def interop_and_read_as_or(**options: Any) -> Starlette:
    return _serving(pipeline=_AndAsOr)(**options)


class _UnknownFilterMatchesNothing(Pipeline):
    def search(self, rtypes: Sequence[str], query: Query, base: str) -> dict[str, Any]:
        try:
            return super().search(rtypes, query, base)
        except ScimError as exc:
            if exc.scim_type != INVALID_FILTER:
                raise
            return list_response([])


@defect("interop-undeclared-filter-matches-nothing",
        requirements=["interop/6.3/undeclared-filter-attribute"],
        summary="A filter on an undeclared attribute answers an empty list",
        proves=[f"{SUITE}test_filter_on_undeclared_attribute_answers_invalid_filter"])
def interop_undeclared_filter_matches_nothing(**options: Any) -> Starlette:
    return _serving(pipeline=_UnknownFilterMatchesNothing)(**options)


# §6.4 ------------------------------------------------------------------------------------------


class _StartIndexIgnored(Pipeline):
    def search(self, rtypes: Sequence[str], query: Query, base: str) -> dict[str, Any]:
        return super().search(rtypes, dataclasses.replace(query, start_index=None), base)


@defect("interop-start-index-ignored",
        requirements=["interop/6.4/paging-supported"],
        summary="startIndex is ignored: every page starts at the first result",
        proves=[f"{SUITE}test_start_index_pages_through_results"])
def interop_start_index_ignored(**options: Any) -> Starlette:
    return _serving(pipeline=_StartIndexIgnored)(**options)


@defect("interop-pages-of-fifty",
        requirements=["interop/6.4/count-100-honoured"],
        summary="No page holds more than 50 results, whatever count asks",
        proves=[f"{SUITE}test_count_of_100_gets_100_results"])
def interop_pages_of_fifty(**options: Any) -> Starlette:
    return interop.create_app(max_results=50, **options)


class _DefaultPageOfTwenty(Pipeline):
    def __init__(self, account: Account, settings: Settings, **parts: Any) -> None:
        super().__init__(account, dataclasses.replace(settings, default_count=20), **parts)


@defect("interop-default-page-of-twenty",
        requirements=["interop/6.4/default-count-100"],
        summary="A list asked without count answers pages of 20",
        strict=True,
        note="default-count-100 is a SHOULD of the draft: a failure only under --scim-strict.",
        proves=[f"{SUITE}test_page_without_count_holds_100_results"])
def interop_default_page_of_twenty(**options: Any) -> Starlette:
    return _serving(pipeline=_DefaultPageOfTwenty)(**options)


class _CountAboveLimitRefused(Pipeline):
    def search(self, rtypes: Sequence[str], query: Query, base: str) -> dict[str, Any]:
        count = str(query.count if query.count is not None else "")
        if count.isdigit() and int(count) > self.settings.max_results:
            raise bad_request(INVALID_VALUE, f"count is above {self.settings.max_results}")
        return super().search(rtypes, query, base)


@defect("interop-count-above-limit-refused",
        requirements=["interop/6.4/count-above-limit"],
        summary="A count above maxResults answers 400 instead of a page",
        proves=[f"{SUITE}test_count_above_the_limit_gets_a_page"])
def interop_count_above_limit_refused(**options: Any) -> Starlette:
    return _serving(pipeline=_CountAboveLimitRefused)(**options)


# §6.5 ------------------------------------------------------------------------------------------


class _PatchNotAdvertised(Discovery):
    def service_provider_config(self, base: str) -> dict[str, Any]:
        return {**super().service_provider_config(base), "patch": {"supported": False}}


@defect("interop-patch-not-advertised",
        requirements=["interop/6.5/patch-supported"],
        summary="ServiceProviderConfig says patch is not supported",
        proves=[f"{SUITE}test_patch_is_advertised_and_applied"])
def interop_patch_not_advertised(**options: Any) -> Starlette:
    return _serving(discovery=_PatchNotAdvertised)(**options)


@defect("interop-pathless-op-applied",
        requirements=["interop/6.5.1.1/pathless-op-refused"],
        summary="A PATCH operation without a path is applied, as RFC 7644 allows",
        proves=[f"{SUITE}test_operation_without_path_is_refused"])
def interop_pathless_op_applied(**options: Any) -> Starlette:
    return _without("path_required", **options)


class _AddKeepsSimpleValue(EditedPatch):
    def edit(self, rtype: str, op: Any, current: Resource) -> Any:
        attr = self.attribute(rtype, path(op))
        simple = attr is not None and not attr.is_complex and not attr.multi_valued
        if op_name(op) == "add" and simple and attr.name in current:
            return None
        return op


@defect("interop-add-keeps-simple-value",
        requirements=["interop/6.5.2.1/simple-add-equals-replace"],
        summary="add on a singular simple attribute with a value keeps the old value",
        proves=[f"{SUITE}test_add_and_replace_set_a_simple_attribute_alike"])
def interop_add_keeps_simple_value(**options: Any) -> Starlette:
    return _serving(pipeline=_AddKeepsSimpleValue)(**options)


@defect("interop-complex-replace-merges",
        requirements=["interop/6.5.2.1/complex-replace-whole"],
        summary="replace of name keeps the sub-attributes not sent, as RFC 7644 says",
        proves=[f"{SUITE}test_replace_of_complex_attribute_drops_unsent_sub_attributes"])
def interop_complex_replace_merges(**options: Any) -> Starlette:
    return _without("complex_replace_whole", **options)


class _SwappedOp(EditedPatch):
    """Sends an `add` (or `replace`) on a whole attribute of one shape as the other op."""

    swap: tuple[str, str] = ("", "")
    multi_valued = False

    def edit(self, rtype: str, op: Any, current: Resource) -> Any:
        attr = self.attribute(rtype, path(op))
        whole = attr is not None and "." not in path(op) and attr.is_complex \
            and attr.multi_valued == self.multi_valued
        if whole and op_name(op) == self.swap[0]:
            return {**op, "op": self.swap[1]}
        return op


class _ComplexAddReplaces(_SwappedOp):
    swap = ("add", "replace")


@defect("interop-complex-add-replaces",
        requirements=["interop/6.5.2.1/complex-add-merges"],
        summary="add of name replaces it, dropping the sub-attributes not sent",
        proves=[f"{SUITE}test_add_of_complex_attribute_keeps_unsent_sub_attributes"])
def interop_complex_add_replaces(**options: Any) -> Starlette:
    return _serving(pipeline=_ComplexAddReplaces)(**options)


class _CollectionReplaceAppends(_SwappedOp):
    swap = ("replace", "add")
    multi_valued = True


@defect("interop-collection-replace-appends",
        requirements=["interop/6.5.2.2/multi-valued-replace-all"],
        summary="replace of emails appends to them instead of replacing them",
        proves=[f"{SUITE}test_replace_of_multi_valued_attribute_replaces_the_collection"])
def interop_collection_replace_appends(**options: Any) -> Starlette:
    return _serving(pipeline=_CollectionReplaceAppends)(**options)


class _CollectionAddReplaces(_SwappedOp):
    swap = ("add", "replace")
    multi_valued = True


@defect("interop-collection-add-replaces",
        requirements=["interop/6.5.2.2/multi-valued-add-appends"],
        summary="add to emails replaces them instead of appending",
        proves=[f"{SUITE}test_add_to_multi_valued_attribute_appends"])
def interop_collection_add_replaces(**options: Any) -> Starlette:
    return _serving(pipeline=_CollectionAddReplaces)(**options)


# §6.6, §6.9.1 ----------------------------------------------------------------------------------


class _DeactivationDeletes(Pipeline):
    def patch(self, rtype: str, rid: str, message: Any, if_match: str | None = None) -> Resource:
        patched = super().patch(rtype, rid, message, if_match)
        if patched.get("active") is False:
            self.delete(rtype, rid)
        return patched


@defect("interop-deactivation-deletes",
        requirements=["interop/6.6/patch-never-deletes"],
        summary="A PATCH setting active to false deletes the user",
        proves=[f"{SUITE}test_patched_user_is_kept"])
def interop_deactivation_deletes(**options: Any) -> Starlette:
    return _serving(pipeline=_DeactivationDeletes)(**options)


class _DeleteDeactivates(Pipeline):
    def delete(self, rtype: str, rid: str, if_match: str | None = None) -> None:
        if rtype != "User":
            super().delete(rtype, rid, if_match)
            return
        self.patch(rtype, rid, {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                                "Operations": [{"op": "replace", "path": "active",
                                                "value": False}]}, if_match)


@defect("interop-delete-deactivates",
        requirements=["interop/6.6/delete-not-deactivation", "interop/6.6/deleted-not-listed",
                      "interop/6.6/identifiers-reusable"],
        summary="DELETE of a user sets active to false and keeps it",
        proves=[f"{SUITE}test_deleted_user_answers_404",
                f"{SUITE}test_deleted_user_is_absent_from_queries",
                f"{SUITE}test_deleted_user_name_is_free_again"])
def interop_delete_deactivates(**options: Any) -> Starlette:
    return _serving(pipeline=_DeleteDeactivates)(**options)


class _DeletedStillRead(Pipeline):
    """Keeps what it deletes where GET by id still finds it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.gone: dict[str, Resource] = {}

    def delete(self, rtype: str, rid: str, if_match: str | None = None) -> None:
        self.gone[rid] = self.get(rtype, rid)
        super().delete(rtype, rid, if_match)

    def get(self, rtype: str, rid: str) -> Resource:
        kept = self.gone.get(rid)
        return kept if kept is not None else super().get(rtype, rid)


@defect("interop-deleted-still-read",
        requirements=["interop/6.6/deleted-not-found"],
        summary="A deleted user still answers GET, PATCH and DELETE by its id",
        proves=[f"{SUITE}test_deleted_user_answers_404"])
def interop_deleted_still_read(**options: Any) -> Starlette:
    return _serving(pipeline=_DeletedStillRead)(**options)


class _UpdateConflict400(Pipeline):
    def check_unique(self, rtype: str, resource: Resource, own_id: str | None) -> None:
        try:
            super().check_unique(rtype, resource, own_id)
        except ScimError as exc:
            if own_id is None or exc.status != 409:
                raise
            # RFC 7643 §7 allows 400 for a uniqueness conflict; the profile does not.
            raise bad_request(INVALID_VALUE, exc.detail) from None


@defect("interop-update-conflict-400",
        requirements=["interop/6.9.1/uniqueness-409"],
        summary="A PATCH to a taken userName answers 400, not 409 uniqueness",
        proves=[f"{SUITE}test_uniqueness_conflict_answers_409"])
def interop_update_conflict_400(**options: Any) -> Starlette:
    return _serving(pipeline=_UpdateConflict400)(**options)
