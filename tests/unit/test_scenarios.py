"""The provisioning scenarios (fixtures/scenarios/) are well formed: valid against their schema,
every reference names something declared and known by the time it is used, every requirement is
in the catalogue, every intent is one of the dialect contract's; and docs/idp-test-map.md names
only scenarios and suite tests that exist."""

from __future__ import annotations

import ast
import copy
import re
from functools import cache
from typing import Any

import pytest

from scimcert import paths
from scimcert.harness import cases, catalogue
from scimcert.idp.intent import KINDS

FILES = cases.files("scenarios")
REFERENCE = re.compile(r"\{([a-z]+)(?::([a-z][a-z0-9]*))?\}")
RUN_VALUES = {"run", "domain"}
# The parts a driver reads; the prose (description, sources, notes) may show braces freely.
DATA = ("people", "groups", "given", "steps", "then")
TEST_MAP = paths.root() / "docs" / "idp-test-map.md"


def scenario_params() -> list[Any]:
    return [pytest.param(cases.load(file), id=file.stem) for file in FILES]


def strings(value: Any) -> list[str]:
    """Every string in `value`, keys too."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in (*strings(key), *strings(item))]
    if isinstance(value, list):
        return [s for item in value for s in strings(item)]
    return []


def references(value: Any) -> set[tuple[str, str | None]]:
    return {match.groups() for text in strings(value) for match in REFERENCE.finditer(text)}


@cache
def requirement_ids() -> frozenset[str]:
    return frozenset(r.id for r in catalogue.load())


def test_there_are_scenarios():
    assert {f.stem for f in FILES} >= {
        "joiner", "mover", "leaver", "leaver-delete", "rehire", "group-assign", "group-members",
        "group-rename", "link-existing", "test-connection"}


@pytest.mark.parametrize("file", FILES, ids=lambda f: f.stem)
def test_scenario_is_valid_and_named_by_its_file(file):
    assert cases.violations(file) == []
    assert cases.load(file)["id"] == file.stem


@pytest.mark.parametrize("scenario", scenario_params())
def test_every_reference_names_a_declared_person_or_group(scenario):
    declared = {"user": set(scenario["people"]), "person": set(scenario["people"]),
                "group": set(scenario["groups"])}
    unknown = {f"{{{kind}:{name}}}" if name else f"{{{kind}}}"
               for kind, name in references([scenario[part] for part in DATA])
               if not (name is None and kind in RUN_VALUES)
               and name not in declared.get(kind, set())}
    assert unknown == set()
    then, given = scenario["then"], scenario["given"]
    assert set(given["users"]) <= declared["user"]
    assert set(given["groups"]) <= declared["group"]
    assert {m for members in given["groups"].values() for m in members} <= declared["user"]
    assert set(then["users"]) <= declared["user"]
    assert set(then["groups"]) <= declared["group"]
    assert {m for g in then["groups"].values() for m in g.get("members", ())} <= declared["user"]


@pytest.mark.parametrize("scenario", scenario_params())
def test_every_id_is_known_before_it_is_used(scenario):
    known = {f"{{user:{name}}}" for name in scenario["given"]["users"]}
    known |= {f"{{group:{name}}}" for name in scenario["given"]["groups"]}
    for index, step in enumerate(scenario["steps"]):
        used = {f"{{{kind}:{name}}}" for kind, name in references(step["args"])
                if kind in ("user", "group")}
        assert used <= known, f"step {index} uses {sorted(used - known)} before it is known"
        known |= {step["binds"]} if "binds" in step else set()
    needed = {f"{{user:{name}}}" for name, state in scenario["then"]["users"].items()}
    needed |= {f"{{group:{name}}}" for name, state in scenario["then"]["groups"].items()}
    needed |= {f"{{user:{m}}}" for g in scenario["then"]["groups"].values()
               for m in g.get("members", ())}
    needed |= {f"{{{kind}:{name}}}" for kind, name in references(scenario["then"])
               if kind in ("user", "group")}
    assert needed <= known, f"the end state needs {sorted(needed - known)}"


@pytest.mark.parametrize("scenario", scenario_params())
def test_a_state_after_a_step_names_only_what_is_known_by_then(scenario):
    known = set(scenario["given"]["users"]) | set(scenario["given"]["groups"])
    for index, step in enumerate(scenario["steps"]):
        known |= {REFERENCE.fullmatch(step["binds"])[2]} if "binds" in step else set()
        after = step.get("after", {"users": {}, "groups": {}})
        named = set(after["users"]) | set(after["groups"])
        named |= {m for g in after["groups"].values() for m in g.get("members", ())}
        assert named <= known, f"step {index} reads {sorted(named - known)} before it is known"


def test_the_canary_reads_its_user_after_every_change():
    steps = cases.load("scenarios/canary.json")["steps"]
    states = [step.get("after", {}).get("users", {}).get("canary") for step in steps]
    assert [s and (s["exists"], s["active"]) for s in states[1:4]] == [
        (True, True), (True, False), (True, True)]


@pytest.mark.parametrize("scenario", scenario_params())
def test_every_requirement_is_in_the_catalogue(scenario):
    assert set(scenario["requirements"]) - requirement_ids() == set()


@pytest.mark.parametrize("scenario", scenario_params())
def test_every_intent_is_one_of_the_contract(scenario):
    assert {step["intent"] for step in scenario["steps"]} <= set(KINDS)


def test_the_schema_names_exactly_the_contract_intents():
    schema = cases.validator("data/scenario").schema
    assert tuple(schema["$defs"]["step"]["properties"]["intent"]["enum"]) == KINDS


@pytest.mark.parametrize("scenario", scenario_params())
def test_a_user_lookup_looks_for_a_declared_user_name(scenario):
    # Lookups may differ in case (userName is caseExact false, RFC 7643 §4.1.1), not in text.
    names = {person["userName"].lower() for person in scenario["people"].values()}
    looked_up = {step["args"]["userName"].lower() for step in scenario["steps"]
                 if step["intent"] == "find_user"}
    assert looked_up <= names


def violations_of(document: dict[str, Any]) -> list[str]:
    return [error.message for error in cases.validator("data/scenario").iter_errors(document)]


@pytest.mark.parametrize("change", [
    pytest.param(lambda s: s.pop("sources"), id="no-sources"),
    pytest.param(lambda s: s.update(sources=[]), id="empty-sources"),
    pytest.param(lambda s: s["sources"][0].pop("url"), id="source-without-url"),
    pytest.param(lambda s: s["sources"][0].update(url="learn.microsoft.com"), id="not-a-url"),
    pytest.param(lambda s: s.update(requirements=[]), id="no-requirement"),
    pytest.param(lambda s: s["steps"].append({"intent": "merge_users", "args": {}}),
                 id="unknown-intent"),
    pytest.param(lambda s: s["steps"][1]["args"].update(current={}), id="current-written"),
    pytest.param(lambda s: s["steps"][1].pop("binds"), id="create-binding-nothing"),
    pytest.param(lambda s: s["steps"][0].update(credentials="invalid"),
                 id="bad-token-expecting-an-answer"),
    pytest.param(lambda s: s.update(dialects={"only": ["azure"], "reason": "x",
                                              "source": "https://example.com"}),
                 id="unknown-dialect"),
    pytest.param(lambda s: s["then"]["users"]["alice"].pop("active"), id="state-without-active"),
])
def test_the_schema_refuses(change):
    scenario = copy.deepcopy(cases.load("scenarios/joiner.json"))
    assert violations_of(scenario) == []
    change(scenario)
    assert violations_of(scenario) != []


def map_entries() -> tuple[set[str], set[str]]:
    """The scenario ids and suite test functions (path::name) the test map names."""
    text = TEST_MAP.read_text(encoding="utf-8")
    scenarios = set(re.findall(r"`scenario:([a-z0-9-]+)`", text))
    tests = set(re.findall(r"`(suites/[\w/]+\.py::\w+)`", text))
    return scenarios, tests


def test_the_test_map_names_existing_scenarios_and_every_scenario():
    named, _ = map_entries()
    assert named == {f.stem for f in FILES}


def test_the_test_map_names_existing_suite_tests():
    _, named = map_entries()
    assert named
    missing = []
    for entry in sorted(named):
        path, _, name = entry.partition("::")
        file = paths.root() / path
        tree = ast.parse(file.read_text(encoding="utf-8")) if file.is_file() else None
        functions = {node.name for node in ast.walk(tree)
                     if isinstance(node, ast.FunctionDef)} if tree else set()
        if name not in functions:
            missing.append(entry)
    assert missing == []
