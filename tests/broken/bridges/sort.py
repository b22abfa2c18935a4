"""Sorting defects (RFC 7644 §3.4.2.3): order, defaults, sub-attributes and missing values.

A class is the reference bridge with that part swapped, served by the factory its @defect
names after the defect id; a function is the factory itself (tests/broken/bridges/registry.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from scimcert.bridge.pipeline import Pipeline, Query
from scimcert.bridge.store import Resource
from scimcert.scim.errors import INVALID_VALUE, bad_request
from scimcert.scim.sorting import sort_resources
from tests.broken.bridges import edits
from tests.broken.bridges.registry import defect


@defect(
    "descending-ignored",
    requirements=["rfc7644/3.4.2.3/sort-by"],
    summary="sortOrder=descending is accepted but results are sorted ascending",
    proves=["sort/test_sort.py::test_sort_orders_by_the_attribute"],
)
class DescendingIgnored(Pipeline):
    """Accepts sortOrder but always sorts ascending."""

    def sort_order(self, text: str | None) -> str:
        super().sort_order(text)
        return "ascending"


@defect(
    "descending-by-default",
    requirements=["rfc7644/3.4.2.3/default-ascending"],
    summary="Without sortOrder, results sort descending",
    proves=["sort/test_sort.py::test_sort_orders_by_the_attribute"],
)
class DescendingByDefault(Pipeline):
    """Sorts descending when sortOrder is not given."""

    def sort_order(self, text: str | None) -> str:
        return "descending" if text is None else super().sort_order(text)


@defect(
    "sort-by-sub-attribute-refused",
    requirements=["rfc7644/3.4.2.3/sub-attribute"],
    summary="sortBy naming a sub-attribute is refused with 400",
    proves=["sort/test_sort.py::test_sort_orders_by_the_attribute"],
)
class SortBySubAttributeRefused(Pipeline):
    """Refuses a sortBy naming a sub-attribute (name.familyName) with 400."""

    def check_sort_by(self, rtypes: Sequence[str], sort_by: str) -> None:
        if "." in sort_by.rsplit(":", 1)[-1]:
            raise bad_request(INVALID_VALUE, "sortBy must name a top-level attribute")
        super().check_sort_by(rtypes, sort_by)


@defect(
    "ordinal-sort",
    requirements=["rfc7644/3.4.2.3/case-rule"],
    summary="Strings sort by code point, whatever their caseExact",
    proves=["sort/test_sort.py::test_sort_orders_by_the_attribute"],
)
class OrdinalSort(Pipeline):
    """Sorts strings by code point (a binary collation), whatever their caseExact."""

    def sorted(self, matched: list[tuple[str, Resource]], sort_by: str,
               order: str) -> list[tuple[str, Resource]]:
        def key(pair: tuple[str, Resource]) -> tuple[bool, str]:
            value = _sort_value(pair[1], sort_by)
            return value is None, "" if value is None else str(value)

        return sorted(matched, key=key, reverse=order == "descending")


def _sort_value(resource: Resource, sort_by: str) -> Any:
    """The value at a sortBy path (URN prefix ignored), or None."""
    value: Any = resource
    for step in sort_by.rsplit(":", 1)[-1].split("."):
        value = edits.folded(value).get(step.lower()) if isinstance(value, dict) else None
    return value


@defect(
    "missing-values-first",
    requirements=["rfc7644/3.4.2.3/missing-values"],
    summary="Resources without the sort value come first ascending",
    strict=True,
    note="missing-values is SHOULD in the catalogue: only a failure under --scim-strict.",
    proves=["sort/test_sort.py::test_missing_values_sort_last_ascending_first_descending"],
)
class MissingValuesFirst(Pipeline):
    """Sorts resources without the sortBy value first when ascending, last when descending."""

    def sorted(self, matched: list[tuple[str, Resource]], sort_by: str,
               order: str) -> list[tuple[str, Resource]]:
        ordered = super().sorted(matched, sort_by, order)
        missing = [pair for pair in ordered if _sort_value(pair[1], sort_by) is None]
        present = [pair for pair in ordered if _sort_value(pair[1], sort_by) is not None]
        return missing + present if order == "ascending" else present + missing


@defect(
    "sort-after-paging",
    requirements=["rfc7644/3.4.2.3/sort-with-paging"],
    summary="The page is cut in insertion order, then sorted",
    proves=["sort/test_sort.py::test_sorted_pages_form_the_sorted_list"],
)
class SortAfterPaging(Pipeline):
    """Takes the page in insertion order first, then sorts only that page."""

    def search(self, rtypes: Sequence[str], query: Query, base: str) -> dict[str, Any]:
        if not query.sort_by:
            return super().search(rtypes, query, base)
        answer = super().search(rtypes, dataclasses.replace(query, sort_by=None), base)
        ordered = sort_resources(answer["Resources"], self.registry,
                                 self.resource_type(rtypes[0]), query.sort_by,
                                 self.sort_order(query.sort_order))
        return {**answer, "Resources": ordered}
