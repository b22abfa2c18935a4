"""The PATCH engine against the before / PatchOp / after triples in fixtures/patch/, and the
corpus itself: what each case names is what the live users suite grades it by.

The reference bridge runs the engine with every IdP tolerance on; a case names the tolerances it
needs, and with exactly those on it gets the same answer, while with any one of them off it gets
the 400 the case names for that switch.
"""

import copy
from dataclasses import replace

import jsonschema
import pytest

from scimcert.harness import cases, catalogue
from scimcert.scim import tolerance
from scimcert.scim.errors import ScimError
from scimcert.scim.patch import apply_patch
from scimcert.scim.schema import Registry
from scimcert.scim.tolerance import Tolerances

FILES = cases.files("patch")
CASES = cases.corpus("patch")
REFERENCE = Tolerances.all()
# The requirements the PATCH operations of RFC 7644 §3.5.2.1-§3.5.2.3 and the IdP PATCH dialects
# are catalogued under: a live case names each of them.
PATCH_AREAS = ("rfc7644/3.5.2.1/", "rfc7644/3.5.2.2/", "rfc7644/3.5.2.3/", "entra/patch/",
               "okta/patch/")


@pytest.fixture(scope="module")
def registry():
    return Registry.load()


@pytest.fixture(scope="module")
def levels() -> dict[str, str]:
    """The level of every catalogue requirement by id."""
    return {r.id: r.level for r in catalogue.load()}


def _params(kind):
    return cases.params((case for case in CASES if kind in case), marked=False)


def _answer(error):
    """What the core answers for an error case: its status and scimType."""
    return {"status": error["status"], "scimType": error["scimType"]}


def _live(case) -> bool:
    return case.get("live") is not False


@pytest.mark.parametrize("file", FILES, ids=[f.stem for f in FILES])
def test_patch_case_file_matches_its_schema(file):
    assert cases.violations(file) == []


def test_patch_case_ids_are_unique():
    ids = [case["id"] for case in CASES]
    assert sorted(i for i in set(ids) if ids.count(i) > 1) == []


def test_patch_cases_cover_successes_and_errors():
    assert len(_params("after")) >= 50
    assert len(_params("error")) >= 20


def test_patch_case_schema_refuses_a_case_with_after_and_error():
    validator = cases.validator("data/patch-cases")
    error = {"status": 400, "scimType": "noTarget"}
    case = {**CASES[0], "after": CASES[0]["before"], "error": error}
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({"description": "x", "cases": [case]})


@pytest.mark.parametrize("change", [
    pytest.param({"source": "Entra ID default PATCH dialect (idp-behaviour §1.3)"},
                 id="source-not-a-url"),
    pytest.param({"source": "https://example.com/idp-behaviour.md"}, id="source-idp-behaviour"),
    pytest.param({"requirements": []}, id="live-without-requirement"),
    pytest.param({"live": False}, id="unit-only-without-note"),
])
def test_patch_case_schema_refuses(change):
    case = {**next(c for c in CASES if _live(c) and "note" not in c), **change}
    assert not cases.validator("data/patch-cases").is_valid({"description": "x", "cases": [case]})


@pytest.mark.parametrize("case", _params("after"))
def test_patch_yields_expected_resource(registry, case):
    before = copy.deepcopy(case["before"])
    actual = apply_patch(before, case["patch"], registry, case["resourceType"], REFERENCE)
    assert actual == case["after"], f"expected {case['after']}\nactual   {actual}"
    assert before == case["before"], "apply_patch changed its input"


@pytest.mark.parametrize("case", _params("error"))
def test_patch_fails_with_expected_error(registry, case):
    before = copy.deepcopy(case["before"])
    with pytest.raises(ScimError) as caught:
        apply_patch(before, case["patch"], registry, case["resourceType"], REFERENCE)
    expected = (case["error"]["status"], case["error"]["scimType"])
    actual = (caught.value.status, caught.value.scim_type)
    assert actual == expected, f"expected {expected}, actual {actual}: {caught.value.detail}"
    assert before == case["before"], "a failed PATCH changed its input"


def _outcome(registry, case, tolerances):
    try:
        after = apply_patch(case["before"], case["patch"], registry, case["resourceType"],
                            tolerances)
    except ScimError as exc:
        return {"status": exc.status, "scimType": exc.scim_type}
    return after


@pytest.mark.parametrize("case", cases.params(CASES, marked=False))
def test_patch_needs_no_tolerance_it_does_not_name(registry, case):
    named = replace(Tolerances.none(), **{name: True for name in case.get("tolerances", {})})
    expected = case["after"] if "after" in case else _answer(case["error"])
    assert _outcome(registry, case, named) == expected


def _without_each():
    return [pytest.param(case, name, scim_type, id=f"{case['id']}-without-{name}")
            for case in CASES for name, scim_type in case.get("tolerances", {}).items()]


@pytest.mark.parametrize(("case", "name", "scim_type"), _without_each())
def test_patch_is_refused_without_a_tolerance_it_names(registry, case, name, scim_type):
    refused = _outcome(registry, case, REFERENCE.without(name))
    assert refused == {"status": 400, "scimType": scim_type}


def test_patch_cases_name_only_existing_tolerances():
    named = {name for case in CASES for name in case.get("tolerances", {})}
    assert sorted(named - set(tolerance.names())) == []


def test_patch_cases_name_catalogue_requirements(levels):
    named = {r for case in CASES
             for r in [*case["requirements"], case.get("error", {}).get("requirement")] if r}
    assert sorted(named - set(levels)) == []


@pytest.mark.parametrize("case", cases.params(CASES, marked=False))
def test_a_case_needing_tolerances_names_what_they_serve(case, levels):
    # A live answer is graded under these: a plain RFC target refuses the case, which must fail
    # only the IdP requirements the tolerances serve, never an RFC one.
    served = {tolerance.requirement(name) for name in case.get("tolerances", {})}
    if not served:
        assert not set(case["requirements"]) & _served_anywhere()
        return
    assert set(case["requirements"]) == served - {None}
    assert all(levels[r] in ("entra", "okta") for r in case["requirements"])


def _served_anywhere() -> set[str]:
    return {tolerance.requirement(name) for name in tolerance.names()} - {None}


@pytest.mark.parametrize("case", cases.params(CASES, marked=False))
def test_a_case_whose_tolerance_serves_no_requirement_runs_against_the_core_only(case):
    unserved = [name for name in case.get("tolerances", {}) if tolerance.requirement(name) is None]
    assert not (unserved and _live(case)), f"{unserved} serve no requirement to grade it under"


def test_every_patch_requirement_is_named_by_a_live_case(levels):
    named = {r for case in CASES if _live(case)
             for r in [*case["requirements"], case.get("error", {}).get("requirement")] if r}
    wanted = {r for r in levels if r.startswith(PATCH_AREAS)}
    assert sorted(wanted - named) == []


@pytest.mark.parametrize("case", cases.params((c for c in CASES if "error" in c and _live(c)),
                                              marked=False))
def test_a_live_refusal_names_what_grades_the_refusal_and_its_error(case):
    # suites/users/test_patch.py files an accepted PATCH under the case's one requirement and
    # the status and scimType of the refusal under its error's.
    assert len(case["requirements"]) == 1
    assert "requirement" in case["error"]
