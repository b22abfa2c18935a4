"""A vendor's custom schema is covered without writing a line: the schema-driven suite finds the
extension and the custom resource type in /Schemas and /ResourceTypes, checks them, and fails the
requirement a vendor bridge breaks on one of its own attributes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scimcert import paths
from tests.broken.bridges.registry import declared
from tests.broken.report import checks_failed, read_report
from tests.vendor import bridge

BRIDGE = Path(bridge.__file__).resolve()

# Rules only vendor attributes exercise (the RFC core schemas declare no immutable top-level or
# returned=request attribute), each with a bridge that breaks it on one vendor attribute.
VENDOR = declared(bridge)
DEFECTS = [pytest.param(d.factory, d.requirements, d.proves, id=d.id) for d in VENDOR]


class Run:
    """One strict run of suites (the schema suite unless named) against a vendor bridge
    factory, with its report."""

    def __init__(self, factory: str, report: Path, *suites: str) -> None:
        folders = [str(paths.suites() / suite) for suite in suites or ("schema",)]
        self.done = subprocess.run(
            [sys.executable, "-m", "pytest", *folders, "-p",
             "no:cacheprovider", "-q", "-rA", "--scim-strict", "--scim-app",
             f"{BRIDGE}:{factory}", "--scim-report", str(report)],
            cwd=paths.root(), capture_output=True, text=True, timeout=120, check=False)
        found = read_report(report) or {}
        self.outcomes = {r: outcome for r, (outcome, _) in found.items()}
        self.own_checks = checks_failed(report)

    @property
    def output(self) -> str:
        return self.done.stdout[-3000:]


@pytest.fixture(scope="module")
def correct(tmp_path_factory) -> Run:
    return Run("vendor", tmp_path_factory.mktemp("vendor"), "schema", "representation")


@pytest.fixture(scope="module")
def forgetful(tmp_path_factory) -> Run:
    return Run(bridge.custom_attributes_forgotten.__name__, tmp_path_factory.mktemp("forgetful"))


def test_schema_suite_passes_on_a_correct_vendor_bridge(correct):
    assert correct.done.returncode == 0, correct.output


def test_correct_vendor_bridge_meets_every_vendor_rule(correct):
    listed = {req for defect in VENDOR for req in defect.requirements}
    missed = {req: correct.outcomes.get(req) for req in listed
              if correct.outcomes.get(req) != "met"}
    assert missed == {}, correct.output


@pytest.mark.parametrize(("factory", "requirements", "proves"), DEFECTS)
def test_vendor_defect_fails_its_requirements(factory, requirements, proves, tmp_path):
    run = Run(factory, tmp_path, "schema", "representation")
    wrong = {req: run.outcomes.get(req) for req in requirements
             if run.outcomes.get(req) != "failed"}
    assert wrong == {}, run.output
    assert sorted(set(proves) - run.own_checks) == [], run.output


@pytest.mark.parametrize("slot", ["User:AcmeUser:badge", "Device:Device:model"])
def test_schema_suite_names_each_vendor_attribute_a_bridge_forgets(forgetful, slot):
    assert forgetful.done.returncode == 1, forgetful.output
    assert slot in forgetful.done.stdout, forgetful.output


def test_schema_suite_passes_the_vendor_attributes_a_bridge_keeps(forgetful):
    for kept in ("User:AcmeUser:floor", "Device:Device:enrolled"):
        assert f"{kept}: rfc" not in forgetful.done.stdout, kept


def test_representation_suite_judges_the_custom_resource_type(tmp_path):
    # /Devices is judged against a JSON Schema generated from the vendor's own definitions.
    run = Run("vendor", tmp_path, "representation")
    assert run.done.returncode == 0, run.output
    assert run.outcomes.get("rfc7643/3/resource-representation") == "met", run.output
