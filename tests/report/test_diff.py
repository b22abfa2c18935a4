"""`scimcert diff OLD NEW` and `scimcert run --baseline OLD`: what regressed, was fixed or is new
between two runs, and an exit code a bridge's CI gates on."""

from __future__ import annotations

import subprocess
import sys

import pytest

from scimcert import paths
from scimcert.harness import diff, report
from tests.inner import environment
from tests.report.conftest import BROKEN, KEYWORD, TOKEN
from tests.secret import absent


def scimcert(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scimcert.cli", *args], cwd=paths.root(),
                          env=environment(SCIM_TOKEN=TOKEN), capture_output=True, text=True,
                          timeout=300, check=False)


def reports(clean, broken) -> tuple[str, str]:
    return str(clean[0] / "conformance.json"), str(broken[0] / "conformance.json")


def test_a_clean_then_broken_run_is_a_regression(clean, broken):
    old, new = reports(clean, broken)
    done = scimcert("diff", old, new)
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert "  requirement rfc7644/3.3/created-201: met → failed" in lines
    assert "  test suites/users/test_create.py::test_create_answers_201: met → failed" in lines
    assert lines[-1] == "verdict: REGRESSED"
    assert lines.index("fixed: 0") > lines.index("regressed: " + str(
        len(diff.compare(report.read(old), report.read(new)).regressed)))


def test_the_other_way_round_everything_is_fixed_and_nothing_regressed(clean, broken):
    old, new = reports(clean, broken)
    changes = diff.compare(report.read(new), report.read(old))
    assert not changes.regressed and not changes.new and not changes.gone
    assert diff.Change("requirement", "rfc7644/3.3/created-201", "failed", "met") \
        in changes.fixed
    done = scimcert("diff", new, old)
    assert (done.returncode, done.stdout.splitlines()[-1]) == (0, "verdict: no regression")


def outcome_doc(requirements: dict[str, str], tests: dict[str, str]) -> dict:
    return {"rfc": {"requirements": [{"id": k, "outcome": v} for k, v in requirements.items()]},
            "idp": {"requirements": []},
            "verdicts": [{"nodeid": k, "outcome": v} for k, v in tests.items()]}


@pytest.mark.parametrize(("old", "new", "kind"), [
    ("met", "blocked", "regressed"), ("deviation", "failed", "regressed"),
    ("not applicable", "error", "regressed"), ("failed", "deviation", None),
    ("blocked", "met", "fixed"), ("error", "not applicable", "fixed"),
    ("skipped", "failed", "new"), ("untested", "met", "new"), ("met", "skipped", "gone"),
    ("met", "not applicable", None)])
def test_each_change_of_outcome_is_named_once(old, new, kind):
    changes = diff.compare(outcome_doc({"r/1/x": old}, {}), outcome_doc({"r/1/x": new}, {}))
    found = {name: getattr(changes, name) for name in ("regressed", "fixed", "new", "gone")}
    assert {name for name, listed in found.items() if listed} == ({kind} if kind else set())


def test_a_file_that_is_not_a_report_is_one_line(clean, tmp_path):
    bad = tmp_path / "other.json"
    bad.write_text('{"tests": 3}', encoding="utf-8")
    done = scimcert("diff", str(clean[0] / "conformance.json"), str(bad))
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "is not a scimcert conformance report" in done.stderr


def test_run_with_a_baseline_exits_non_zero_on_a_regression(clean, tmp_path):
    done = scimcert("run", "--baseline", str(clean[0] / "conformance.json"), "--report-dir",
                    str(tmp_path), "-k", KEYWORD, "--", "--scim-app", BROKEN)
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-2000:]
    tail = done.stdout[done.stdout.index("scimcert diff against the baseline:"):].splitlines()
    assert "  requirement rfc7644/3.3/created-201: met → failed" in tail
    assert tail[-1] == "verdict: REGRESSED"
    absent(TOKEN, stdout=done.stdout, stderr=done.stderr)
