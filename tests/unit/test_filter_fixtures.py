"""The filter fixtures are valid against their JSON Schema and consistent with each other."""

import pytest
from jsonschema import Draft202012Validator

from scimcert.harness import cases
from scimcert.scim import tolerance
from scimcert.scim.errors import INVALID_FILTER, ScimError
from scimcert.scim.filter import parse
from scimcert.scim.filter.ast import COMPARE_OPS, And, Compare, Not, Or, Present, ValuePath
from scimcert.scim.schema import AttrPath
from scimcert.scim.tolerance import Tolerances
from scimcert.scim.urns import USER_URN

FILES = [f.name for f in cases.files("filters")]
REFERENCE = Tolerances.all()
# requirement id -> the switch that serves it (scimcert/scim/tolerance.py)
SWITCHES = {tolerance.requirement(name): name for name in tolerance.names()}


def _load(name: str) -> dict:
    return cases.load(f"filters/{name}")


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    found = cases.validator("data/filter-cases")
    Draft202012Validator.check_schema(found.schema)
    return found


@pytest.mark.parametrize("name", FILES)
def test_fixture_file_matches_its_schema(name):
    errors = cases.violations(cases.files("filters")[FILES.index(name)])
    assert errors == [], f"{name} breaks filter-cases.schema.json"


def test_schema_rejects_a_case_without_matches(validator):
    broken = {"kind": "truth-table", "description": "x", "dataset": "dataset.json",
              "cases": [{"id": "no-matches", "filter": "userName pr"}]}
    assert not validator.is_valid(broken)


def test_every_kind_has_its_file():
    assert sorted(_load(name)["kind"] for name in FILES) == sorted(
        ["canonical", "dataset", "invalid", "paths", "truth-table"]
    )


@pytest.mark.parametrize("name", FILES)
def test_case_ids_are_unique(name):
    data = _load(name)
    ids = [c["id"] for key in ("cases", "filters", "paths") for c in data.get(key, [])
           if isinstance(c, dict)]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert duplicates == []


def test_truth_table_names_only_dataset_users_in_dataset_order():
    order = list(_load("dataset.json")["users"])
    wrong = {
        c["id"]: c["matches"]
        for c in _load("cases.json")["cases"]
        if c["matches"] != [u for u in order if u in c["matches"]]
    }
    assert wrong == {}, f"matches must be dataset users in dataset order {order}"


def test_live_cases_use_only_attributes_a_bridge_stores():
    allowed = {a.lower() for a in _load("dataset.json")["liveAttributes"]}
    offenders = {}
    for case in _load("cases.json")["cases"]:
        if case.get("live", True):
            used = {p.lower() for p in _paths(parse(case["filter"], REFERENCE))} - allowed
            if used:
                offenders[case["id"]] = sorted(used)
    assert offenders == {}


def test_truth_table_covers_every_operator():
    ops = set()
    for case in _load("cases.json")["cases"]:
        ops |= _operators(parse(case["filter"], REFERENCE))
    expected = {*COMPARE_OPS, "pr", "and", "or", "not", "[]"}
    assert expected - ops == set()


@pytest.mark.parametrize("case", cases.params(_load("cases.json")["cases"], marked=False))
def test_strict_parser_refuses_only_what_a_tolerance_serves(case):
    # A truth-table case proves an IdP requirement only through the switch serving it; every
    # other case is plain RFC 7644 §3.4.2.2 and parses the same with no tolerance at all.
    switch = SWITCHES.get(case["requirement"])
    if switch is None:
        assert parse(case["filter"], Tolerances.none()) == parse(case["filter"], REFERENCE)
        return
    with pytest.raises(ScimError) as raised:
        parse(case["filter"], REFERENCE.without(switch))
    assert (raised.value.status, raised.value.scim_type) == (400, INVALID_FILTER)


def test_notes_state_facts_without_should():
    notes = [c.get("note", "") for name in FILES for key in ("cases", "filters", "paths")
             for c in _load(name).get(key, []) if isinstance(c, dict)]
    assert [n for n in notes if "should" in n.lower()] == []


def _paths(node, prefix: str = "") -> set[str]:
    if isinstance(node, And | Or):
        return _paths(node.left, prefix) | _paths(node.right, prefix)
    if isinstance(node, Not):
        return _paths(node.inner, prefix)
    if isinstance(node, ValuePath):
        return {_name(node.path)} | _paths(node.filter, f"{_name(node.path)}.")
    return {f"{prefix}{_name(node.path)}"}


def _name(path: AttrPath) -> str:
    """The path without the core schema URN, which names the same attribute (RFC 7644 §3.10)."""
    if path.urn is not None and path.urn.lower() == USER_URN.lower():
        return str(AttrPath(path.attr, path.sub))
    return str(path)


def _operators(node) -> set[str]:
    if isinstance(node, And | Or):
        own = "and" if isinstance(node, And) else "or"
        return {own} | _operators(node.left) | _operators(node.right)
    if isinstance(node, Not):
        return {"not"} | _operators(node.inner)
    if isinstance(node, ValuePath):
        return {"[]"} | _operators(node.filter)
    if isinstance(node, Present):
        return {"pr"}
    assert isinstance(node, Compare)
    return {node.op}


def test_filters_a_provider_may_evaluate_are_grammatical():
    # `evaluable` says Figure 1 allows the filter; only the empty parameter is no filter at all.
    evaluable = [c for c in _load("invalid.json")["filters"] if "evaluable" in c]
    assert evaluable
    assert [c["id"] for c in evaluable if c["stage"] != "validate" and c["filter"]] == []
    for case in evaluable:
        if case["filter"]:
            parse(case["filter"])
