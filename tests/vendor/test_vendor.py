"""A vendor's custom schema is covered without writing a line: the schema-driven suite finds the
extension and the custom resource type in /Schemas and /ResourceTypes and checks them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scimcert import paths

BRIDGE = Path(__file__).resolve().parent / "bridge.py"


def run_schema_suite(factory: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", str(paths.suites() / "schema"), "-p", "no:cacheprovider",
         "-q", "-rA", "--scim-app", f"{BRIDGE}:{factory}"],
        cwd=paths.root(), capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def forgetful() -> subprocess.CompletedProcess[str]:
    return run_schema_suite("forgetful_vendor")


def test_schema_suite_passes_on_a_correct_vendor_bridge():
    done = run_schema_suite("vendor")
    assert done.returncode == 0, done.stdout[-3000:]


@pytest.mark.parametrize("slot", ["User:AcmeUser:badge", "Device:Device:model"])
def test_schema_suite_names_each_vendor_attribute_a_bridge_forgets(forgetful, slot):
    assert forgetful.returncode == 1, forgetful.stdout[-3000:]
    assert slot in forgetful.stdout, forgetful.stdout[-3000:]


def test_schema_suite_passes_the_vendor_attributes_a_bridge_keeps(forgetful):
    for kept in ("User:AcmeUser:floor", "Device:Device:enrolled"):
        assert f"{kept}: rfc" not in forgetful.stdout, kept
