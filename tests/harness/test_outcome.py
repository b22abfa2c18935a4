"""Grades: a requirement is met only when every applicable test met it; a test's verdict says
which requirement a failure is filed under and what it blocked."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from scimcert.harness.catalogue import Catalogue, Requirement
from scimcert.harness.outcome import Grade, Verdict, combine
from scimcert.harness.results import SERVER_ERROR, Results


@pytest.mark.parametrize(("grades", "expected"), [
    pytest.param([Grade.MET, Grade.NOT_APPLICABLE], Grade.MET, id="met-and-na"),
    pytest.param([Grade.MET, Grade.DEVIATION], Grade.DEVIATION, id="deviation"),
    pytest.param([Grade.DEVIATION, Grade.FAILED], Grade.FAILED, id="failed"),
    pytest.param([Grade.MET, Grade.SKIPPED], Grade.SKIPPED, id="met-and-skipped-is-not-met"),
    pytest.param([Grade.MET, Grade.BLOCKED], Grade.BLOCKED, id="blocked-is-not-met"),
    pytest.param([Grade.ERROR, Grade.MET], Grade.ERROR, id="error"),
    pytest.param([Grade.NOT_APPLICABLE], Grade.NOT_APPLICABLE, id="only-na"),
    pytest.param([], Grade.UNTESTED, id="untested"),
])
def test_requirement_grade_from_its_tests(grades, expected) -> None:
    assert combine(grades) == expected


def test_verdict_survives_the_trip_through_a_report() -> None:
    verdict = Verdict(Grade.FAILED, reason="x", requirement="rfc7644/3.3/a", at="check",
                      server_errors=("GET /x → 500",))
    assert Verdict.from_json(verdict.to_json()) == verdict


def req(rid: str, level: str = "MUST") -> Requirement:
    return Requirement(rid, level, "§x", "summary", "area")


CATALOGUE = Catalogue([req("rfc7644/3.3/a"), req("rfc7644/3.3/b"), req("rfc7644/3.3/c"),
                       req(SERVER_ERROR, "SHOULD"), req("rfc7644/3.12/should", "SHOULD"),
                       req("entra/responses/idp", "entra")])


def report(nodeid: str, named: list[str], verdict: Verdict | None, when: str = "call"):
    props = [("requirement", r) for r in named]
    rep = SimpleNamespace(nodeid=nodeid, when=when, user_properties=props)
    if verdict is not None:
        rep.scim = verdict.to_json()
    return rep


def grades_of(results: Results) -> dict[str, str]:
    return {o.requirement.id: o.grade.value for o in results.outcomes(CATALOGUE)}


def test_failure_filed_under_a_check_requirement_blocks_the_others() -> None:
    results = Results()
    results.add(report("t1", ["rfc7644/3.3/a", "rfc7644/3.3/b"],
                       Verdict(Grade.FAILED, requirement="rfc7644/3.3/b", at="check")))
    assert grades_of(results)["rfc7644/3.3/a"] == "blocked"
    assert grades_of(results)["rfc7644/3.3/b"] == "failed"


def test_unfiled_failure_counts_against_each_requirement_by_its_own_level() -> None:
    # A check naming no requirement in a test of a SHOULD and an IdP requirement: the test
    # fails (the IdP's requirement is hard), the SHOULD is a deviation unless the run is strict.
    named = ["rfc7644/3.12/should", "entra/responses/idp"]
    for strict, should in ((False, "deviation"), (True, "failed")):
        results = Results(strict=strict)
        results.add(report("t1", named, Verdict(Grade.FAILED, at="check")))
        grades = grades_of(results)
        assert (grades["rfc7644/3.12/should"], grades["entra/responses/idp"]) == (should,
                                                                                  "failed")


def test_root_cause_is_reported_once_and_counts_what_it_blocked() -> None:
    finding = {"key": "k", "requirement": "rfc7644/3.3/c", "what": "unexpected HTTP status",
               "lines": ["unexpected HTTP status", "  expected: 201", "  actual:   400"],
               "exchange": "POST /Users → 400", "curl": "curl …"}
    results = Results()
    results.add(report("t1", ["rfc7644/3.3/a"],
                       Verdict(Grade.FAILED, requirement="rfc7644/3.3/c", at="precondition",
                               cause="k", finding=finding)))
    for n in (2, 3):
        results.add(report(f"t{n}", ["rfc7644/3.3/b"],
                           Verdict(Grade.BLOCKED, blocked_by="rfc7644/3.3/c", cause="k")))
    causes = results.root_causes()
    assert [(c.requirement, c.reported_by, c.blocked) for c in causes] == [
        ("rfc7644/3.3/c", ["t1"], ["t2", "t3"])]
    assert grades_of(results) | {"rfc7644/3.12/should": "-", "entra/responses/idp": "-"} == {
        "rfc7644/3.3/a": "blocked", "rfc7644/3.3/b": "blocked", "rfc7644/3.3/c": "failed",
        SERVER_ERROR: "untested", "rfc7644/3.12/should": "-", "entra/responses/idp": "-"}


def test_server_error_counts_against_its_own_requirement() -> None:
    results = Results()
    results.add(report("t1", ["rfc7644/3.3/a"],
                       Verdict(Grade.DEVIATION, requirement=SERVER_ERROR, at="check",
                               server_errors=("POST /Users → 500",), own=Grade.MET)))
    results.add(report("t2", ["rfc7644/3.3/b"],
                       Verdict(Grade.FAILED, requirement="rfc7644/3.3/b", at="check",
                               server_errors=("POST /Users → 500",))))
    assert grades_of(results)[SERVER_ERROR] == "deviation"
    assert grades_of(results)["rfc7644/3.3/a"] == "met"
    assert grades_of(results)["rfc7644/3.3/b"] == "failed"
    strict = Results(strict=True)
    strict.add(report("t2", ["rfc7644/3.3/b"],
                      Verdict(Grade.FAILED, requirement="rfc7644/3.3/b", at="check",
                              server_errors=("POST /Users → 500",))))
    assert grades_of(strict)[SERVER_ERROR] == "failed"


def test_the_worst_phase_verdict_wins() -> None:
    results = Results()
    results.add(report("t1", ["rfc7644/3.3/a"], None, when="setup"))
    results.add(report("t1", ["rfc7644/3.3/a"], Verdict(Grade.MET)))
    results.add(report("t1", ["rfc7644/3.3/a"], Verdict(Grade.ERROR, reason="teardown"),
                       when="teardown"))
    assert grades_of(results)["rfc7644/3.3/a"] == "error"
