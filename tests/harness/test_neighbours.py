"""The suites live beside the pytest plugins people already use: pytest-timeout and
pytest-randomly load next to scimcert's plugin (no option clashes), and the suites pass in a
shuffled order with a timeout on every test."""

from __future__ import annotations

import subprocess
import sys

import pytest

from scimcert import paths
from tests.inner import environment

pytest.importorskip("pytest_timeout")
pytest.importorskip("pytest_randomly")


def test_suites_pass_shuffled_with_a_timeout(tmp_path):
    env = environment()
    command = [sys.executable, "-m", "pytest", str(paths.suites()), "-p", "no:cacheprovider",
               "-p", "randomly", "--randomly-seed", "31", "-p", "timeout", "--timeout", "60",
               "--scim-seed", "7", f"--junitxml={tmp_path / 'junit.xml'}"]
    done = subprocess.run(command, cwd=paths.root(), env=env, capture_output=True, text=True,
                          timeout=600, check=False)
    tail = "\n".join(done.stdout.splitlines()[-15:])
    assert done.returncode == 0, tail
    assert "Using --randomly-seed=31" in done.stdout, tail
    assert "timeout: 60.0s" in done.stdout, tail
