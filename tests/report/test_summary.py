"""conformance.md is a short summary that fits a CI job summary (the verdict, the problems to
fix with a reproducer, the area table, the matrix); conformance.json is valid against its JSON
Schema and keeps every requirement with every test."""

from __future__ import annotations

import copy
import json

import pytest

from scimcert.harness import cases, catalogue, report
from scimcert.harness.outcome import Grade
from scimcert.harness.results import RequirementOutcome, RootCause
from scimcert.idp.dialect import names

# "At most about 60 lines": what a job summary shows without scrolling past the verdict.
SUMMARY_LINES = 60


def lines_of(folder) -> list[str]:
    return (folder / "conformance.md").read_text(encoding="utf-8").splitlines()


def test_the_summary_of_a_failing_run_leads_with_the_verdict_and_the_root_cause(broken):
    lines = lines_of(broken[0])
    assert lines[4].startswith("**FAIL** — RFC conformance: ")
    problems = lines.index("## Problems to fix (root causes first)")
    assert lines[problems + 2].startswith("1. `rfc7644/3.3/created-201` unexpected HTTP status "
                                          "— blocks ")
    assert lines[problems + 2].endswith("(expected: 201; actual: 200)")
    assert lines[problems + 3].startswith("   reproduce: `curl -sS -i -X POST ")
    assert lines.index("## By area") > problems
    assert "| users | 1 | 2 |" in "\n".join(lines)
    assert "| rehire | blocked | blocked | blocked | blocked | blocked | blocked |" in lines
    assert len(lines) <= SUMMARY_LINES


def test_the_summary_of_a_passing_run_says_pass_and_names_what_it_did_not_check(clean):
    lines = lines_of(clean[0])
    assert lines[4] == "**PASS** — RFC conformance: all 10 met; IdP compatibility: all 7 met"
    assert "## Problems to fix (root causes first)" not in lines
    assert any(line.startswith("Not checked by this run: auth, bulk,") for line in lines)


def worst_case() -> dict:
    """Every requirement failed, twenty root causes, every scenario of fixtures/scenarios/
    failed in every dialect."""
    cat = catalogue.load()
    causes = [RootCause(f"k{i}", "rfc7644/3.3/created-201", f"cause {i}",
                        ["x", "  expected: 1", "  actual:   2"], "POST /Users → 200", "curl x",
                        ["t"], ["b"] * i) for i in range(20)]
    dialects = list(names())
    matrix = {"dialects": dialects, "scenarios": {
        file.stem: {d: {"outcome": "failed", "nodeid": "n"} for d in dialects}
        for file in cases.files("scenarios")}}
    meta = {"target": "t", "version": "0", "seed": 1, "run_id": "r", "strict": False,
            "allow_writes": True, "started": "2026-01-01T00:00:00",
            "finished": "2026-01-01T00:00:00"}
    return report.document([RequirementOutcome(r, Grade.FAILED) for r in cat], meta,
                           causes=causes, sources=cat.sources, matrix=matrix)


def test_the_summary_stays_short_however_much_fails():
    lines = report.markdown(worst_case()).splitlines()
    assert len(lines) <= SUMMARY_LINES, "\n".join(lines)
    assert [line for line in lines if line.startswith("… and ")] == [
        f"… and {20 + len(catalogue.load()) - 1 - report.SHOWN_PROBLEMS} more in conformance.html"]


def test_every_report_is_valid_against_its_schema(clean, broken):
    for folder, _ in (clean, broken):
        assert report.read(folder / "conformance.json")["run"]["profile"] == "full"


def test_the_json_and_the_page_keep_every_requirement_with_every_test(broken):
    folder, _ = broken
    doc = report.read(folder / "conformance.json")
    page = (folder / "conformance.html").read_text(encoding="utf-8")
    ids = [r["id"] for s in ("rfc", "profile", "idp") for r in doc[s]["requirements"]]
    assert len(ids) == len(catalogue.load())
    assert all(f"<code>{rid}</code>" in page for rid in ids)
    failed = next(t for r in doc["rfc"]["requirements"] for t in r["tests"]
                  if r["id"] == "rfc7643/3.1/id-server-assigned")
    assert failed["outcome"] == "failed" and failed["curl"].startswith("curl -sS -i -X POST")


@pytest.mark.parametrize(("change", "says"), [
    (lambda d: d.pop("run"), "'run' is a required property"),
    (lambda d: d["rfc"]["requirements"][0].update(outcome="passed"), "'passed' is not one of"),
    (lambda d: d["verdicts"].append({"nodeid": "x"}), "'outcome' is a required property"),
])
def test_the_schema_refuses_what_is_not_a_report(clean, tmp_path, change, says):
    doc = copy.deepcopy(report.read(clean[0] / "conformance.json"))
    change(doc)
    file = tmp_path / "bad.json"
    file.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(report.ReportError, match=says):
        report.read(file)
