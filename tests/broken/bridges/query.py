"""Query defects (RFC 7644 §3.4.2-3.4.3): paging, attribute selection and POST .search.

A class is the reference bridge with that part swapped, served by the factory its @defect
names after the defect id; a function is the factory itself (tests/broken/bridges/registry.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from starlette.types import Scope

from scimcert.bridge.pipeline import Pipeline, Query
from scimcert.bridge.store import Resource
from scimcert.scim.errors import INVALID_VALUE, bad_request, not_found
from scimcert.scim.filter.ast import And, Compare, Node
from scimcert.scim.schema import AttrPath, ResourceType
from tests.broken.bridges import edits
from tests.broken.bridges.asgi import refuses, requests
from tests.broken.bridges.registry import defect


@defect(
    "case-sensitive-username-filter",
    requirements=["rfc7643/4.1.1/username-eq-any-case"],
    summary="userName eq compares case-sensitively",
)
class CaseSensitiveUserNameFilter(Pipeline):
    """Compares `userName eq` case-sensitively although userName is caseExact false."""

    def evaluate(self, node: Node, view: Resource, rt: Any, lenient: bool) -> bool:
        if not super().evaluate(node, view, rt, lenient):
            return False
        return _exact_user_names(node, view)


def _exact_user_names(node: Node, view: Resource) -> bool:
    """False when a top-level `userName eq` of `node` (or of its `and`s) differs in case."""
    if isinstance(node, And):
        return _exact_user_names(node.left, view) and _exact_user_names(node.right, view)
    if isinstance(node, Compare) and node.op == "eq" and node.path.sub is None \
            and node.path.attr.lower() == "username":
        return view.get("userName") == node.value
    return True


@defect(
    "total-results-is-page-size",
    requirements=["rfc7644/3.4.2.4/total-results"],
    summary="totalResults states the page size, not the number of matches",
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
)
class CountIgnored(Pipeline):
    """Ignores count: every match from startIndex on is returned."""

    def search(self, rtypes: Sequence[str], query: Query, base: str) -> dict[str, Any]:
        return super().search(rtypes, dataclasses.replace(query, count=None), base)


@defect(
    "items-per-page-is-count",
    requirements=["rfc7644/3.4.2/paging-fields"],
    summary="itemsPerPage states the count asked for, even on a shorter page",
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
    strict=True,
    note="search-same-as-get is SHOULD in the catalogue: only a failure under --scim-strict.",
)
class SearchIgnoresAttributes(Pipeline):
    """Ignores `attributes` in a POST .search SearchRequest (GET honours it)."""

    def list(self, rtype: str, query: Query, base: str) -> dict[str, Any]:
        return Pipeline.search(self, [rtype], query, base)

    def search(self, rtypes: Sequence[str], query: Query, base: str) -> dict[str, Any]:
        return super().search(rtypes, dataclasses.replace(query, attributes=None), base)


@defect(
    "plus-kept-in-query",
    requirements=["entra/query/plus-encoded-filter"],
    summary="+ in the query string is read as a literal +, not a space",
)
@requests
def plus_kept_in_query(scope: Scope, tokens: Sequence[str]) -> Scope:
    """Decodes + in the query string as a literal +, not a space."""
    return {**scope, "query_string": scope.get("query_string", b"").replace(b"+", b"%2B")}


@defect(
    "search-post-unimplemented",
    requirements=["rfc7644/3.4.3/search-post"],
    summary="POST .search answers 501",
    strict=True,
    note="search-post is SHOULD in the catalogue: only a failure under --scim-strict.",
)
@refuses(501, "POST .search is not implemented")
def search_post_unimplemented(scope: Scope) -> bool:
    """Answers POST .search with 501."""
    return scope['method'] == 'POST' and scope['path'].endswith('/.search')
