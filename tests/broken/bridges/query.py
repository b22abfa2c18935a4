"""Query defects (RFC 7644 §3.4.2-3.4.3): the lookups IdPs send, paging, attribute selection and
POST .search.

A class is the reference bridge with that part swapped, served by the factory its @defect
names after the defect id; a function is the factory itself (tests/broken/bridges/registry.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.types import Scope

from scimcert.bridge.account import Account
from scimcert.bridge.app import Parts, create_app
from scimcert.bridge.discovery import Discovery
from scimcert.bridge.pipeline import Pipeline, Query
from scimcert.bridge.store import Resource
from scimcert.scim.errors import INVALID_FILTER, INVALID_VALUE, bad_request, not_found
from scimcert.scim.filter.ast import And, Compare, Node, Not, Or
from scimcert.scim.schema import AttrPath, Registry, ResourceType
from scimcert.scim.urns import GROUP_URN, USER_URN
from tests.broken.bridges import edits
from tests.broken.bridges.asgi import Exchange, answers, requests
from tests.broken.bridges.registry import defect


@defect(
    "case-sensitive-username-filter",
    requirements=["rfc7643/4.1.1/username-eq-any-case"],
    summary="userName eq compares case-sensitively",
    proves=["query/test_lookups.py::test_username_eq_is_case_insensitive",
            "properties/test_identity.py::test_username_is_found_in_any_case"],
)
class CaseSensitiveUserNameFilter(Pipeline):
    """Compares `userName eq` case-sensitively although userName is caseExact false."""

    def evaluate(self, node: Node, view: Resource, rt: Any, lenient: bool) -> bool:
        if not super().evaluate(node, view, rt, lenient):
            return False
        return _exact(node, view, "userName")


def _exact(node: Node, view: Resource, name: str) -> bool:
    """False when a top-level `<name> eq` of `node` (or of its `and`s) differs in case."""
    if isinstance(node, And):
        return _exact(node.left, view, name) and _exact(node.right, view, name)
    if isinstance(node, Compare) and node.op == "eq" and node.path.sub is None \
            and node.path.attr.lower() == name.lower():
        return view.get(name) == node.value
    return True


@defect(
    "case-sensitive-group-name-filter",
    requirements=["rfc7643/4.2/displayname-eq-any-case"],
    summary="Group displayName eq compares case-sensitively; /Schemas says caseExact false",
    proves=["query/test_lookups.py::test_group_displayname_eq_is_case_insensitive"],
)
class CaseSensitiveGroupNameFilter(Pipeline):
    """Compares a group's `displayName eq` case-sensitively (a binary collation in the group
    table), although /Schemas declares Group displayName caseExact false."""

    def evaluate(self, node: Node, view: Resource, rt: Any, lenient: bool) -> bool:
        if not super().evaluate(node, view, rt, lenient):
            return False
        return rt.schema != GROUP_URN or _exact(node, view, "displayName")


@defect(
    "case-exact-group-names",
    requirements=["entra/query/group-displayname-any-case"],
    summary="Group displayName is declared caseExact: a lower-case lookup finds nothing",
    proves=["query/test_lookups.py::test_group_is_found_by_displayname_in_lower_case"],
)
def case_exact_group_names(**options: Any) -> Starlette:
    """Keeps group names case-sensitive, as the account does, and says so: /Schemas declares
    Group displayName caseExact true and `displayName eq` compares exactly. Consistent under
    RFC 7644 §3.4.2.2, but Entra's validator looks the group up with its name lower-cased."""
    registry = Registry.load()
    group = registry.schema(GROUP_URN)
    if group is None:
        raise LookupError("the reference registry has no Group schema")
    exact = tuple(dataclasses.replace(a, case_exact=True) if a.name == "displayName" else a
                  for a in group.attributes)
    registry.add_schema(dataclasses.replace(group, attributes=exact))
    return create_app(**options, account=Account(registry=registry))


class _NoFilterAdvertised(Discovery):
    """Advertises filter as not supported."""

    def service_provider_config(self, base: str) -> dict[str, Any]:
        config = super().service_provider_config(base)
        return {**config, "filter": {**config["filter"], "supported": False}}


class _NoFilters(Pipeline):
    """Refuses every filter with 400 invalidFilter."""

    def filters(self, rtypes: Sequence[str], text: str | None) -> tuple[Node | None, set[str]]:
        if text is not None:
            raise bad_request(INVALID_FILTER, "filtering is not supported")
        return super().filters(rtypes, text)


@defect(
    "filtering-not-built",
    requirements=["entra/query/username-eq"],
    summary="No filter is supported: userName eq answers 400 invalidFilter",
    proves=["query/test_lookups.py::test_username_eq_finds_the_user"],
)
def filtering_not_built(**options: Any) -> Starlette:
    """Never built filtering: ServiceProviderConfig says filter is not supported, which RFC 7644
    §3.4.2.2 allows, and every filter answers 400 invalidFilter, `userName eq` included, which
    Entra ID sends before every create whatever the provider advertises."""
    return create_app(**options, parts=Parts(pipeline=_NoFilters, discovery=_NoFilterAdvertised))


@defect(
    "filter-dropped-when-paged",
    requirements=["okta/query/username-eq"],
    summary="A GET with startIndex or count lists every resource, ignoring the filter",
    proves=["query/test_lookups.py::test_username_eq_finds_the_user"],
)
class FilterDroppedWhenPaged(Pipeline):
    """Serves a GET carrying startIndex or count from the paged listing, which never applies
    the filter: Okta's `userName eq` lookup (startIndex=1&count=100) lists every user."""

    def list(self, rtype: str, query: Query, base: str) -> dict[str, Any]:
        if query.start_index is not None or query.count is not None:
            query = dataclasses.replace(query, filter=None)
        return super().list(rtype, query, base)


# The attribute each resource type can be looked up by; nothing else is filterable.
LOOKUP_KEYS = {USER_URN: "username", GROUP_URN: "displayname"}


@defect(
    "only-key-filterable",
    requirements=["entra/query/externalid-eq"],
    summary="Only userName (users) and displayName (groups) are filterable; others get 400",
    proves=["query/test_lookups.py::test_external_id_eq_finds_the_user"],
)
class OnlyKeyFilterable(Pipeline):
    """Filters users on userName and groups on displayName only, and refuses a filter on any
    other attribute with 400 invalidFilter: Entra's `externalId eq` lookup is refused."""

    def filters(self, rtypes: Sequence[str], text: str | None) -> tuple[Node | None, set[str]]:
        node, lenient = super().filters(rtypes, text)
        if node is not None:
            keys = {LOOKUP_KEYS.get(self.resource_type(rt).schema) for rt in rtypes}
            named = {path.attr.lower() for path in _paths(node)}
            others = sorted(named - keys)
            if others:
                raise bad_request(INVALID_FILTER, f"cannot filter on {', '.join(others)}")
        return node, lenient


def _paths(node: Node) -> list[AttrPath]:
    """The attribute paths `node` compares (a value path counts as its attribute)."""
    if isinstance(node, And | Or):
        return _paths(node.left) + _paths(node.right)
    if isinstance(node, Not):
        return _paths(node.inner)
    return [node.path]


@defect(
    "filter-dropped-with-excluded-attributes",
    requirements=["entra/query/group-displayname-eq"],
    summary="A GET with excludedAttributes lists every resource, ignoring the filter",
    proves=["query/test_lookups.py::test_group_is_found_by_displayname_excluding_members"],
)
class FilterDroppedWithExcludedAttributes(Pipeline):
    """Serves a GET carrying excludedAttributes from a lighter listing (no group members
    loaded) that never applies the filter: Entra's `displayName eq` group lookup with
    excludedAttributes=members lists every group."""

    def list(self, rtype: str, query: Query, base: str) -> dict[str, Any]:
        if query.excluded:
            query = dataclasses.replace(query, filter=None)
        return super().list(rtype, query, base)


@defect(
    "total-results-is-page-size",
    requirements=["rfc7644/3.4.2.4/total-results"],
    summary="totalResults states the page size, not the number of matches",
    proves=[
        "query/test_paging.py::test_total_results_counts_every_match",
        "query/test_paging.py::test_total_results_holds_past_the_last_page",
    ],
)
class TotalResultsIsPageSize(Pipeline):
    """States the size of the page as totalResults instead of the number of matches."""

    def search(self, rtypes: Sequence[str], query: Query, base: str) -> dict[str, Any]:
        answer = super().search(rtypes, query, base)
        return {**answer, "totalResults": len(answer["Resources"])}


@defect(
    "zero-based-start-index",
    requirements=["rfc7644/3.4.2.4/start-index-one-based", "okta/import/stable-paging"],
    summary="startIndex is read as a 0-based offset: startIndex=1 skips a result",
    proves=[
        "query/test_paging.py::test_pages_partition_the_result_set",
        "query/test_paging.py::test_start_index_one_is_the_first_result",
        "properties/test_query.py::test_pages_partition_the_results",
    ],
)
class ZeroBasedStartIndex(Pipeline):
    """Reads startIndex as a 0-based offset, so startIndex=1 skips the first result."""

    def search(self, rtypes: Sequence[str], query: Query, base: str) -> dict[str, Any]:
        sent = query.start_index
        if sent is None or not str(sent).strip().lstrip("-").isdigit():
            return super().search(rtypes, query, base)
        offset = max(int(sent), 0)
        answer = super().search(rtypes, dataclasses.replace(query, start_index=offset + 1), base)
        return {**answer, "startIndex": max(int(sent), 1)}


@defect(
    "count-ignored",
    requirements=["rfc7644/3.4.2.4/count-upper-bound"],
    summary="count is ignored: every match from startIndex on is returned",
    proves=["query/test_paging.py::test_count_bounds_the_page"],
)
class CountIgnored(Pipeline):
    """Ignores count: every match from startIndex on is returned."""

    def search(self, rtypes: Sequence[str], query: Query, base: str) -> dict[str, Any]:
        return super().search(rtypes, dataclasses.replace(query, count=None), base)


@defect(
    "items-per-page-is-count",
    requirements=["rfc7644/3.4.2/paging-fields"],
    summary="itemsPerPage states the count asked for, even on a shorter page",
    proves=["query/test_paging.py::test_partial_page_states_start_index_and_items_per_page"],
)
class ItemsPerPageIsCount(Pipeline):
    """States the count asked for as itemsPerPage, even on a page holding fewer resources."""

    def search(self, rtypes: Sequence[str], query: Query, base: str) -> dict[str, Any]:
        answer = super().search(rtypes, query, base)
        asked = str(query.count).strip() if query.count is not None else ""
        if not asked.isdigit():
            return answer
        return {**answer, "itemsPerPage": int(asked)}


@defect(
    "no-match-answers-404",
    requirements=["rfc7644/3.4.2/no-match-200", "entra/test-connection/random-guid"],
    summary="A filter that matches nothing answers 404 instead of an empty list",
    proves=[
        "query/test_entra.py::test_random_guid_filter_answers_empty_list_response",
        "query/test_filter.py::test_filter_without_match_answers_empty_list",
        "provisioning/test_sync.py::test_connection_succeeds_with_the_right_token",
    ],
)
class NoMatchAnswers404(Pipeline):
    """Answers 404 for a filter that matches nothing instead of an empty ListResponse."""

    def search(self, rtypes: Sequence[str], query: Query, base: str) -> dict[str, Any]:
        answer = super().search(rtypes, query, base)
        if query.filter and answer["totalResults"] == 0:
            raise not_found("no resource matches the filter")
        return answer


@defect(
    "schemas-dropped-on-selection",
    requirements=["rfc7643/3/schemas-always"],
    summary="schemas is left out when attributes or excludedAttributes is given",
    proves=["query/test_attributes.py::test_schemas_are_returned_whatever_is_asked"],
)
class SchemasDroppedOnSelection(Pipeline):
    """Leaves `schemas` out whenever attributes or excludedAttributes is given."""

    def project(self, rtype: str, view: Resource, attributes: Sequence[str] | None,
                excluded: Sequence[str] | None) -> dict[str, Any]:
        out = super().project(rtype, view, attributes, excluded)
        if attributes or excluded:
            out.pop("schemas", None)
        return out


@defect(
    "id-excludable",
    requirements=["rfc7643/7/returned-always"],
    summary="excludedAttributes=id removes id",
    proves=["query/test_attributes.py::test_id_is_returned_whatever_is_asked"],
)
class IdExcludable(Pipeline):
    """Honours excludedAttributes=id although id is returned=always."""

    def project(self, rtype: str, view: Resource, attributes: Sequence[str] | None,
                excluded: Sequence[str] | None) -> dict[str, Any]:
        out = super().project(rtype, view, attributes, excluded)
        if any(name.strip().lower() == "id" for name in excluded or ()):
            out.pop("id", None)
        return out


@defect(
    "external-id-case-insensitive",
    requirements=["rfc7643/3.1/external-id-case-exact", "rfc7644/3.4.2.2/case-exact"],
    summary="externalId is compared without regard to case",
    proves=[
        "query/test_filter.py::test_filter_returns_exactly_the_matching_users",
        "query/test_lookups.py::test_external_id_eq_is_case_exact",
    ],
)
class ExternalIdCaseInsensitive(Pipeline):
    """Compares externalId without regard to case although it is caseExact."""

    def evaluate(self, node: Node, view: Resource, rt: Any, lenient: bool) -> bool:
        folded = edits.map_leaves(node, _fold_external_id)
        if isinstance(view.get("externalId"), str):
            view = {**view, "externalId": view["externalId"].casefold()}
        return super().evaluate(folded, view, rt, lenient)

    def indexed_ids(self, table: Any, rt: ResourceType, node: Node | None) -> list[str] | None:
        # The index is case-exact, so this bridge scans instead.
        return None


def _fold_external_id(node: Node) -> Node:
    if isinstance(node, Compare) and node.path.attr.lower() == "externalid" \
            and isinstance(node.value, str):
        return Compare(node.path, node.op, node.value.casefold())
    return node


@defect(
    "count-zero-is-default",
    requirements=["rfc7644/3.4.2.4/count-zero"],
    summary="count=0 returns a default-sized page",
    proves=["query/test_paging.py::test_count_zero_returns_only_the_total"],
)
class CountZeroIsDefault(Pipeline):
    """Reads count=0 as "not given" and returns a default-sized page."""

    def search(self, rtypes: Sequence[str], query: Query, base: str) -> dict[str, Any]:
        if str(query.count).strip() == "0":
            query = dataclasses.replace(query, count=None)
        return super().search(rtypes, query, base)


@defect(
    "negative-count-unlimited",
    requirements=["rfc7644/3.4.2.4/count-negative"],
    summary="A negative count means no limit",
    proves=["query/test_paging.py::test_negative_count_reads_as_zero"],
)
class NegativeCountUnlimited(Pipeline):
    """Reads a negative count as "no limit"."""

    def search(self, rtypes: Sequence[str], query: Query, base: str) -> dict[str, Any]:
        if str(query.count).strip().startswith("-"):
            query = dataclasses.replace(query, count=None)
        return super().search(rtypes, query, base)


@defect(
    "start-index-below-one-refused",
    requirements=["rfc7644/3.4.2.4/start-index-below-one"],
    summary="A startIndex below 1 is refused with 400",
    proves=["query/test_paging.py::test_start_index_below_one_reads_as_one"],
)
class StartIndexBelowOneRefused(Pipeline):
    """Refuses a startIndex below 1 with 400 instead of reading it as 1."""

    def search(self, rtypes: Sequence[str], query: Query, base: str) -> dict[str, Any]:
        sent = str(query.start_index).strip()
        if query.start_index is not None and sent.lstrip("-").isdigit() and int(sent) < 1:
            raise bad_request(INVALID_VALUE, "startIndex must be 1 or more")
        return super().search(rtypes, query, base)


@defect(
    "attributes-add-to-defaults",
    requirements=["rfc7644/3.4.2.5/attributes-override"],
    summary="attributes adds to the default attributes instead of replacing them",
    proves=["query/test_attributes.py::test_attributes_returns_only_the_named_ones"],
)
class AttributesAddToDefaults(Pipeline):
    """Reads `attributes` as extra attributes: every default attribute is still returned."""

    def project(self, rtype: str, view: Resource, attributes: Sequence[str] | None,
                excluded: Sequence[str] | None) -> dict[str, Any]:
        return super().project(rtype, view, None, excluded)


@defect(
    "attributes-top-level-only",
    requirements=["rfc7644/3.4.2.5/attributes-sub-attribute"],
    summary="attributes=name.familyName returns the whole name",
    proves=["query/test_attributes.py::test_attributes_selects_a_sub_attribute_alone"],
)
class AttributesTopLevelOnly(Pipeline):
    """Cuts `attributes` to top-level names: name.familyName returns the whole name."""

    def project(self, rtype: str, view: Resource, attributes: Sequence[str] | None,
                excluded: Sequence[str] | None) -> dict[str, Any]:
        tops = None
        if attributes:
            paths = [AttrPath.parse(a.strip()) for a in attributes]
            tops = [str(AttrPath(p.attr, None, p.urn)) for p in paths]
        return super().project(rtype, view, tops, excluded)


@defect(
    "search-ignores-attributes",
    requirements=["rfc7644/3.4.3/search-same-as-get"],
    summary="POST .search ignores attributes; GET honours it",
    proves=["query/test_search.py::test_search_post_honours_attributes"],
)
class SearchIgnoresAttributes(Pipeline):
    """Ignores `attributes` in a POST .search SearchRequest (GET honours it)."""

    def list(self, rtype: str, query: Query, base: str) -> dict[str, Any]:
        return Pipeline.search(self, [rtype], query, base)

    def search(self, rtypes: Sequence[str], query: Query, base: str) -> dict[str, Any]:
        return super().search(rtypes, dataclasses.replace(query, attributes=None), base)


@defect(
    "search-ignores-paging",
    requirements=["rfc7644/3.4.3/search-same-as-get"],
    summary="POST .search ignores startIndex and count; GET honours them",
    proves=["query/test_search.py::test_search_post_honours_paging"],
)
class SearchIgnoresPaging(Pipeline):
    """Answers a POST .search SearchRequest with every match from the first on, ignoring its
    startIndex and count (GET honours them)."""

    def list(self, rtype: str, query: Query, base: str) -> dict[str, Any]:
        return Pipeline.search(self, [rtype], query, base)

    def search(self, rtypes: Sequence[str], query: Query, base: str) -> dict[str, Any]:
        return super().search(rtypes, dataclasses.replace(query, start_index=None, count=None),
                              base)


@defect(
    "search-ignores-filter",
    requirements=["rfc7644/3.4.3/search-same-as-get"],
    summary="POST .search ignores the SearchRequest's filter; GET honours it",
    proves=["query/test_search.py::test_search_post_matches_the_get_query"],
)
class SearchIgnoresFilter(Pipeline):
    """Serves POST .search but never applies the SearchRequest's filter: every resource is
    listed (GET applies its filter)."""

    def list(self, rtype: str, query: Query, base: str) -> dict[str, Any]:
        return Pipeline.search(self, [rtype], query, base)

    def search(self, rtypes: Sequence[str], query: Query, base: str) -> dict[str, Any]:
        return super().search(rtypes, dataclasses.replace(query, filter=None), base)


@defect(
    "search-answers-201",
    requirements=["rfc7644/3.4.3/search-post"],
    summary="POST .search answers 201 Created, as every other POST does",
    strict=True,
    note=("Runs with --scim-strict: search-post is a MAY (RFC 7644 §3.4.3), so a wrong answer "
          "to POST .search is a deviation unless strict. A bridge ignoring the SearchRequest's "
          "filter passes it when the target holds only the data set the scope selects."),
    proves=["query/test_search.py::test_search_post_answers_a_list_response"],
)
@answers
def search_answers_201(exchange: Exchange) -> None:
    """Answers a successful POST .search with 201 Created, the status its web framework gives
    every POST handler by default, instead of 200 with the ListResponse (RFC 7644 §3.4.2)."""
    if exchange.method == "POST" and exchange.path.endswith("/.search") \
            and exchange.status == 200:
        exchange.status = 201


@defect(
    "excluded-attributes-ignored-on-read",
    requirements=["rfc7644/3.4.2.5/excluded-attributes"],
    summary="excludedAttributes is ignored on a single resource; lists honour it",
    proves=[
        "query/test_attributes.py::test_excluded_attributes_removes_the_named_ones",
        "groups/test_exclude.py::test_get_group_excluding_members_omits_members",
    ],
)
class ExcludedAttributesIgnoredOnRead(Pipeline):
    """Honours excludedAttributes in a list, but renders a single resource (a read by id, or
    the answer to a write) with every default attribute."""

    def render(self, rtype: str, resource: Resource, base: str,
               attributes: Sequence[str] | None = None,
               excluded: Sequence[str] | None = None) -> dict[str, Any]:
        return super().render(rtype, resource, base, attributes, None)


@defect(
    "plus-kept-in-query",
    requirements=["entra/query/plus-encoded-filter"],
    summary="+ in the query string is read as a literal +, not a space",
    proves=["query/test_entra.py::test_plus_encoded_filter_finds_user"],
)
@requests
def plus_kept_in_query(scope: Scope, tokens: Sequence[str]) -> Scope:
    """Decodes + in the query string as a literal +, not a space."""
    return {**scope, "query_string": scope.get("query_string", b"").replace(b"+", b"%2B")}
