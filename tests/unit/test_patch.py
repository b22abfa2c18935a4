"""The PATCH engine against the before / PatchOp / after triples in fixtures/patch/.

The reference bridge runs the engine with every IdP tolerance on; a case names the tolerances it
needs, and with exactly those on it gets the same answer, while with any one of them off it gets
the 400 the case names for that switch.
"""

import copy
import json
from dataclasses import replace

import jsonschema
import pytest

from scimcert import paths
from scimcert.scim import tolerance
from scimcert.scim.errors import ScimError
from scimcert.scim.patch import apply_patch
from scimcert.scim.schema import Registry
from scimcert.scim.tolerance import Tolerances

FILES = sorted((paths.fixtures() / "patch").glob("*.json"))
CASES = [case for file in FILES for case in json.loads(file.read_text(encoding="utf-8"))["cases"]]
REFERENCE = Tolerances.all()


@pytest.fixture(scope="module")
def registry():
    return Registry.load()


def _params(kind):
    return [pytest.param(case, id=case["id"]) for case in CASES if kind in case]


@pytest.mark.parametrize("file", FILES, ids=[f.stem for f in FILES])
def test_patch_case_file_matches_its_schema(file):
    schema = json.loads((paths.schemas() / "data" / "patch-cases.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(json.loads(file.read_text(encoding="utf-8")))


def test_patch_case_ids_are_unique():
    ids = [case["id"] for case in CASES]
    assert sorted(i for i in set(ids) if ids.count(i) > 1) == []


def test_patch_cases_cover_successes_and_errors():
    assert len(_params("after")) >= 50
    assert len(_params("error")) >= 20


def test_patch_case_schema_refuses_a_case_with_after_and_error():
    schema = json.loads((paths.schemas() / "data" / "patch-cases.schema.json").read_text())
    error = {"status": 400, "scimType": "noTarget"}
    case = {**CASES[0], "after": CASES[0]["before"], "error": error}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"description": "x", "cases": [case]}, schema)


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


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in CASES])
def test_patch_needs_no_tolerance_it_does_not_name(registry, case):
    named = replace(Tolerances.none(), **{name: True for name in case.get("tolerances", {})})
    assert _outcome(registry, case, named) == case.get("after", case.get("error"))


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
