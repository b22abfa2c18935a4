"""examples/github-actions.yml is valid YAML of a GitHub Actions job, and its commands are the
README's CI recipe, so the two say the same."""

from __future__ import annotations

import re

import pytest

from scimcert import paths

yaml = pytest.importorskip("yaml", reason="PyYAML is a dev extra: pip install -e '.[dev]'")

WORKFLOW = paths.root() / "examples" / "github-actions.yml"
README = paths.root() / "README.md"
# GitHub plumbing with no meaning outside a workflow: the README sets SCIM_TOKEN by hand.
PLUMBING = {"A bearer token for this run only"}


def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def recipe() -> list[str]:
    """The lines of the README's shell block under "A bridge developer, in CI"."""
    text = README.read_text(encoding="utf-8")
    after = text[text.index("**A bridge developer, in CI**"):]
    return re.search(r"```sh\n(.*?)```", after, re.S)[1].splitlines()


def steps() -> list[dict]:
    return workflow()["jobs"]["scim"]["steps"]


def test_the_workflow_is_a_job_run_on_push_and_pull_request():
    flow = workflow()
    # PyYAML reads the bare key `on` as the boolean True (YAML 1.1); GitHub reads it as "on".
    assert set(flow[True]) == {"push", "pull_request"}
    assert flow["jobs"]["scim"]["runs-on"] == "ubuntu-latest"
    for step in steps():
        assert ("run" in step) != ("uses" in step), step


def test_every_command_of_the_workflow_is_in_the_readme_recipe():
    commands = [line.strip() for step in steps() if "run" in step
                and step.get("name") not in PLUMBING for line in step["run"].splitlines()]
    assert commands
    assert [c for c in commands if c not in recipe()] == []


def test_it_runs_the_suites_with_writes_and_keeps_the_reports_whatever_the_verdict():
    by_name = {step.get("name"): step for step in steps()}
    assert "--allow-writes --report-dir reports" in by_name["Run scimcert"]["run"]
    publish, keep = by_name["Publish the summary"], by_name["Keep the reports"]
    assert publish["if"] == keep["if"] == "always()"
    assert '>> "$GITHUB_STEP_SUMMARY"' in publish["run"]
    assert keep["uses"].startswith("actions/upload-artifact@") and keep["with"]["path"] == \
        "reports/"
