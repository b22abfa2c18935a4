"""Filter defects (RFC 7644 §3.4.2.2): operators, precedence, value paths, case and types.

A class is the reference bridge with that part swapped, served by the factory its @defect
names after the defect id; a function is the factory itself (tests/broken/bridges/registry.py).
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

from starlette.applications import Starlette

from scimcert.bridge.pipeline import Pipeline
from scimcert.bridge.store import Resource
from scimcert.scim.errors import INVALID_FILTER, INVALID_VALUE, ScimError, bad_request
from scimcert.scim.filter import parse, to_string
from scimcert.scim.filter.ast import And, Compare, Node, Not, Or, Present, ValuePath
from scimcert.scim.schema import AttrPath, ResourceType
from scimcert.scim.urns import USER_URN
from tests.broken.bridges import edits
from tests.broken.bridges.registry import defect, without_tolerance


@defect(
    "and-evaluated-as-or",
    requirements=["rfc7644/3.4.2.2/logical-operators"],
    summary="The filter operator and is evaluated as or",
    proves=["query/test_filter.py::test_filter_returns_exactly_the_matching_users"],
)
class AndEvaluatedAsOr(Pipeline):
    """Evaluates `and` like `or`."""

    def filters(self, rtypes: Sequence[str], text: str | None) -> tuple[Node | None, set[str]]:
        node, lenient = super().filters(rtypes, text)
        return (_and_as_or(node) if node is not None else None), lenient


def _and_as_or(node: Node) -> Node:
    if isinstance(node, And | Or):
        return Or(_and_as_or(node.left), _and_as_or(node.right))
    if isinstance(node, Not):
        return Not(_and_as_or(node.inner))
    if isinstance(node, ValuePath):
        return ValuePath(node.path, _and_as_or(node.filter))
    return node


@defect(
    "starts-with-as-contains",
    requirements=["rfc7644/3.4.2.2/attribute-operators"],
    summary="sw is evaluated like co",
    proves=["query/test_filter.py::test_filter_returns_exactly_the_matching_users"],
)
class StartsWithAsContains(edits.RewrittenFilter):
    """Evaluates `sw` like `co` (a LIKE '%x%' query)."""

    def leaf(self, node: Node, rt: ResourceType) -> Node:
        if isinstance(node, Compare) and node.op == "sw":
            return Compare(node.path, "co", node.value)
        return node


@defect(
    "boolean-ordering",
    requirements=["rfc7644/3.4.2.2/boolean-ordering"],
    summary="gt/ge/lt/le on booleans order false before true instead of 400",
    proves=["query/test_filter.py::test_unsupported_comparison_answers_invalid_filter"],
)
class BooleanOrdering(edits.RewrittenFilter):
    """Orders booleans false < true instead of refusing gt/ge/lt/le on them."""

    def leaf(self, node: Node, rt: ResourceType) -> Node:
        if not (isinstance(node, Compare) and isinstance(node.value, bool)
                and node.op in ("gt", "ge", "lt", "le")):
            return node
        above = node.op in ("gt", "ge")
        if node.op in ("ge", "le") and node.value is (not above):
            return Present(node.path)
        if node.op in ("gt", "lt") and node.value is above:
            return edits.never(node.path)
        return Compare(node.path, "eq", above)


@defect(
    "contains-operators-invalid-value",
    requirements=["rfc7644/3.4.2.2/unsupported-operator"],
    summary="co, sw and ew are refused with 400 invalidValue, not invalidFilter",
    strict=True,
    note="unsupported-operator is SHOULD in the catalogue: only a failure under --scim-strict.",
    proves=["query/test_operators.py::test_operator_is_answered_or_refused_with_invalid_filter"],
)
class ContainsOperatorsInvalidValue(Pipeline):
    """Looks resources up by exact keys only: refuses co, sw and ew, which its store cannot
    answer, with 400 but scimType invalidValue instead of invalidFilter (RFC 7644 §3.12)."""

    def filters(self, rtypes: Sequence[str], text: str | None) -> tuple[Node | None, set[str]]:
        node, lenient = super().filters(rtypes, text)
        found = sorted({op for op in _operators(node) if op in ("co", "sw", "ew")})
        if found:
            raise bad_request(INVALID_VALUE, f"operator {found[0]} is not supported")
        return node, lenient


def _operators(node: Node | None) -> list[str]:
    """The comparison operators of `node`, value filters included."""
    if isinstance(node, And | Or):
        return _operators(node.left) + _operators(node.right)
    if isinstance(node, Not):
        return _operators(node.inner)
    if isinstance(node, ValuePath):
        return _operators(node.filter)
    return [node.op] if isinstance(node, Compare) else []


@defect(
    "case-sensitive-attribute-names",
    requirements=["rfc7644/3.4.2.2/case-insensitive-names"],
    summary="Filter attribute names must be in their schema's case",
    proves=["query/test_filter.py::test_filter_returns_exactly_the_matching_users"],
)
class CaseSensitiveAttributeNames(edits.RewrittenFilter):
    """Refuses attribute names in a filter unless written in their schema's case."""

    def leaf(self, node: Node, rt: ResourceType) -> Node:
        path = getattr(node, "path", None)
        attr = self.registry.attribute(rt, path) if path is not None else None
        parent = self.registry.attribute(rt, AttrPath(path.attr, None, path.urn)) \
            if attr is not None else None
        urns = set(rt.schema_urns) | {None}
        if attr is not None and (parent.name != path.attr or path.urn not in urns
                                 or (path.sub is not None and attr.name != path.sub)):
            raise bad_request(INVALID_FILTER, f"unknown attribute {path}")
        return node


@defect(
    "complex-without-sub-attribute",
    requirements=[
        "rfc7644/3.4.2.2/complex-sub-attribute",
        "rfc7644/3.4.2.2/complex-value-shorthand",
    ],
    summary="A filter on a complex attribute itself matches nothing",
    strict=True,
    note=("Runs with --scim-strict: complex-value-shorthand (comparing a multi-valued complex "
          "attribute through its value, RFC 7644 §3.4.2.2 Figure 2) is a MAY."),
    proves=["query/test_filter.py::test_filter_returns_exactly_the_matching_users"],
)
class ComplexWithoutSubAttributeMatchesNothing(edits.RewrittenFilter):
    """Compares only simple attributes: a filter on a complex attribute itself matches nothing."""

    def leaf(self, node: Node, rt: ResourceType) -> Node:
        path = getattr(node, "path", None)
        attr = self.registry.attribute(rt, path) \
            if isinstance(node, Compare | Present) else None
        if attr is not None and attr.type == "complex" and path.sub is None:
            return edits.never(path)
        return node


@defect(
    "urn-qualified-matches-nothing",
    requirements=["rfc7644/3.4.2.2/urn-qualified"],
    summary="A URN-qualified filter attribute matches nothing",
    proves=["query/test_filter.py::test_filter_returns_exactly_the_matching_users"],
)
class UrnQualifiedMatchesNothing(edits.RewrittenFilter):
    """Looks a URN-qualified filter attribute up by its full text, so it never matches."""

    def leaf(self, node: Node, rt: ResourceType) -> Node:
        path = getattr(node, "path", None)
        if isinstance(node, Compare | Present) and path.urn:
            return edits.never(path)
        return node


@defect(
    "value-path-flattened",
    requirements=["rfc7644/3.4.2.2/value-path"],
    summary="A value filter's comparisons may match different values",
    strict=True,
    note="value-path is MAY in the catalogue: only a failure under --scim-strict.",
    proves=["query/test_filter.py::test_filter_returns_exactly_the_matching_users"],
)
class ValuePathFlattened(edits.RewrittenFilter):
    """Evaluates emails[type eq "home" and primary eq true] across different emails."""

    def leaf(self, node: Node, rt: ResourceType) -> Node:
        if isinstance(node, ValuePath):
            outer = node.path
            return edits.map_leaves(node.filter, lambda inner: type(inner)(
                AttrPath(outer.attr, inner.path.attr, outer.urn), *_rest(inner)))
        return node


def _rest(node: Node) -> tuple[Any, ...]:
    return (node.op, node.value) if isinstance(node, Compare) else ()


@defect(
    "first-value-only",
    requirements=["rfc7644/3.4.2.2/multi-valued-any"],
    summary="Only the first value of a multi-valued attribute is compared",
    proves=["query/test_filter.py::test_filter_returns_exactly_the_matching_users"],
)
class FirstValueOnly(Pipeline):
    """Compares a multi-valued attribute's first value only."""

    def evaluate(self, node: Node, view: Resource, rt: Any, lenient: bool) -> bool:
        first = {k: v[:1] if isinstance(v, list) and v and isinstance(v[0], dict) else v
                 for k, v in view.items()}
        return super().evaluate(node, first, rt, lenient)


@defect(
    "no-precedence",
    requirements=["rfc7644/3.4.2.2/precedence"],
    summary="and and or are evaluated left to right",
    proves=["query/test_filter.py::test_filter_returns_exactly_the_matching_users"],
)
class NoPrecedence(Pipeline):
    """Evaluates `and` and `or` left to right, without `and` binding tighter."""

    def filters(self, rtypes: Sequence[str], text: str | None) -> tuple[Node | None, set[str]]:
        node, lenient = super().filters(rtypes, text)
        return (_left_to_right(node) if node is not None else None), lenient


def _left_to_right(node: Node) -> Node:
    if isinstance(node, Or) and isinstance(node.right, And):
        inner = node.right
        return And(_left_to_right(Or(node.left, inner.left)), _left_to_right(inner.right))
    if isinstance(node, And | Or):
        return type(node)(_left_to_right(node.left), _left_to_right(node.right))
    if isinstance(node, Not):
        return Not(_left_to_right(node.inner))
    return node


@defect(
    "unparsable-filter-ignored",
    requirements=["rfc7644/3.4.2.2/unknown-operator"],
    summary="A filter that does not parse is ignored: every resource is listed",
    proves=["query/test_filter.py::test_unsupported_comparison_answers_invalid_filter"],
)
class UnparsableFilterIgnored(Pipeline):
    """Ignores a filter it cannot parse and lists every resource."""

    def filters(self, rtypes: Sequence[str], text: str | None) -> tuple[Node | None, set[str]]:
        try:
            return super().filters(rtypes, text)
        except ScimError as exc:
            if exc.scim_type != INVALID_FILTER:
                raise
            return None, set()


@defect(
    "filter-error-untyped",
    requirements=["rfc7644/3.4.2.2/invalid-filter"],
    summary="A malformed filter is refused with 400 but no scimType",
    strict=True,
    note="invalid-filter is SHOULD in the catalogue: only a failure under --scim-strict.",
    proves=["query/test_filter.py::test_malformed_filter_answers_invalid_filter"],
)
class FilterErrorUntyped(Pipeline):
    """Refuses a malformed filter with 400 but no scimType."""

    def filters(self, rtypes: Sequence[str], text: str | None) -> tuple[Node | None, set[str]]:
        try:
            return super().filters(rtypes, text)
        except ScimError as exc:
            raise ScimError(exc.status, exc.detail) from exc


@defect(
    "value-path-sub-attribute-refused",
    requirements=["entra/filter/value-path-sub-attribute"],
    summary="A sub-attribute after a value filter is refused with 400",
    proves=["query/test_filter.py::test_filter_returns_exactly_the_matching_users"],
)
def value_path_sub_attribute_refused(**options: Any) -> Starlette:
    """Refuses a sub-attribute after a value filter (emails[type eq "work"].value), which the
    grammar of RFC 7644 §3.4.2.2 does not have."""
    return without_tolerance("value_path_sub_attribute", **options)


@defect(
    "ordinal-string-ordering",
    requirements=["rfc7644/3.4.2.2/typed-comparison"],
    summary="gt/ge/lt/le order strings by code point, ignoring caseExact",
    proves=["query/test_filter.py::test_filter_returns_exactly_the_matching_users"],
)
class OrdinalStringOrdering(Pipeline):
    """Orders strings code point by code point in gt/ge/lt/le, ignoring caseExact: "Bob" < "al"."""

    def evaluate(self, node: Node, view: Resource, rt: Any, lenient: bool) -> bool:
        if isinstance(node, And):
            return (self.evaluate(node.left, view, rt, lenient)
                    and self.evaluate(node.right, view, rt, lenient))
        if isinstance(node, Or):
            return (self.evaluate(node.left, view, rt, lenient)
                    or self.evaluate(node.right, view, rt, lenient))
        if isinstance(node, Not):
            return not self.evaluate(node.inner, view, rt, lenient)
        if isinstance(node, Compare) and node.op in ORDERING and isinstance(node.value, str):
            value = _simple_value(view, node.path)
            if isinstance(value, str):
                return ORDERING[node.op](value, node.value)
        return super().evaluate(node, view, rt, lenient)


ORDERING = {"gt": operator.gt, "ge": operator.ge, "lt": operator.lt, "le": operator.le}


def _simple_value(view: Resource, path: AttrPath) -> Any:
    """The value at a single-valued path of `view`, names matched in any case."""
    holder: Any = view
    if path.urn and path.urn.lower() != USER_URN.lower():
        holder = _any_case(view, path.urn)
    value = _any_case(holder, path.attr)
    return _any_case(value, path.sub) if path.sub else value


def _any_case(holder: Any, name: str) -> Any:
    if not isinstance(holder, dict):
        return None
    return next((v for k, v in holder.items() if k.lower() == name.lower()), None)


@defect(
    "schemas-not-filterable",
    requirements=["rfc7644/3.4.2.2/schemas-filter"],
    summary="A filter on schemas matches nothing",
    strict=True,
    note=("Runs with --scim-strict: filtering on schemas is a MAY (RFC 7644 §3.4.2.2: clients MAY "
          "query by schema)."),
    proves=["query/test_filter.py::test_filter_returns_exactly_the_matching_users"],
)
class SchemasNotFilterable(edits.RewrittenFilter):
    """Treats `schemas` as an attribute it does not store, so filtering on it matches nothing."""

    def leaf(self, node: Node, rt: ResourceType) -> Node:
        path = getattr(node, "path", None)
        if isinstance(node, Compare | Present) and path.attr.lower() == "schemas":
            return edits.never(path)
        return node


@defect(
    "escaped-quote-kept",
    requirements=["rfc7644/3.4.2.2/attribute-operators"],
    summary="A filter string keeps the backslash of an escaped quote",
    proves=["properties/test_query.py::test_filter_selects_what_the_model_selects"],
)
class EscapedQuoteKept(Pipeline):
    """Reads `\\"` inside a filter string as a backslash and a quote, so a value holding a
    quote (`O"Brien`) never matches. Only a generated name holding one shows it."""

    def filters(self, rtypes: Sequence[str], text: str | None) -> tuple[Node | None, set[str]]:
        if text is None:
            return super().filters(rtypes, text)
        return super().filters(rtypes, to_string(_backslashed(parse(text, self.tolerances))))


def _backslashed(node: Node) -> Node:
    if isinstance(node, Compare) and isinstance(node.value, str):
        return Compare(node.path, node.op, node.value.replace('"', '\\"'))
    if isinstance(node, ValuePath):
        return ValuePath(node.path, _backslashed(node.filter))
    if isinstance(node, Not):
        return Not(_backslashed(node.inner))
    if isinstance(node, And | Or):
        return type(node)(_backslashed(node.left), _backslashed(node.right))
    return node
