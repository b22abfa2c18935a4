"""A bridge whose User resource type has no enterprise extension passes every suite: tests that
would send the extension are not applicable, and the data they share is made without it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scimcert import paths
from scimcert.harness.connect import load_factory
from scimcert.scim.urns import ENTERPRISE_URN

BRIDGE = Path(__file__).resolve().parent / "plain.py"


@pytest.fixture(scope="module")
def run() -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", str(paths.suites()), "-p", "no:cacheprovider", "-q",
         "-rs", "--scim-app", f"{BRIDGE}:plain"],
        cwd=paths.root(), capture_output=True, text=True, timeout=300, check=False)


def test_plain_registry_declares_no_enterprise_extension():
    registry = load_factory(f"{BRIDGE}:plain_registry")()
    assert registry.resource_type("User").extensions == ()
    assert registry.schema(ENTERPRISE_URN) is None


def test_every_suite_passes_without_errors_on_a_bridge_without_the_extension(run):
    assert run.returncode == 0, run.stdout[-4000:]
    assert " error" not in run.stdout.splitlines()[-1], run.stdout[-4000:]


def test_tests_sending_the_extension_are_not_applicable(run):
    skipped = [line for line in run.stdout.splitlines() if line.startswith("SKIPPED")]
    about_extension = [line for line in skipped if "not applicable" in line
                       and ("enterprise extension" in line or ENTERPRISE_URN in line)]
    assert about_extension, run.stdout[-4000:]
