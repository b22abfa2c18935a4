"""Queries over generated populations (RFC 7644 §3.4.2): a filter selects exactly the users the
core's evaluator selects among them as the target stored them, and pages walked with any counts
partition the results with a stable totalResults.

Each population carries a tag of its own and is reached with `userName sw "<tag>"`; a filter
the target refuses with 400 is not applicable when it refuses the same filter with plain values
too (RFC 7644 §3.12: invalidFilter covers "the specified attribute and filter comparison
combination is not supported"), and a failure when it answers that one: a JSON string in a
filter is Figure 1 syntax, whatever characters it escapes.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import strategies as st

from scimcert.harness.checks import expect, expect_list, filed
from scimcert.harness.outcome import not_applicable
from scimcert.harness.properties.strategies import Leaf, Unique, resolved
from scimcert.scim.filter import evaluate, to_string
from scimcert.scim.filter.ast import And, Compare, Node, Not, Present, ValuePath
from scimcert.scim.schema import AttrPath
from scimcert.scim.sorting import sort_resources

OPERATORS = "rfc7644/3.4.2.2/attribute-operators"
STABLE_PAGING = "okta/import/stable-paging"
TOTAL = "rfc7644/3.4.2.4/total-results"
COUNT = "rfc7644/3.4.2.4/count-upper-bound"
SORTED_PAGES = "rfc7644/3.4.2.3/sort-with-paging"
POPULATION = 5

pytestmark = [pytest.mark.writes, pytest.mark.feature("filter"), pytest.mark.properties]


def scope(tag: str) -> Node:
    return Compare(AttrPath("userName"), "sw", tag)


def scoped(lab, user_type, tag: str) -> list[dict[str, Any]]:
    """The population tagged `tag`, as the target lists it; not applicable when it refuses
    the scope filter."""
    found = lab.all_of(user_type, to_string(scope(tag)), POPULATION * 2)
    if found is None:
        not_applicable('the target refuses userName sw "...", which scopes the population')
    return found


@pytest.mark.requirement(OPERATORS)
def test_filter_selects_what_the_model_selects(runner, lab, forge, registry, user_type):
    if user_type is None:
        not_applicable("the target declares no resource type with the core User schema")

    def holds(templates: list[dict[str, Any]], lookup: Any, filters: list[Any]) -> None:
        tag = lab.tag()
        for i, template in enumerate(templates):
            lab.create(user_type, template, tag=f"{tag}{i}.")
        population = scoped(lab, user_type, tag)
        ids = {r.get("id") for r in population}
        for node in (resolved(t, population, registry, user_type) for t in [lookup, *filters]):
            text = to_string(And(node, scope(tag)))
            expected = sorted(r["id"] for r in population
                              if evaluate(node, r, registry, user_type))
            found = lab.all_of(user_type, text, POPULATION * 2)
            if found is None:
                judge_refusal(lab, user_type, node, tag, text)
                continue
            got = sorted(str(r.get("id")) for r in found)
            expect(got == expected, f"the filter {text!r} selects the users the RFC 7644 "
                   "§3.4.2.2 evaluation selects among them", expected=names(expected, population),
                   actual=names(got, population) + [i for i in got if i not in ids])

    runner.check(holds, scale=0.75, explicit=escaping(forge, user_type),
                 templates=st.lists(forge.body(user_type), min_size=2, max_size=4),
                 lookup=forge.lookups(user_type),
                 filters=st.lists(forge.filters(user_type), max_size=2))


def escaping(forge, user_type) -> list[dict[str, Any]]:
    """The example every profile tries first: users whose lookup attributes hold a quote and a
    backslash, found by `eq` (RFC 7644 §3.4.2.2: a filter's string is a JSON string, so a
    quote travels escaped). Whether the search draws such a value depends on the constants
    hypothesis picks from the modules a run has loaded, so it is asked for here. Only where the
    lookup attributes are core ones (a template names them by plain name)."""
    paths = forge.lookup_paths(user_type)
    if not paths or any(":" in path for path, _ in paths):
        return []
    templates = [{"schemas": [user_type.schema],
                  **{path: Unique(f'{text}{n}') for n, (path, _) in enumerate(paths)}}
                 for text in ('quote"d', 'back\\slash"')]
    eq = 1  # Leaf's operators for a string: pr, eq, co, sw, ew, ne
    return [{"templates": templates, "lookup": Leaf(paths, 0, eq, 0, 0, 0, 0, False),
             "filters": []}]


def judge_refusal(lab, user_type, node: Node, tag: str, text: str) -> None:
    """A refused filter fails when the same filter with plain string values is answered."""
    plain = to_string(And(plainly(node), scope(tag)))
    if lab.all_of(user_type, plain, POPULATION * 2) is None:
        return
    expect(False, f"the target refuses {text!r} but answers the same filter with plain values",
           expected="200 with the matching users", actual=f"400 (answered {plain!r})")


def plainly(node: Node) -> Node:
    """`node` with every string it compares replaced by plain letters."""
    if isinstance(node, Compare):
        return Compare(node.path, node.op, "x" if isinstance(node.value, str) else node.value)
    if isinstance(node, Present):
        return node
    if isinstance(node, ValuePath):
        return ValuePath(node.path, plainly(node.filter))
    if isinstance(node, Not):
        return Not(plainly(node.inner))
    return type(node)(plainly(node.left), plainly(node.right))  # type: ignore[union-attr]


def names(ids: list[str], population: list[dict[str, Any]]) -> list[str]:
    """The userNames of `ids` (their ids where the population has none)."""
    by_id = {r.get("id"): r.get("userName", r.get("id")) for r in population}
    return [str(by_id[i]) for i in ids if i in by_id]


@pytest.mark.requirement(STABLE_PAGING, TOTAL, COUNT, SORTED_PAGES)
def test_pages_partition_the_results(runner, lab, registry, user_type, supports):
    if user_type is None:
        not_applicable("the target declares no resource type with the core User schema")
    tag = lab.tag()
    for i in range(POPULATION):
        lab.make.user(userName=f"{tag}{i}@{lab.make.email_domain}")
    everyone = sorted(r["id"] for r in scoped(lab, user_type, tag))
    orders = [None, ("userName", "ascending"), ("userName", "descending")] \
        if supports("sort") else [None]
    text = to_string(scope(tag))

    def holds(counts: list[int], order: tuple[str, str] | None) -> None:
        params: dict[str, Any] = {"filter": text}
        if order is not None:
            params.update(sortBy=order[0], sortOrder=order[1])
        seen: list[dict[str, Any]] = []
        totals = []
        start = 1
        for step in range(POPULATION + 2):
            count = counts[step % len(counts)]
            body = expect_list(lab.listed(user_type, {**params, "startIndex": start,
                                                      "count": count}))
            page = body.get("Resources") or []
            totals.append(body.get("totalResults"))
            with filed(COUNT):
                expect(len(page) <= count, f"a page asked to hold {count} holds no more",
                       expected=f"<= {count}", actual=len(page))
            if not page:
                break
            seen += page
            start += len(page)
        with filed(TOTAL):
            expect(set(totals) == {len(everyone)}, "totalResults counts every match on every "
                   "page", expected=len(everyone), actual=totals)
        walked = [str(r.get("id")) for r in seen]
        with filed(STABLE_PAGING):
            expect(sorted(walked) == everyone, f"pages of {counts} from startIndex 1 cover "
                   "every result once", expected=everyone, actual=walked)
        if order is not None:
            wanted = [str(r.get("id")) for r in sort_resources(seen, registry, user_type,
                                                                order[0], order[1])]
            with filed(SORTED_PAGES):
                expect(walked == wanted, f"pages sorted by {order[0]} {order[1]} form the "
                       "sorted list", expected=wanted, actual=walked)

    runner.check(holds, counts=st.lists(st.integers(1, POPULATION + 1), min_size=1,
                                        max_size=POPULATION),
                 order=st.sampled_from(orders))
