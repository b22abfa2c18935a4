"""Grades: SHOULD/MAY failures are deviations, MUST and IdP failures fail, features gate tests."""

from __future__ import annotations

import pytest

from scimcert.harness.catalogue import Requirement
from scimcert.harness.grading import (
    Grade,
    combine,
    deviation_level,
    deviation_reason,
    feature_supported,
    not_applicable_reason,
    outcome_grade,
)


def req(level: str) -> Requirement:
    return Requirement(f"rfc7644/x/{level.lower()}", level, "§x", "summary", "area")


@pytest.mark.parametrize(("levels", "expected"), [
    pytest.param(["SHOULD"], "SHOULD", id="should"),
    pytest.param(["MAY"], "MAY", id="may"),
    pytest.param(["MAY", "SHOULD"], "SHOULD", id="should-and-may"),
    pytest.param(["SHOULD", "MUST"], None, id="with-must"),
    pytest.param(["entra"], None, id="idp"),
    pytest.param([], None, id="none"),
])
def test_deviation_only_when_every_requirement_is_soft(levels, expected) -> None:
    assert deviation_level([req(level) for level in levels]) == expected


def test_deviation_reason_names_level_and_first_line() -> None:
    assert deviation_reason("SHOULD", "\nLocation header missing\nmore") == \
        "deviation (SHOULD): Location header missing"


def test_feature_is_supported_only_when_advertised_true() -> None:
    spc = {"etag": {"supported": True}, "sort": {"supported": "true"}, "bulk": {}}
    assert feature_supported(spc, "etag") is True
    assert feature_supported(spc, "sort") is False
    assert feature_supported(spc, "bulk") is False
    assert feature_supported(spc, "patch") is False
    assert not_applicable_reason("etag") == \
        "not applicable: ServiceProviderConfig does not advertise etag"


def test_unknown_feature_is_an_error() -> None:
    with pytest.raises(KeyError, match="unknown feature 'Etag'"):
        feature_supported({}, "Etag")


@pytest.mark.parametrize(("outcome", "wasxfail", "skip", "grade"), [
    pytest.param("passed", None, None, Grade.MET, id="passed"),
    pytest.param("failed", None, None, Grade.FAILED, id="failed"),
    pytest.param("skipped", "deviation (SHOULD): x", None, Grade.DEVIATION, id="deviation"),
    pytest.param("skipped", None, "not applicable: …", Grade.NOT_APPLICABLE, id="na"),
    pytest.param("skipped", None, "read-only: pass --allow-writes", Grade.SKIPPED, id="skip"),
])
def test_outcome_grade(outcome, wasxfail, skip, grade) -> None:
    assert outcome_grade(outcome, wasxfail, skip) == grade


def test_requirement_grade_is_the_worst_test_grade() -> None:
    assert combine([Grade.MET, Grade.NOT_APPLICABLE]) == Grade.MET
    assert combine([Grade.MET, Grade.DEVIATION]) == Grade.DEVIATION
    assert combine([Grade.DEVIATION, Grade.FAILED]) == Grade.FAILED
    assert combine([Grade.SKIPPED]) == Grade.SKIPPED
    assert combine([]) == Grade.UNTESTED
