"""Grading the draft interop profile: a profile requirement not met fails only for a target that
claims the profile or a run that asks for it; otherwise it is a deviation, even under --strict."""

from __future__ import annotations

import json

import pytest

from scimcert.harness.claim import Standing, claims
from tests.harness.test_plugin import run, suite, write_suite  # noqa: F401 (suite: a fixture)

pytest_plugins = ["pytester"]

PROFILE_SUITE = """
import pytest
from scimcert.harness.checks import expect

@pytest.mark.requirement("interop/6.5.1.1/pathless-op-refused")
def test_pathless(scim):
    scim.get("/ServiceProviderConfig")
    expect(False, "a path-less operation is applied")
"""
INTEROP_APP = "scimcert.bridge.interop:create_app"
PROFILE = {"area": "interop", "requirements": [
    {"id": "interop/6.5.1.1/pathless-op-refused", "level": "MUST",
     "section": "draft-zollner-scim-interop-profile-01 §6.5.1.1",
     "summary": "A PATCH operation without a path answers 400 invalidSyntax"}]}


@pytest.mark.parametrize("spc, claimed", [
    (None, False), ({}, False), ({"interopProfileConformant": False}, False),
    ({"interopProfileConformant": True}, True), ({"interopProfileConformant": "true"}, True),
])
def test_any_value_but_false_claims_the_profile(spc, claimed):
    assert claims(spc) is claimed


def test_standing_grades_what_is_claimed_or_asked():
    assert [Standing(a, c).graded for a, c in [(0, 0), (1, 0), (0, 1)]] == [False, True, True]
    assert "not claimed" in Standing(False, False).note()


@pytest.mark.parametrize("args, outcome, said", [
    pytest.param((), "xfailed", "deviation (interop profile not claimed)", id="unclaimed"),
    pytest.param(("--scim-strict",), "xfailed", "deviation (interop profile not claimed)",
                 id="unclaimed-strict"),
    pytest.param(("--scim-interop",), "failed", "asked for (--interop)", id="asked"),
    pytest.param(("--scim-app", INTEROP_APP), "failed", "shows the claim false", id="claimed"),
])
def test_profile_failure_is_graded_by_the_claim(suite, args, outcome, said):  # noqa: F811
    suite.path.joinpath("requirements", "interop.json").write_text(json.dumps(PROFILE))
    write_suite(suite, PROFILE_SUITE)
    out = suite.path / "out"
    result = run(suite, "-rx", f"--scim-report={out}", *args)
    result.assert_outcomes(**{outcome: 1})
    assert said in result.stdout.str()
    doc = json.loads((out / "conformance.json").read_text())
    [req] = doc["profile"]["requirements"]
    assert req["outcome"] == ("deviation" if outcome == "xfailed" else "failed")
    assert doc["rfc"]["requirements"] and not [r for r in doc["rfc"]["requirements"]
                                               if r["id"].startswith("interop/")]
