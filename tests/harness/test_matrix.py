"""The compatibility matrix (scenario by dialect) in the terminal summary, conformance.json,
conformance.md and the HTML page, each failure with the requirement it is filed under."""

from __future__ import annotations

import json

import pytest

from tests.broken.report import run_suites


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("matrix")
    _, output = run_suites(folder, "--scim-strict-bridge", "-k", "joiner or mover",
                           suites=("provisioning",))
    return folder, output


def test_the_json_report_holds_every_scenario_in_every_dialect(run):
    folder, output = run
    matrix = json.loads((folder / "conformance.json").read_text(encoding="utf-8"))["matrix"]
    assert sorted(matrix["scenarios"]) == ["joiner", "mover"], output
    assert set(matrix["dialects"]) == {"rfc", "entra", "entra-flagged", "okta", "okta-aiw",
                                       "interop"}
    mover = matrix["scenarios"]["mover"]
    assert mover["rfc"]["outcome"] == "met"
    assert mover["entra"] == {**mover["entra"], "outcome": "failed",
                              "requirement": "entra/patch/capitalised-op"}


def test_the_terminal_markdown_and_page_show_the_matrix(run):
    folder, output = run
    assert "scim IdP compatibility" in output
    assert "mover in entra: failed under entra/patch/capitalised-op" in output
    markdown = (folder / "conformance.md").read_text(encoding="utf-8")
    assert "| scenario | entra | entra-flagged |" in markdown
    page = (folder / "conformance.html").read_text(encoding="utf-8")
    assert 'id="matrix"' in page and "entra/patch/capitalised-op" in page
