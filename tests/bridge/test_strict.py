"""The embedded reference bridge under `--scim-strict-bridge` (every IdP tolerance off) fails the
Entra requirements of the PATCH corpus and still meets every RFC requirement: the corpus really
sends Entra's shapes, and switching the tolerances off costs no RFC conformance."""

from __future__ import annotations

import pytest

from tests.broken.report import Outcomes, run_suites

PASSED = ("met", "not applicable")
# A run of one suite file leaves the requirements only other files prove untested.
NOT_RUN = "untested"


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory) -> Outcomes:
    found, output = run_suites(tmp_path_factory.mktemp("strict"), "--scim-strict-bridge",
                               suites=("users/test_patch.py",))
    assert found, output
    return found


def test_entra_requirements_fail(outcomes):
    entra = {r: outcome for r, (outcome, _) in outcomes.items()
             if r.startswith("entra/") and outcome != NOT_RUN}
    assert entra, "the PATCH corpus names no Entra requirement"
    assert set(entra.values()) == {"failed"}, entra


def test_no_rfc_requirement_fails(outcomes):
    unmet = {r: outcome for r, (outcome, _) in outcomes.items()
             if r.startswith("rfc") and outcome not in (*PASSED, NOT_RUN)}
    assert unmet == {}
